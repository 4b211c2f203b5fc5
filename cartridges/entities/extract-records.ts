import { LivingDbError } from '../../errors/index.js'
import { generateObject, type CallContext, type LanguageModelV1, type ModelMiddleware } from '../../llm/index.js'
import { attributeExtraction } from './attribute-extraction.js'
import { EXTRACTION_RECORD_FORMAT, type ExtractionRecord } from './extraction-record.js'
import { buildBatchPrompt, EXTRACTION_SYSTEM_PROMPT, type ExtractionOutput, extractionOutputSchema } from './extraction-output.js'

/** One model call of the extractor: the prompt in, the validated reply and its ledger entry out. */
export type ExtractionCall = (args: { readonly system: string; readonly prompt: string; readonly schema: typeof extractionOutputSchema }) => Promise<{
  readonly object: ExtractionOutput
  /** The ledger entry (request hash) of the call; null when it did not go through the ledger. */
  readonly ledgerEntryId: string | null
  /** `provider:model`, null when the caller cannot tell. */
  readonly modelId: string | null
}>

/** A source record's text, with where it came from. */
export interface SourceText {
  readonly keyspace: string
  readonly key: string
  /** The commit that wrote the record, and its wall-clock time (ms). */
  readonly txnId: number
  readonly timestamp: number
  readonly text: string
}

/** How records are grouped into model calls and filtered. */
export interface ExtractionBatching {
  /** Records per model call (default 8). */
  readonly recordsPerCall?: number
  /** A call is closed before its records' text exceeds this (default 12,000 characters); a longer record goes alone. */
  readonly maxCharactersPerCall?: number
  /** Entities and relationships below this confidence are dropped (default 0.5). */
  readonly minConfidence?: number
  /** Model calls in flight at once (default 4; the results do not depend on it). */
  readonly maxConcurrentCalls?: number
}

/** The batching options with defaults, checked (`INVALID_ARGUMENT` naming the bad option). */
export function resolveBatching(batching: ExtractionBatching | undefined): Required<ExtractionBatching> {
  const resolved = { recordsPerCall: batching?.recordsPerCall ?? 8, maxCharactersPerCall: batching?.maxCharactersPerCall ?? 12_000, minConfidence: batching?.minConfidence ?? 0.5, maxConcurrentCalls: batching?.maxConcurrentCalls ?? 4 }
  if (!Number.isSafeInteger(resolved.maxConcurrentCalls) || resolved.maxConcurrentCalls < 1 || resolved.maxConcurrentCalls > 64) {
    throw new LivingDbError('INVALID_ARGUMENT', `maxConcurrentCalls must be an integer from 1 to 64, got ${String(resolved.maxConcurrentCalls)}.`, { details: { option: 'maxConcurrentCalls' } })
  }
  if (!Number.isSafeInteger(resolved.recordsPerCall) || resolved.recordsPerCall < 1 || resolved.recordsPerCall > 256) {
    throw new LivingDbError('INVALID_ARGUMENT', `recordsPerCall must be an integer from 1 to 256, got ${String(resolved.recordsPerCall)}.`, { details: { option: 'recordsPerCall' } })
  }
  if (!Number.isSafeInteger(resolved.maxCharactersPerCall) || resolved.maxCharactersPerCall < 100) {
    throw new LivingDbError('INVALID_ARGUMENT', `maxCharactersPerCall must be an integer >= 100, got ${String(resolved.maxCharactersPerCall)}.`, { details: { option: 'maxCharactersPerCall' } })
  }
  if (!(resolved.minConfidence >= 0 && resolved.minConfidence <= 1)) {
    throw new LivingDbError('INVALID_ARGUMENT', `minConfidence must be a number from 0 to 1, got ${String(resolved.minConfidence)}.`, { details: { option: 'minConfidence' } })
  }
  return resolved
}

/** Splits `sources` (in order) into the groups sent per model call. */
export function chunkSources(sources: readonly SourceText[], batching: Required<ExtractionBatching>): SourceText[][] {
  const chunks: SourceText[][] = []
  let current: SourceText[] = []
  let characters = 0
  for (const source of sources) {
    if (current.length > 0 && (current.length >= batching.recordsPerCall || characters + source.text.length > batching.maxCharactersPerCall)) {
      chunks.push(current)
      current = []
      characters = 0
    }
    current.push(source)
    characters += source.text.length
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

/**
 * Extracts entities, topics and relationships from source records, several records per
 * model call (see {@link ExtractionBatching}), and returns one {@link ExtractionRecord}
 * per source, in order. Sources with empty text are not sent (their record is empty).
 * Up to `maxConcurrentCalls` calls run at once; the records never depend on it.
 * The same sources, batching and model replies always give the same records.
 */
export async function extractRecords(args: { readonly sources: readonly SourceText[]; readonly call: ExtractionCall; readonly plugin: string; readonly batching?: ExtractionBatching }): Promise<ExtractionRecord[]> {
  const batching = resolveBatching(args.batching)
  const records: ExtractionRecord[] = []
  const empty = (source: SourceText): ExtractionRecord => ({
    format: EXTRACTION_RECORD_FORMAT, source: { keyspace: source.keyspace, key: source.key, txnId: source.txnId, timestamp: source.timestamp }, plugin: args.plugin, modelId: null, ledgerEntryId: null, entities: [], topics: [], relationships: [],
  })
  const byIndex = new Map<SourceText, ExtractionRecord>()
  const chunks = chunkSources(args.sources.filter((source) => source.text.trim() !== ''), batching)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!
      const batch = buildBatchPrompt(chunk)
      const reply = await args.call({ system: EXTRACTION_SYSTEM_PROMPT, prompt: batch.prompt, schema: extractionOutputSchema })
      const facts = attributeExtraction({ texts: chunk.map((source) => source.text), output: reply.object, minConfidence: batching.minConfidence })
      chunk.forEach((source, index) => byIndex.set(source, { ...empty(source), modelId: reply.modelId, ledgerEntryId: reply.ledgerEntryId, ...facts[index]! }))
    }
  }
  await Promise.all(Array.from({ length: Math.min(batching.maxConcurrentCalls, chunks.length) }, worker))
  for (const source of args.sources) records.push(byIndex.get(source) ?? empty(source))
  return records
}

/**
 * An {@link ExtractionCall} that runs `generateObject` in this process: the model (default
 * `LIVINGDB_MODEL`, else the offline model) wrapped in `guards` (default: the process-wide
 * guards). Put a ledger guard in `guards` to make the calls free to repeat.
 */
export function generateObjectExtractionCall(options: { readonly model?: string | LanguageModelV1; readonly guards?: readonly ModelMiddleware[]; readonly context?: CallContext } = {}): ExtractionCall {
  return async ({ system, prompt, schema }) => {
    const result = await generateObject({
      schema,
      system,
      prompt,
      schemaName: 'extraction',
      context: options.context ?? { scope: 'cartridge:entities', task: 'extraction' },
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.guards === undefined ? {} : { guards: options.guards }),
    })
    const ledgerEntryId = (result.response as { readonly ledgerEntryId?: unknown } | undefined)?.ledgerEntryId
    return { object: result.object, ledgerEntryId: typeof ledgerEntryId === 'string' ? ledgerEntryId : null, modelId: result.modelId }
  }
}
