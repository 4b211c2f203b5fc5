import type { LanguageModelV1, ModelMiddleware } from '../../llm/index.js'
import { type CartridgeCommit, type CartridgeSource, type Provenance, sourceKeyString } from '../spec/index.js'
import { DEFAULT_DIRECTIVE_SOURCE, type EntityDirective, entityDirectiveSchema } from './entity-directive.js'
import { type ExtractionBatching, extractRecords, generateObjectExtractionCall, type ExtractionCall, type SourceText } from './extract-records.js'
import { DEFAULT_EXTRACTION_KEYSPACE, EXTRACTION_KEY_PREFIX, type ExtractionRecord, extractionKey, extractionRecordSchema, sourceId } from './extraction-record.js'
import { type RecordSelector, recordText, resolveSelector } from './record-text.js'

/**
 * Where the entities and relationships cartridges get their extractions:
 * - `extractor` (default): the records the entity-extractor plugin writes to its keyspace
 *   (no model call in the cartridge; rebuilds are free);
 * - `inline`: the cartridge extracts from app records itself with `generateObject`
 *   (one model call per commit's records, in batches), for databases without a plugin
 *   host. Put a ledger guard in `guards` so rebuilds replay for free. The calls run inside
 *   the cartridge's write transaction, so other writers wait for them: use it with the
 *   offline model or a ledger in replay mode, and the plugin for remote models.
 */
export type EntityInput =
  | { readonly kind: 'extractor'; readonly keyspace?: string }
  | {
      readonly kind: 'inline'
      readonly records?: RecordSelector
      readonly model?: string | LanguageModelV1
      readonly guards?: readonly ModelMiddleware[]
      readonly batching?: ExtractionBatching
      /** Replaces the model call (tests, custom clients). */
      readonly call?: ExtractionCall
    }

/** One thing the cartridges apply, in commit order. */
export type EntityEvent =
  | { readonly kind: 'record'; readonly source: string; readonly record: ExtractionRecord; readonly provenance: Provenance }
  | { readonly kind: 'retract'; readonly source: string; readonly txnId: number; readonly timestamp: number }
  | { readonly kind: 'invalid'; readonly source: string; readonly reason: string; readonly provenance: Provenance }
  | { readonly kind: 'directive'; readonly directive: EntityDirective; readonly provenance: Provenance }

/** The resolved input: its commit sources and how commits become events. */
export interface ResolvedEntityInput {
  readonly sources: readonly CartridgeSource[]
  readonly modelId: string | null
  readonly fingerprint: { readonly [key: string]: string | number | null | readonly string[] }
  events(args: { readonly commits: readonly CartridgeCommit[]; readonly plugin: string }): AsyncGenerator<EntityEvent>
}

/** Resolves an {@link EntityInput} and the directive source into sources and an event reader. */
export function resolveEntityInput(input: EntityInput | undefined, directives: { readonly keyspace?: string; readonly prefix?: string } | undefined, scope: string): ResolvedEntityInput {
  const directiveSource = { keyspace: directives?.keyspace ?? DEFAULT_DIRECTIVE_SOURCE.keyspace, prefix: directives?.prefix ?? DEFAULT_DIRECTIVE_SOURCE.prefix }
  const isDirective = (keyspace: string, key: string): boolean => keyspace === directiveSource.keyspace && key.startsWith(directiveSource.prefix)
  const base = (keyspace: string, key: string, txnId: number, plugin: string): Provenance => ({ sourceKeyspace: keyspace, sourceKey: key, txnId, plugin, ledgerEntryId: null })
  const directiveEvent = (operation: CartridgeCommit['ops'][number], key: string, commit: CartridgeCommit, plugin: string): EntityEvent | undefined => {
    if (operation.type !== 'put') return undefined
    const parsed = entityDirectiveSchema.safeParse(operation.value)
    const provenance = base(operation.keyspace, key, commit.txnId, plugin)
    return parsed.success ? { kind: 'directive', directive: parsed.data, provenance } : { kind: 'invalid', source: `directive/${key}`, reason: 'not an entity directive', provenance }
  }
  /** The events of one commit: directives as such, every other operation through `toEvent`. */
  function* commitEvents(commit: CartridgeCommit, plugin: string, toEvent: (operation: CartridgeCommit['ops'][number], key: string) => EntityEvent): Generator<EntityEvent> {
    for (const operation of commit.ops) {
      const key = sourceKeyString(operation.key)
      if (key === undefined) continue
      if (!isDirective(operation.keyspace, key)) yield toEvent(operation, key)
      else {
        const event = directiveEvent(operation, key, commit, plugin)
        if (event !== undefined) yield event
      }
    }
  }
  if (input === undefined || input.kind === 'extractor') {
    const keyspace = input?.keyspace ?? DEFAULT_EXTRACTION_KEYSPACE
    return {
      sources: [{ keyspace, prefix: EXTRACTION_KEY_PREFIX }, directiveSource],
      modelId: null,
      fingerprint: { input: 'extractor', keyspace, directives: [directiveSource.keyspace, directiveSource.prefix] },
      async *events({ commits, plugin }) {
        for (const commit of commits) {
          yield* commitEvents(commit, plugin, (operation, key): EntityEvent => {
            const source = key.slice(EXTRACTION_KEY_PREFIX.length)
            if (operation.type === 'delete') return { kind: 'retract', source, txnId: commit.txnId, timestamp: commit.timestamp }
            const parsed = extractionRecordSchema.safeParse(operation.value)
            if (!parsed.success || extractionKey(parsed.data.source.keyspace, parsed.data.source.key) !== key) {
              return { kind: 'invalid', source, reason: parsed.success ? 'the key does not match the record source' : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '), provenance: base(operation.keyspace, key, commit.txnId, plugin) }
            }
            const record = parsed.data
            return { kind: 'record', source, record, provenance: { sourceKeyspace: record.source.keyspace, sourceKey: record.source.key, txnId: record.source.txnId, plugin: record.plugin, ledgerEntryId: record.ledgerEntryId } }
          })
        }
      },
    }
  }
  const selector = resolveSelector(input.records)
  const call = input.call ?? generateObjectExtractionCall({ model: input.model, guards: input.guards, context: { scope, task: 'extraction' } })
  const modelId = typeof input.model === 'string' ? input.model : input.model === undefined ? 'default' : `${input.model.provider}:${input.model.modelId}`
  return {
    sources: [{ keyspace: selector.keyspace, prefix: selector.prefix }, directiveSource],
    modelId,
    fingerprint: { input: 'inline', keyspace: selector.keyspace, prefix: selector.prefix, fields: selector.fields === 'all' ? 'all' : [...selector.fields], directives: [directiveSource.keyspace, directiveSource.prefix], batching: JSON.stringify(input.batching ?? {}) },
    async *events({ commits, plugin }) {
      for (const commit of commits) {
        const texts: SourceText[] = []
        for (const operation of commit.ops) {
          const key = sourceKeyString(operation.key)
          if (key !== undefined && operation.type === 'put' && !isDirective(operation.keyspace, key)) texts.push({ keyspace: operation.keyspace, key, txnId: commit.txnId, timestamp: commit.timestamp, text: recordText(operation.value, selector.fields) })
        }
        const extracted = new Map<string, ExtractionRecord>()
        for (const record of await extractRecords({ sources: texts, call, plugin, batching: input.batching })) extracted.set(sourceId(record.source.keyspace, record.source.key), record)
        yield* commitEvents(commit, plugin, (operation, key): EntityEvent => {
          const source = sourceId(operation.keyspace, key)
          const record = operation.type === 'put' ? extracted.get(source) : undefined
          if (record === undefined) return { kind: 'retract', source, txnId: commit.txnId, timestamp: commit.timestamp }
          return { kind: 'record', source, record, provenance: { sourceKeyspace: operation.keyspace, sourceKey: key, txnId: commit.txnId, plugin, ledgerEntryId: record.ledgerEntryId } }
        })
      }
    },
  }
}
