/**
 * Informal benchmark of the guard middleware (not part of the test suite).
 * Run: node --import tsx bench/llm-guards.bench.ts [--calls 20000] [--json]
 *
 * Measures what the whole default guard stack (redaction → audit → ledger → budget →
 * rate limit, in-memory stores) adds to a trivial in-process model, per call, at
 * p50/p90/p99: on the miss path (every request distinct, so every guard does its
 * full work: redact, hash, record, reserve and settle, take from the buckets, audit)
 * and on the hit path (the same request again, answered by the ledger).
 * Overhead = guarded latency − bare latency at the same percentile.
 *
 * Then the same around the offline provider (the default model), where each request
 * is sent bare and guarded back to back and the overhead is the median of the
 * per-request differences (the model's own time varies more than the guards' cost).
 */
import { performance } from 'node:perf_hooks'
import {
  createAuditGuard, createBudgetGuard, createDefaultGuards, createLedgerGuard, createRateLimitGuard, createRedactionGuard, guardLanguageModel,
  RateLimitRegistry,
} from '../llm/guards/index.js'
import { createOfflineLanguageModel } from '../llm/providers/offline/index.js'
import type { GenerateRequest, LanguageModelV1, ModelMiddleware } from '../llm/spec/index.js'
import { createMemoryStores } from '../llm/stores/index.js'

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

const calls = argument('calls', 20_000)
const json = process.argv.includes('--json')

const trivialModel: LanguageModelV1 = {
  specificationVersion: 'v1',
  provider: 'bench',
  modelId: 'trivial',
  async doGenerate() {
    return { text: '{"entities":[]}', toolCalls: [], usage: { inputTokens: 80, outputTokens: 6 }, finishReason: 'stop' }
  },
}

/** A ~300-character note with one email and one phone number, distinct per index. */
function requestFor(index: number): GenerateRequest {
  return {
    messages: [
      { role: 'system', content: 'Extract the people, organisations and dates from the note. Reply with JSON.' },
      {
        role: 'user',
        content: `Note ${index}: Dana Whitfield from Acme Corp approved the billing migration on 2025-03-14. ` +
          `Contact dana.whitfield@acme.io or +44 20 7946 0958 if the rollout slips. Ticket OPS-${index} tracks it; ` +
          'the Berlin team reviews the Grafana dashboards next week before launch.',
      },
    ],
    responseSchema: { name: 'entities', schema: { type: 'object', properties: { entities: { type: 'array', items: { type: 'string' } } } } },
    maxOutputTokens: 256,
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!
}

async function measure(model: LanguageModelV1, requests: readonly GenerateRequest[]): Promise<{ p50: number; p90: number; p99: number }> {
  const samples = new Float64Array(requests.length)
  for (let index = 0; index < requests.length; index++) {
    const started = performance.now()
    await model.doGenerate(requests[index]!)
    samples[index] = (performance.now() - started) * 1000
  }
  const sorted = Array.from(samples).sort((left, right) => left - right)
  return { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99) }
}

/** Median of (guarded − bare) over requests sent to both back to back, in µs. */
async function pairedOverhead(bareModel: LanguageModelV1, guardedModel: LanguageModelV1, requests: readonly GenerateRequest[]): Promise<{ p50: number; bareP50: number }> {
  const differences: number[] = []
  const bareTimes: number[] = []
  for (const request of requests) {
    let started = performance.now()
    await bareModel.doGenerate(request)
    const bareTime = (performance.now() - started) * 1000
    started = performance.now()
    await guardedModel.doGenerate(request)
    differences.push((performance.now() - started) * 1000 - bareTime)
    bareTimes.push(bareTime)
  }
  differences.sort((left, right) => left - right)
  bareTimes.sort((left, right) => left - right)
  return { p50: percentile(differences, 0.5), bareP50: percentile(bareTimes, 0.5) }
}

function guarded(model: LanguageModelV1 = trivialModel): LanguageModelV1 {
  const middleware = createDefaultGuards({
    stores: createMemoryStores(),
    budget: { pricing: { 'bench:*': { inputPerMillion: 0.4, outputPerMillion: 1.6 } }, limits: [{ scope: '*', period: 'day', maxCostUsd: 1_000 }] },
    rateLimit: { registry: new RateLimitRegistry(), limits: { 'bench:*': { requestsPerMinute: 1e9, tokensPerMinute: 1e12 } } },
  })
  return guardLanguageModel({ model, middleware, context: { scope: 'plugin:bench', task: 'extraction' } })
}

const round = (value: number) => Math.round(value * 100) / 100
const distinct = Array.from({ length: calls }, (_, index) => requestFor(index))
const repeated = Array.from({ length: calls }, () => distinct[0]!)

// Warm up every path so the JIT has compiled them before measuring.
await measure(trivialModel, distinct.slice(0, 2_000))
await measure(guarded(), distinct.slice(0, 2_000))

const bare = await measure(trivialModel, distinct)
const missModel = guarded()
const miss = await measure(missModel, distinct)
const hit = await measure(missModel, repeated)
// Each guard alone, to see where the time goes.
const stores = createMemoryStores()
const single: Record<string, () => ModelMiddleware> = {
  redaction: () => createRedactionGuard(),
  audit: () => createAuditGuard({ store: createMemoryStores().audit }),
  ledger: () => createLedgerGuard({ store: createMemoryStores().ledger }),
  budget: () => createBudgetGuard({ store: stores.counters, pricing: { 'bench:*': { inputPerMillion: 0.4, outputPerMillion: 1.6 } } }),
  rateLimit: () => createRateLimitGuard({ registry: new RateLimitRegistry(), limits: { 'bench:*': { requestsPerMinute: 1e9, tokensPerMinute: 1e12 } } }),
}
const perGuard: Record<string, number> = {}
for (const [name, create] of Object.entries(single)) {
  const alone = guardLanguageModel({ model: trivialModel, middleware: [create()], context: { scope: 'plugin:bench' } })
  await measure(alone, distinct.slice(0, 2_000))
  perGuard[name] = round((await measure(guardLanguageModel({ model: trivialModel, middleware: [create()], context: { scope: 'plugin:bench' } }), distinct)).p50 - bare.p50)
}

const offline = createOfflineLanguageModel()
const offlineCalls = Math.min(calls, 3_000)
await pairedOverhead(offline, guarded(offline), distinct.slice(0, 300))
const offlinePaired = await pairedOverhead(offline, guarded(offline), distinct.slice(0, offlineCalls))
const overhead = (measured: { p50: number; p90: number; p99: number }) => ({
  p50: round(measured.p50 - bare.p50), p90: round(measured.p90 - bare.p90), p99: round(measured.p99 - bare.p99),
})

const figures = {
  calls,
  unit: 'microseconds per call',
  bare: { p50: round(bare.p50), p90: round(bare.p90), p99: round(bare.p99) },
  guardedMiss: { p50: round(miss.p50), p90: round(miss.p90), p99: round(miss.p99) },
  guardedHit: { p50: round(hit.p50), p90: round(hit.p90), p99: round(hit.p99) },
  overheadMiss: overhead(miss),
  overheadHit: overhead(hit),
  perGuardOverheadP50: perGuard,
  offline: { calls: offlineCalls, bareP50: round(offlinePaired.bareP50), overheadP50: round(offlinePaired.p50) },
  targetP50Microseconds: 50,
  meetsTarget: miss.p50 - bare.p50 <= 50,
}

if (json) {
  console.log(JSON.stringify(figures))
} else {
  console.log(`guard stack over a trivial model, ${calls} calls each (µs per call)`)
  console.log(`  bare model            p50 ${figures.bare.p50}  p90 ${figures.bare.p90}  p99 ${figures.bare.p99}`)
  console.log(`  guarded, ledger miss  p50 ${figures.guardedMiss.p50}  p90 ${figures.guardedMiss.p90}  p99 ${figures.guardedMiss.p99}`)
  console.log(`  guarded, ledger hit   p50 ${figures.guardedHit.p50}  p90 ${figures.guardedHit.p90}  p99 ${figures.guardedHit.p99}`)
  console.log(`  each guard alone, overhead p50: ${Object.entries(perGuard).map(([name, value]) => `${name} ${value}`).join(', ')}`)
  console.log(`  offline provider: bare p50 ${figures.offline.bareP50}, guard overhead p50 ${figures.offline.overheadP50} (median of paired differences over ${offlineCalls} notes)`)
  console.log(`  overhead (miss) p50 ${figures.overheadMiss.p50} µs, (hit) p50 ${figures.overheadHit.p50} µs — target <= 50 µs at p50: ${figures.meetsTarget ? 'met' : 'NOT met'}`)
}
