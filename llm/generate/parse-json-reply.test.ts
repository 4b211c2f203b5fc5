import { describe, expect, it } from 'vitest'
import { parseJsonReply } from './parse-json-reply.js'

describe('parseJsonReply', () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ['  [1, 2] ', [1, 2]],
    ['```json\n{"a":1}\n```', { a: 1 }],
    ['Here you go:\n```\n{"a":2}\n```\nAnything else?', { a: 2 }],
    ['The answer is {"a":3}. Hope this helps', { a: 3 }],
  ])('reads %j', (text, value) => {
    expect(parseJsonReply(text)).toEqual({ ok: true, value })
  })
  it.each([[''], ['no json here'], ['{"a": 1']])('rejects %j with a reason', text => {
    const reply = parseJsonReply(text)
    expect(reply.ok).toBe(false)
    if (!reply.ok) expect(reply.problem).toMatch(/empty|not valid JSON/)
  })
})
