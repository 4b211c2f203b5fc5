import { describe, expect, it } from 'vitest'
import { createCallSignal } from './call-signal.js'
import { parseToolArguments, toolOutputText } from './message-parts.js'
import { parseRetryAfterMs } from './retry-after.js'

const headers = (values: Record<string, string>) => new Headers(values)

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-24T12:00:00Z')
  it('reads retry-after-ms, then Retry-After seconds or HTTP date', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': '250.4' }), now)).toBe(250)
    expect(parseRetryAfterMs(headers({ 'retry-after': '1.5' }), now)).toBe(1500)
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Tue, 24 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000)
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Tue, 24 Nov 2026 11:00:00 GMT' }), now)).toBe(0)
  })
  it('ignores absent, negative and unreadable values', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined()
    expect(parseRetryAfterMs(headers({}), now)).toBeUndefined()
    expect(parseRetryAfterMs(headers({ 'retry-after': '-3' }), now)).toBeUndefined()
    expect(parseRetryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined()
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': 'x', 'retry-after': '2' }), now)).toBe(2000)
  })
})

describe('createCallSignal', () => {
  it('tells a caller abort from a timeout', async () => {
    const controller = new AbortController()
    const byCaller = createCallSignal({ timeoutMs: 10_000, abortSignal: controller.signal })
    controller.abort()
    expect([byCaller.signal.aborted, byCaller.abortedByCaller(), byCaller.timedOut()]).toEqual([true, true, false])
    byCaller.dispose()
    const byTimer = createCallSignal({ timeoutMs: 5 })
    await new Promise(resolve => byTimer.signal.addEventListener('abort', resolve))
    expect([byTimer.abortedByCaller(), byTimer.timedOut()]).toEqual([false, true])
  })
  it('starts aborted when the caller already aborted', () => {
    const callSignal = createCallSignal({ timeoutMs: 1_000, abortSignal: AbortSignal.abort() })
    expect(callSignal.abortedByCaller()).toBe(true)
    callSignal.dispose()
  })
})

describe('tool arguments and outputs', () => {
  it('parses JSON arguments and keeps unparseable ones as text for validation to reject', () => {
    expect(parseToolArguments('{"a":1}')).toEqual({ a: 1 })
    expect(parseToolArguments('  ')).toEqual({})
    expect(parseToolArguments('{"a":')).toBe('{"a":')
    expect(toolOutputText('plain')).toBe('plain')
    expect(toolOutputText({ ok: true })).toBe('{"ok":true}')
    expect(toolOutputText(undefined)).toBe('null')
  })
})
