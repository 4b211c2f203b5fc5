import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import type { GenerateRequest } from '../spec/index.js'
import { guardLanguageModel } from './compose.js'
import { createRoutedModel, createRoutingGuard, type FailoverEvent } from './routing.js'
import { createFakeModel } from './test-support/fake-models.js'

const request: GenerateRequest = { messages: [{ role: 'user', content: 'plan this' }] }
const failing = (code: 'MODEL_TIMEOUT' | 'MODEL_AUTH_FAILED', isRetryable: boolean) => () => Object.assign(new LivingDbError(code, code), { isRetryable })

describe('routing and failover', () => {
  it('fails over to the next model on a retryable error', async () => {
    const cheap = createFakeModel({ modelId: 'cheap', fail: failing('MODEL_TIMEOUT', true) })
    const strong = createFakeModel({ modelId: 'strong', reply: () => 'from strong' })
    const events: FailoverEvent[] = []
    const routed = createRoutedModel({ models: [cheap, strong], onFailover: (event) => events.push(event) })
    expect((await routed.doGenerate(request)).text).toBe('from strong')
    expect(events.map((event) => [event.from, event.to])).toEqual([['fake:cheap', 'fake:strong']])
  })

  it('does not fail over on a non-retryable error', async () => {
    const cheap = createFakeModel({ modelId: 'cheap', fail: failing('MODEL_AUTH_FAILED', false) })
    const strong = createFakeModel({ modelId: 'strong' })
    await expect(createRoutedModel({ models: [cheap, strong] }).doGenerate(request)).rejects.toMatchObject({ code: 'MODEL_AUTH_FAILED' })
    expect(strong.requests).toHaveLength(0)
  })

  it('throws the last error when every model fails retryably', async () => {
    const models = [createFakeModel({ modelId: 'a', fail: failing('MODEL_TIMEOUT', true) }), createFakeModel({ modelId: 'b', fail: failing('MODEL_TIMEOUT', true) })]
    await expect(createRoutedModel({ models }).doGenerate(request)).rejects.toMatchObject({ code: 'MODEL_TIMEOUT' })
    expect(models.map((model) => model.requests.length)).toEqual([1, 1])
  })

  it('routes by CallContext.task as a middleware and leaves other tasks to next', async () => {
    const cheap = createFakeModel({ modelId: 'cheap', reply: () => 'cheap' })
    const strong = createFakeModel({ modelId: 'strong', reply: () => 'strong' })
    const primary = createFakeModel({ modelId: 'primary', reply: () => 'primary' })
    const guard = createRoutingGuard({ routes: { extraction: [cheap, strong], planning: [strong, cheap] } })
    const call = (task: string) => guardLanguageModel({ model: primary, middleware: [guard], context: { scope: 'test', task } }).doGenerate(request)
    expect((await call('extraction')).text).toBe('cheap')
    expect((await call('planning')).text).toBe('strong')
    expect((await call('answer')).text).toBe('primary')
    expect(() => createRoutingGuard({ routes: { extraction: [] } })).toThrow(/non-empty/)
  })
})
