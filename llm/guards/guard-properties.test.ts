import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.js'
import { Redactor } from './redaction.js'
import { TEST_SEED } from './test-support/fake-clock.js'

const SENSITIVE = [
  'bob@example.com', '+44 20 7946 0958', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '192.168.1.1',
  '2001:db8::1', 'AKIAIOSFODNN7EXAMPLE', 'password=hunter2', 'sk-proj-abcDEF1234567890ghijKLMN',
]
const ORDINARY = ['the', 'invoice', 'v1.2.3.4', '2024-01-15', 'order 12345', '@Component', 'std::vector', 'Ada', 'ok.', '3.14']

const textArbitrary = fc.array(fc.oneof(fc.constantFrom(...SENSITIVE), fc.constantFrom(...ORDINARY), fc.string({ maxLength: 12 })), { maxLength: 20 })
  .map((words) => words.join(' '))

function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random))
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value).map(([key, item]) => [key, shuffleKeys(item, random)] as const)
  for (let index = entries.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1))
    ;[entries[index], entries[other]] = [entries[other]!, entries[index]!]
  }
  return Object.fromEntries(entries)
}

describe('guard properties', () => {
  it('canonical JSON ignores key order and round-trips like JSON.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, shuffleSeed) => {
        let state = shuffleSeed
        const random = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x80000000)
        expect(canonicalJson(shuffleKeys(value, random))).toBe(canonicalJson(value))
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)))
      }),
      { seed: TEST_SEED, numRuns: 300 },
    )
  })

  it('restoring a redacted text gives the original back, and placeholders are never redacted again', () => {
    fc.assert(
      fc.property(textArbitrary, (text) => {
        const redactor = new Redactor()
        const redacted = redactor.text(text)
        expect(redactor.restoreText(redacted)).toBe(text)
        const again = new Redactor()
        expect(again.text(redacted)).toBe(redacted)
        expect(again.total).toBe(0)
        for (const value of SENSITIVE) if (text.includes(value) && !value.startsWith('password')) expect(redacted).not.toContain(value)
      }),
      { seed: TEST_SEED, numRuns: 300 },
    )
  })
})
