import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import type { GenerateRequest } from '../spec/index.js'
import { FileCounterStore, MemoryCounterStore, type CounterStore } from '../stores/index.js'
import { budgetReport } from './budget-report.js'
import { createBudgetGuard, type BudgetWarning } from './budget.js'
import { guardLanguageModel } from './compose.js'
import { createFakeClock } from './test-support/fake-clock.js'
import { createFakeModel } from './test-support/fake-models.js'

// 400 characters → 100 estimated input tokens; + 50 max output tokens = 150 reserved per call.
const request: GenerateRequest = { messages: [{ role: 'user', content: 'x'.repeat(400) }], maxOutputTokens: 50 }
const directories: string[] = []
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true })
})

async function hundredConcurrentCalls(store: CounterStore) {
  const clock = createFakeClock()
  const model = createFakeModel({ usage: { inputTokens: 90, outputTokens: 40 } })
  let modelCalls = 0
  const slowModel = { ...model, doGenerate: async (sent: GenerateRequest) => { modelCalls++; await new Promise((resolve) => setImmediate(resolve)); return model.doGenerate(sent) } }
  const guarded = guardLanguageModel({
    model: slowModel,
    context: { scope: 'plugin:extractor' },
    middleware: [createBudgetGuard({ store, clock, limits: [{ scope: 'plugin:*', period: 'day', maxTokens: 3_000 }] })],
  })
  const outcomes = await Promise.allSettled(Array.from({ length: 100 }, () => guarded.doGenerate(request)))
  const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled').length
  const rejected = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []))
  const report = await budgetReport(store, { now: clock.now() })
  const day = report.find((row) => row.period === 'day')!
  return { fulfilled, rejected, modelCalls, day }
}

describe('budget guard', () => {
  it('is never exceeded by 100 concurrent callers (memory store)', async () => {
    const { fulfilled, rejected, modelCalls, day } = await hundredConcurrentCalls(new MemoryCounterStore())
    expect(fulfilled).toBe(20) // 20 × 150 reserved = 3,000
    expect(modelCalls).toBe(fulfilled) // refused calls never reached the model
    expect(rejected).toHaveLength(80)
    for (const error of rejected) expect(LivingDbError.isInstance(error) && error.code).toBe('BUDGET_EXCEEDED')
    expect(day.tokens).toBe(20 * 130) // settled to the real usage
    expect(day.tokens).toBeLessThanOrEqual(3_000)
  })

  it('is never exceeded by 100 concurrent callers (file store, real async I/O)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'livingdb-budget-'))
    directories.push(directory)
    const store = await FileCounterStore.open({ path: join(directory, 'counters.jsonl') })
    const { fulfilled, modelCalls, day } = await hundredConcurrentCalls(store)
    await store.close()
    expect(fulfilled).toBe(20)
    expect(modelCalls).toBe(20)
    expect(day.tokens).toBeLessThanOrEqual(3_000)
    const reopened = await FileCounterStore.open({ path: join(directory, 'counters.jsonl') })
    expect((await budgetReport(reopened)).find((row) => row.period === 'day')?.tokens).toBe(day.tokens)
    await reopened.close()
  })

  it('prices calls, caps money, warns once at 80% and releases a failed call', async () => {
    const clock = createFakeClock()
    const warnings: BudgetWarning[] = []
    const store = new MemoryCounterStore()
    let fail = false
    // 1M input tokens would cost $0.40 and 1M output $1.60 on gpt-4.1-mini.
    const model = createFakeModel({ provider: 'openai', modelId: 'gpt-4.1-mini', usage: { inputTokens: 100, outputTokens: 50 }, fail: () => (fail ? new Error('boom') : undefined) })
    const guard = createBudgetGuard({ store, clock, limits: [{ scope: 'tenant:acme', period: 'hour', maxCostUsd: 0.001 }], onWarning: (warning) => warnings.push(warning) })
    const guarded = guardLanguageModel({ model, middleware: [guard], context: { scope: 'tenant:acme' } })
    // Reserved per call: 100 × 0.4e-6 + 50 × 1.6e-6 = $0.00012; actual the same.
    for (let index = 0; index < 7; index++) await guarded.doGenerate(request)
    fail = true
    await expect(guarded.doGenerate(request)).rejects.toThrow('boom')
    fail = false
    await guarded.doGenerate(request) // fits only because the failed call's reservation was released
    await expect(guarded.doGenerate(request)).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED', details: { metric: 'costUsd', period: 'hour' } })
    const hour = (await budgetReport(store, { limits: [{ scope: 'tenant:acme', period: 'hour', maxCostUsd: 0.001 }] })).find((row) => row.period === 'hour')!
    expect(hour.costUsd).toBeCloseTo(8 * 0.00012, 10) // the failed call was released
    expect(hour.maxCostUsd).toBe(0.001)
    expect(warnings.filter((warning) => warning.kind === 'threshold')).toHaveLength(1)
    expect(model.requests).toHaveLength(9)
  })

  it('tracks other scopes and windows separately', async () => {
    const clock = createFakeClock()
    const store = new MemoryCounterStore()
    const model = createFakeModel()
    const guard = createBudgetGuard({ store, clock, limits: [{ scope: '*', period: 'minute', maxTokens: 150 }] })
    const call = (scope: string) => guardLanguageModel({ model, middleware: [guard], context: { scope } }).doGenerate(request)
    await call('a')
    await call('b')
    await expect(call('a')).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' })
    clock.advance(60_000)
    await call('a')
    const minutes = (await budgetReport(store)).filter((row) => row.scope === 'a' && row.period === 'minute')
    expect(minutes).toHaveLength(2)
    expect(minutes[0]!.windowStart > minutes[1]!.windowStart).toBe(true)
  })

  it('rejects an invalid limit with a typed error', () => {
    expect(() => createBudgetGuard({ store: new MemoryCounterStore(), limits: [{ scope: '*', period: 'week' as never, maxTokens: 1 }] })).toThrow(/period/)
  })
})
