import type { PluginCommit, PluginModelClient, PluginWriteOperation } from '../../spec/index.js'
import { DEFAULT_EXTRACTION_KEYSPACE, extractionKey, extractRecords, type ExtractionCall, type ExtractionRecord, recordText, type SourceText } from '../../../cartridges/entities/index.js'
import type { EntityExtractorConfig } from './entity-extractor-config.js'

/** An {@link ExtractionCall} over the plugin's guarded model client (ledger entry and model id when the host reports them). */
export function pluginExtractionCall(model: PluginModelClient): ExtractionCall {
  return async ({ system, prompt, schema }) => {
    const result = (await model.generateObject({ schema, system, prompt, schemaName: 'extraction', task: 'extraction' })) as Awaited<ReturnType<PluginModelClient['generateObject']>> & { readonly ledgerEntryId?: unknown; readonly modelId?: unknown }
    return { object: result.object as never, ledgerEntryId: typeof result.ledgerEntryId === 'string' ? result.ledgerEntryId : null, modelId: typeof result.modelId === 'string' ? result.modelId : null }
  }
}

function isBinary(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && '$base64' in value
}

/**
 * Turns a batch of commits into the extractor's writes: for the last operation on each
 * selected key, an extraction record (several records per model call, across the batch
 * or per commit as `config.grouping` says) or, for a delete or a record without text, a
 * delete of its extraction record.
 */
export async function extractCommits(args: {
  readonly commits: readonly PluginCommit[]
  readonly config: EntityExtractorConfig
  readonly call: ExtractionCall
  /** `<name>@<version>` of the plugin. */
  readonly plugin: string
  /** The plugin's keyspace (default `entity-extractor`). */
  readonly keyspace?: string
}): Promise<PluginWriteOperation[]> {
  const { config } = args
  const keyspace = args.keyspace ?? DEFAULT_EXTRACTION_KEYSPACE
  const last = new Map<string, { readonly operation: PluginCommit['operations'][number]; readonly commit: PluginCommit }>()
  for (const commit of args.commits) {
    for (const operation of commit.operations) {
      if (operation.keyspace !== config.keyspace || !operation.key.startsWith(config.keyPrefix)) continue
      last.delete(operation.key)
      last.set(operation.key, { operation, commit })
    }
  }
  const sources: SourceText[] = []
  const writes: PluginWriteOperation[] = []
  for (const { operation, commit } of last.values()) {
    const text = operation.type === 'put' && !isBinary(operation.value) ? recordText(operation.value, config.fields) : ''
    if (text === '') writes.push({ type: 'delete', keyspace, key: extractionKey(operation.keyspace, operation.key) })
    else sources.push({ keyspace: operation.keyspace, key: operation.key, txnId: commit.txnId, timestamp: commit.timestamp, text })
  }
  const groups: SourceText[][] = []
  for (const source of sources) {
    const last = groups.at(-1)
    if (last !== undefined && (config.grouping === 'delivery' || last[0]!.txnId === source.txnId)) last.push(source)
    else groups.push([source])
  }
  const records: ExtractionRecord[] = []
  for (const group of groups) records.push(...(await extractRecords({ sources: group, call: args.call, plugin: args.plugin, batching: config })))
  for (const record of records) writes.push({ type: 'put', keyspace, key: extractionKey(record.source.keyspace, record.source.key), value: record as never })
  return writes
}
