import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { createMemoryStores, openFileStores } from '../stores/index.js'
import { verifyAuditLog } from './audit-log.js'
import type { AuditRecord } from './audit-record.js'
import { budgetReport } from './budget-report.js'
import { guardEmbeddingModel, guardLanguageModel } from './compose.js'
import { createDefaultGuards } from './default-guards.js'
import { RateLimitRegistry } from './rate-limit.js'
import { createRoutedModel } from './routing.js'
import { createFakeClock } from './test-support/fake-clock.js'
import { createFakeEmbeddingModel, createFakeModel } from './test-support/fake-models.js'

describe('createDefaultGuards', () => {
  it('returns every guard in the documented order', () => {
    const names = createDefaultGuards({ routes: { planning: [createFakeModel()] } }).map((guard) => guard.name)
    expect(names).toEqual(['routing', 'redaction', 'audit', 'ledger', 'budget', 'rate-limit'])
    expect(createDefaultGuards({ ledger: false, redaction: false }).map((guard) => guard.name)).toEqual(['audit', 'budget', 'rate-limit'])
  })

  it('guards a model end to end: redacted, recorded, budgeted, audited, replayable', async () => {
    const stores = createMemoryStores()
    const clock = createFakeClock()
    let attempts = 0
    const model = createFakeModel({
      provider: 'openai', modelId: 'gpt-4.1-mini', usage: { inputTokens: 12, outputTokens: 8 },
      reply: (request) => `Saw ${JSON.stringify(request.messages[0]!.content)}`,
      fail: () => (++attempts === 1 ? Object.assign(new LivingDbError('MODEL_RATE_LIMITED', '429'), { isRetryable: true, retryAfterMs: 100 }) : undefined),
    })
    const middleware = createDefaultGuards({ stores, clock, rateLimit: { registry: new RateLimitRegistry() }, budget: { limits: [{ scope: '*', period: 'day', maxCostUsd: 1 }] } })
    const guarded = guardLanguageModel({ model, middleware, context: { scope: 'plugin:crm', task: 'extraction' } })
    const request = { messages: [{ role: 'user' as const, content: 'Call Ann at +44 20 7946 0958' }] }
    const first = await guarded.doGenerate(request)
    const second = await guarded.doGenerate(request)
    expect(first.text).toBe('Saw "Call Ann at +44 20 7946 0958"') // restored after the provider saw a placeholder
    expect(model.requests.map((sent) => sent.messages[0]!.content)).toEqual(['Call Ann at [PHONE_1]', 'Call Ann at [PHONE_1]'])
    expect(JSON.stringify(second)).toBe(JSON.stringify(first))
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(100)
    const records = (await stores.audit.readAll()).records as AuditRecord[]
    expect(records.map((record) => [record.outcome, record.attempts ?? null, record.redactions])).toEqual([['ok', 2, { PHONE: 1 }], ['cached', null, { PHONE: 1 }]])
    expect(await verifyAuditLog(stores.audit)).toMatchObject({ ok: true, records: 2 })
    const day = (await budgetReport(stores.counters)).find((row) => row.period === 'day')!
    expect(day).toMatchObject({ scope: 'plugin:crm', tokens: 20 })
    expect(day.costUsd).toBeCloseTo((12 * 0.4 + 8 * 1.6) / 1e6, 12)
  })

  it('keeps working across restarts with file stores and routes with failover', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'livingdb-guards-'))
    try {
      const clock = createFakeClock()
      const cheap = createFakeModel({ modelId: 'cheap', fail: () => Object.assign(new LivingDbError('MODEL_TIMEOUT', 'timeout'), { isRetryable: true }) })
      const strong = createFakeModel({ modelId: 'strong', reply: () => 'strong answer' })
      const run = async () => {
        const stores = await openFileStores({ directory })
        const inner = createDefaultGuards({ stores, clock, rateLimit: { registry: new RateLimitRegistry(), maxAttempts: 1 } })
        const context = { scope: 'query', task: 'planning' }
        const routed = createRoutedModel({ models: [cheap, strong].map((model) => guardLanguageModel({ model, middleware: inner, context })) })
        const result = await routed.doGenerate({ messages: [{ role: 'user', content: 'plan' }] })
        await stores.close()
        return result
      }
      expect((await run()).text).toBe('strong answer')
      expect((await run()).text).toBe('strong answer')
      expect(strong.requests).toHaveLength(1) // the second run was answered by the file ledger
      const stores = await openFileStores({ directory })
      const records = (await stores.audit.readAll()).records as AuditRecord[]
      expect(records.map((record) => `${record.model}:${record.outcome}`)).toEqual(['cheap:error', 'strong:ok', 'cheap:error', 'strong:cached'])
      expect(await verifyAuditLog(stores.audit)).toMatchObject({ ok: true, records: 4 })
      await stores.close()
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  it('guards embedding calls', async () => {
    const stores = createMemoryStores()
    const model = createFakeEmbeddingModel()
    const guarded = guardEmbeddingModel({ model, middleware: createDefaultGuards({ stores }), context: { scope: 'plugin:vectors' } })
    await guarded.doEmbed({ values: ['mail bob@example.com', 'plain'] })
    expect(model.requests[0]!.values).toEqual(['mail [EMAIL_1]', 'plain'])
    expect(((await stores.audit.readAll()).records[0] as AuditRecord)).toMatchObject({ kind: 'embed', redactions: { EMAIL: 1 }, outcome: 'ok' })
  })
})
