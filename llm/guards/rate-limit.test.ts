import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import type { GenerateRequest } from '../spec/index.js'
import { guardLanguageModel } from './compose.js'
import { GuardError } from './guard-error.js'
import { createRateLimitGuard, RateLimitRegistry, type RetryEvent } from './rate-limit.js'
import { createFakeClock, seededRandom, TEST_SEED } from './test-support/fake-clock.js'
import { createFakeModel } from './test-support/fake-models.js'

const request: GenerateRequest = { messages: [{ role: 'user', content: 'hello' }], maxOutputTokens: 10 }
const retryable = (retryAfterMs?: number) =>
  Object.assign(new LivingDbError('MODEL_RATE_LIMITED', '429 from provider'), { isRetryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })

/** Over every interval [a, b] of grant times: grants <= capacity + rate × (b - a). */
function assertRateHeld(times: readonly number[], capacity: number, perMs: number): void {
  for (let first = 0; first < times.length; first++) {
    for (let last = first; last < times.length; last++) {
      const granted = last - first + 1
      expect(granted, `seed ${TEST_SEED}: ${granted} grants in ${times[last]! - times[first]!} ms`).toBeLessThanOrEqual(capacity + perMs * (times[last]! - times[first]!) + 1e-9)
    }
  }
}

describe('rate-limit guard', () => {
  it('holds its request rate under bursts of concurrent callers (simulated time)', async () => {
    const clock = createFakeClock()
    const random = seededRandom(TEST_SEED)
    const grants: number[] = []
    const model = createFakeModel({ onCall: () => grants.push(clock.now()) })
    const guard = createRateLimitGuard({ clock, registry: new RateLimitRegistry(), limits: { 'fake:*': { requestsPerMinute: 120, burstRequests: 5 } } })
    const guarded = guardLanguageModel({ model, middleware: [guard], context: { scope: 'test' } })
    const calls: Promise<unknown>[] = []
    for (let wave = 0; wave < 6; wave++) {
      for (let index = 0; index < 10 + Math.floor(random() * 20); index++) calls.push(guarded.doGenerate(request))
      clock.advance(Math.floor(random() * 3_000))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(calls)
    expect(grants).toHaveLength(calls.length)
    assertRateHeld(grants, 5, 120 / 60_000)
  })

  it('holds its token rate', async () => {
    const clock = createFakeClock()
    const grants: number[] = []
    const model = createFakeModel({ usage: { inputTokens: 2, outputTokens: 10 }, onCall: () => grants.push(clock.now()) })
    // Each call reserves ceil(5 / 4) + 10 = 12 tokens and uses 12.
    const guard = createRateLimitGuard({ clock, registry: new RateLimitRegistry(), limits: { 'fake:fake-1': { tokensPerMinute: 1_200, burstTokens: 24 } } })
    const guarded = guardLanguageModel({ model, middleware: [guard], context: { scope: 'test' } })
    await Promise.all(Array.from({ length: 30 }, () => guarded.doGenerate(request)))
    assertRateHeld(grants, 2, 100 / 60_000)
  })

  it('bounds its wait queue with RATE_LIMIT_QUEUE_FULL (retryable)', async () => {
    const clock = createFakeClock()
    const model = createFakeModel()
    const guard = createRateLimitGuard({ clock, registry: new RateLimitRegistry(), maxQueue: 3, limits: { '*': { requestsPerMinute: 60, burstRequests: 1 } } })
    const guarded = guardLanguageModel({ model, middleware: [guard], context: { scope: 'test' } })
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => guarded.doGenerate(request)))
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason as GuardError)
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(4) // 1 at once + 3 queued
    expect(refused).toHaveLength(6)
    for (const error of refused) expect([error.code, error.isRetryable]).toEqual(['RATE_LIMIT_QUEUE_FULL', true])
  })

  it('honours Retry-After: every wait is at least retryAfterMs', async () => {
    const clock = createFakeClock()
    const model = createFakeModel({ fail: (call) => (call <= 2 ? retryable(5_000) : undefined) })
    const retries: RetryEvent[] = []
    const guard = createRateLimitGuard({ clock, registry: new RateLimitRegistry(), random: () => 0.5, onRetry: (event) => retries.push(event) })
    const result = await guardLanguageModel({ model, middleware: [guard], context: { scope: 'test' } }).doGenerate(request)
    expect(result.text).toBe('reply 3')
    expect(clock.sleeps).toHaveLength(2)
    for (const sleep of clock.sleeps) expect(sleep).toBeGreaterThanOrEqual(5_000)
    expect(retries.map((event) => event.attempt)).toEqual([1, 2])
  })

  it('backs off exponentially with full jitter, bounded by the cap, up to maxAttempts', async () => {
    const clock = createFakeClock()
    const random = seededRandom(TEST_SEED)
    const model = createFakeModel({ fail: () => retryable() })
    const guard = createRateLimitGuard({ clock, registry: new RateLimitRegistry(), random, maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 })
    await expect(guardLanguageModel({ model, middleware: [guard], context: { scope: 'test' } }).doGenerate(request)).rejects.toMatchObject({ code: 'MODEL_RATE_LIMITED' })
    expect(model.requests).toHaveLength(6)
    expect(clock.sleeps).toHaveLength(5)
    clock.sleeps.forEach((sleep, index) => {
      expect(sleep, `seed ${TEST_SEED}`).toBeGreaterThanOrEqual(0)
      expect(sleep, `seed ${TEST_SEED}`).toBeLessThanOrEqual(Math.min(1_000, 100 * 2 ** index))
    })
    const highJitter = createFakeClock()
    const always = createFakeModel({ fail: () => retryable() })
    const capped = createRateLimitGuard({ clock: highJitter, registry: new RateLimitRegistry(), random: () => 0.999, maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 })
    await expect(guardLanguageModel({ model: always, middleware: [capped], context: { scope: 'test' } }).doGenerate(request)).rejects.toThrow()
    expect(highJitter.sleeps.map(Math.round)).toEqual([100, 200, 400, 799, 999])
  })

  it('does not retry a non-retryable error', async () => {
    const clock = createFakeClock()
    const model = createFakeModel({ fail: () => Object.assign(new LivingDbError('MODEL_AUTH_FAILED', '401'), { isRetryable: false }) })
    const guard = createRateLimitGuard({ clock, registry: new RateLimitRegistry() })
    await expect(guardLanguageModel({ model, middleware: [guard], context: { scope: 'test' } }).doGenerate(request)).rejects.toMatchObject({ code: 'MODEL_AUTH_FAILED' })
    expect(model.requests).toHaveLength(1)
    expect(clock.sleeps).toHaveLength(0)
  })

  it('stops waiting when the caller aborts', async () => {
    const clock = createFakeClock()
    const controller = new AbortController()
    const model = createFakeModel({ fail: () => { controller.abort(); return retryable(1_000) } })
    const guard = createRateLimitGuard({ clock, registry: new RateLimitRegistry() })
    await expect(guardLanguageModel({ model, middleware: [guard], context: { scope: 'test' } }).doGenerate({ ...request, abortSignal: controller.signal })).rejects.toMatchObject({ code: 'MODEL_RATE_LIMITED' })
    expect(model.requests).toHaveLength(1)
  })

  it('pauses the shared bucket on Retry-After, so other callers wait too', async () => {
    const clock = createFakeClock()
    const callTimes: number[] = []
    const model = createFakeModel({ onCall: () => callTimes.push(clock.now()), fail: (call) => (call === 1 ? retryable(10_000) : undefined) })
    const registry = new RateLimitRegistry()
    const limits = { 'fake:*': { requestsPerMinute: 6_000 } }
    const otherCaller = guardLanguageModel({ model, middleware: [createRateLimitGuard({ clock, registry, limits })], context: { scope: 'other' } })
    let other: Promise<unknown> | undefined
    // The second caller arrives right after the 429, while the first one backs off.
    const firstCaller = createRateLimitGuard({ clock, registry, limits, random: () => 0, onRetry: () => { other ??= otherCaller.doGenerate(request) } })
    const started = clock.now()
    await guardLanguageModel({ model, middleware: [firstCaller], context: { scope: 'test' } }).doGenerate(request)
    await other
    expect(callTimes).toHaveLength(3)
    expect(callTimes[0]).toBe(started)
    for (const time of callTimes.slice(1)) expect(time).toBeGreaterThanOrEqual(started + 10_000)
  })

  it('takes an aborted caller out of the wait queue with MODEL_ABORTED', async () => {
    const clock = createFakeClock()
    const model = createFakeModel()
    const guard = createRateLimitGuard({ clock, registry: new RateLimitRegistry(), limits: { '*': { requestsPerMinute: 1, burstRequests: 1 } } })
    const guarded = guardLanguageModel({ model, middleware: [guard], context: { scope: 'test' } })
    const controller = new AbortController()
    await guarded.doGenerate(request)
    const waiting = guarded.doGenerate({ ...request, abortSignal: controller.signal })
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'MODEL_ABORTED' })
    expect(model.requests).toHaveLength(1)
  })

  it('rejects a non-positive rate', () => {
    expect(() => createRateLimitGuard({ limits: { '*': { requestsPerMinute: 0 } } })).toThrow(/positive/)
  })
})
