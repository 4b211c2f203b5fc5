/**
 * Batching benchmark for the entity extractor: the same generated work notes are
 * extracted one record per model call and then several records per call, through a
 * fixture provider that counts tokens (the offline model's replies, counted here at 4
 * characters per token over the whole request: system prompt, JSON schema, records, and
 * the reply). Target: batched extraction spends <= 0.5x the tokens per record of
 * one-record-per-call. Exits with code 1 when it does not.
 *
 * Run: node --import tsx bench/cartridges-extraction.bench.ts [--records 400] [--per-call 8] [--seed 7]
 */
import { type ExtractionRecord, extractRecords, generateObjectExtractionCall, normalizeName, type SourceText } from '../cartridges/entities/index.js'
import { createOfflineLanguageModel, type GenerateRequest, type LanguageModelV1 } from '../llm/index.js'

/** A language model that answers with the offline model and counts the tokens of every call. */
export function createTokenCountingFixtureModel(): LanguageModelV1 & { readonly counts: { calls: number; inputTokens: number; outputTokens: number } } {
  const inner = createOfflineLanguageModel()
  const counts = { calls: 0, inputTokens: 0, outputTokens: 0 }
  const tokens = (text: string): number => Math.ceil(text.length / 4)
  return {
    specificationVersion: 'v1',
    provider: 'fixture',
    modelId: 'token-counter',
    counts,
    async doGenerate(request: GenerateRequest) {
      const result = await inner.doGenerate(request)
      const inputTokens = tokens(JSON.stringify({ messages: request.messages, responseSchema: request.responseSchema ?? null, tools: request.tools ?? null }))
      const outputTokens = tokens(result.text === '' ? JSON.stringify(result.toolCalls) : result.text)
      counts.calls++
      counts.inputTokens += inputTokens
      counts.outputTokens += outputTokens
      return { ...result, usage: { inputTokens, outputTokens } }
    },
  }
}

const PEOPLE = ['Dana Whitfield', 'Lee Park', 'Priya Raman', 'Omar Haddad', 'Ines Silva', 'Jonas Novak', 'Sakura Tanaka', 'Kwame Okafor']
const ORGANIZATIONS = ['Acme Corp', 'Initech', 'Globex', 'Hooli', 'Umbrella Labs', 'Stark Industries']
const PLACES = ['Oslo', 'Berlin', 'Lisbon', 'Toronto', 'Nairobi']
const SENTENCES = [
  (pick: <T>(items: readonly T[]) => T) => `${pick(PEOPLE)} met ${pick(PEOPLE)} in ${pick(PLACES)} to review the billing migration.`,
  (pick: <T>(items: readonly T[]) => T) => `${pick(PEOPLE)} works at ${pick(ORGANIZATIONS)} and owns the Q3 roadmap.`,
  (pick: <T>(items: readonly T[]) => T) => `${pick(ORGANIZATIONS)} approved OPS-${100 + Math.floor(pick([1, 2, 3, 4, 5, 6, 7, 8, 9]) * 97)} after the incident review.`,
  (pick: <T>(items: readonly T[]) => T) => `${pick(PEOPLE)} reports to ${pick(PEOPLE)} since the reorg.`,
  (pick: <T>(items: readonly T[]) => T) => `Customer call with ${pick(ORGANIZATIONS)}: they want the Redis cluster upgrade before Friday.`,
]

/** Seeded work notes of two or three sentences (~150-250 characters). */
export function generateNotes(count: number, seed: number): SourceText[] {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = Math.imul(state ^ (state >>> 15), state | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  return Array.from({ length: count }, (_, index) => ({
    keyspace: 'default',
    key: `notes/${index}`,
    txnId: index + 1,
    timestamp: 1_700_000_000_000 + index,
    text: Array.from({ length: 2 + Math.floor(next() * 2) }, () => pick(SENTENCES)(pick)).join(' '),
  }))
}

/** The facts of a run as comparable strings (record key + entity, record key + triple). */
function factSet(records: readonly ExtractionRecord[]): { readonly entities: Set<string>; readonly relationships: Set<string> } {
  const entities = new Set<string>()
  const relationships = new Set<string>()
  for (const record of records) {
    for (const entity of record.entities) entities.add(`${record.source.key}|${entity.type}|${normalizeName(entity.name)}`)
    for (const edge of record.relationships) relationships.add(`${record.source.key}|${normalizeName(record.entities[edge.subject]!.name)}|${edge.predicate}|${normalizeName(record.entities[edge.object]!.name)}`)
  }
  return { entities, relationships }
}

/** Precision and recall of `candidate` against `reference`. */
function agreement(reference: Set<string>, candidate: Set<string>): string {
  const shared = [...candidate].filter((fact) => reference.has(fact)).length
  return `precision ${(shared / Math.max(1, candidate.size)).toFixed(3)}, recall ${(shared / Math.max(1, reference.size)).toFixed(3)}`
}

async function measure(sources: readonly SourceText[], recordsPerCall: number) {
  const model = createTokenCountingFixtureModel()
  const started = performance.now()
  const records = await extractRecords({ sources, call: generateObjectExtractionCall({ model, guards: [] }), plugin: 'entity-extractor@1.0.0', batching: { recordsPerCall } })
  const milliseconds = performance.now() - started
  const total = model.counts.inputTokens + model.counts.outputTokens
  const entities = records.reduce((sum, record) => sum + record.entities.length, 0)
  const relationships = records.reduce((sum, record) => sum + record.relationships.length, 0)
  return { records, recordsPerCall, calls: model.counts.calls, inputTokens: model.counts.inputTokens, outputTokens: model.counts.outputTokens, tokensPerRecord: total / sources.length, entities, relationships, milliseconds }
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  const value = index === -1 ? fallback : Number(process.argv[index + 1])
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${process.argv[index + 1]}`)
  return value
}

async function main(): Promise<void> {
  const count = option('records', 400)
  const perCall = option('per-call', 8)
  const seed = option('seed', 7)
  const sources = generateNotes(count, seed)
  const single = await measure(sources, 1)
  const batched = await measure(sources, perCall)
  const ratio = batched.tokensPerRecord / single.tokensPerRecord
  console.log(`entity extraction, ${count} notes (seed ${seed}), fixture provider counting tokens at 4 chars/token`)
  console.table([single, batched].map((row) => ({
    'records/call': row.recordsPerCall,
    calls: row.calls,
    'input tokens': row.inputTokens,
    'output tokens': row.outputTokens,
    'tokens/record': Number(row.tokensPerRecord.toFixed(1)),
    entities: row.entities,
    relationships: row.relationships,
    ms: Math.round(row.milliseconds),
  })))
  console.log(`one record per call: ${single.tokensPerRecord.toFixed(1)} tokens/record; ${perCall} per call: ${batched.tokensPerRecord.toFixed(1)} tokens/record; ratio ${ratio.toFixed(3)} (target <= 0.5): ${ratio <= 0.5 ? 'PASS' : 'FAIL'}`)
  const reference = factSet(single.records)
  const candidate = factSet(batched.records)
  console.log(`batched facts against one-record-per-call: entities ${agreement(reference.entities, candidate.entities)}; relationships ${agreement(reference.relationships, candidate.relationships)}`)
  if (ratio > 0.5) process.exitCode = 1
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
