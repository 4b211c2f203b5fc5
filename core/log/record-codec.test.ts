import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { type CommitRecord, decodeCommitRecord, encodeCommitRecord } from './index.js'
import { MAX_PAYLOAD_BYTES } from './record-codec.js'

const SEED = Number(process.env.LIVINGDB_FUZZ_SEED ?? 424_242)
const encoder = new TextEncoder()

const operation = fc.oneof(
  fc.record({ type: fc.constant('put' as const), keyspace: fc.string({ maxLength: 12 }), key: fc.uint8Array({ maxLength: 40 }), value: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ type: fc.constant('delete' as const), keyspace: fc.string({ maxLength: 12 }), key: fc.uint8Array({ maxLength: 40 }) }),
)
const commitRecord: fc.Arbitrary<CommitRecord> = fc.record({
  txnId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  timestamp: fc.double({ noNaN: true, noDefaultInfinity: true }),
  origin: fc.string({ unit: 'grapheme', maxLength: 20 }),
  ops: fc.array(operation, { maxLength: 6 }),
})

function expectCorruptLog(action: () => unknown): void {
  try {
    action()
  } catch (error) {
    expect(LivingDbError.isInstance(error), `not a LivingDbError: ${String(error)}`).toBe(true)
    expect((error as LivingDbError).code).toBe('CORRUPT_LOG')
    return
  }
  throw new Error('expected CORRUPT_LOG')
}

describe(`commit record codec (fuzz seed ${SEED}, LIVINGDB_FUZZ_SEED to change)`, () => {
  it('round-trips every record', () => {
    fc.assert(
      fc.property(commitRecord, (record) => {
        const decoded = decodeCommitRecord(encodeCommitRecord(record))
        expect(decoded.txnId).toBe(record.txnId)
        expect(Object.is(decoded.timestamp, record.timestamp)).toBe(true)
        expect(decoded.origin).toBe(record.origin)
        expect(decoded.ops).toEqual(record.ops)
      }),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('gives CORRUPT_LOG for any flipped bit', () => {
    fc.assert(
      fc.property(commitRecord, fc.nat(), fc.integer({ min: 0, max: 7 }), (record, position, bit) => {
        const bytes = encodeCommitRecord(record)
        bytes[position % bytes.length] ^= 1 << bit
        expectCorruptLog(() => decodeCommitRecord(bytes))
      }),
      { seed: SEED, numRuns: 500 },
    )
  })

  it('gives CORRUPT_LOG for truncations, extensions and random length fields', () => {
    fc.assert(
      fc.property(commitRecord, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 9 }), fc.nat({ max: 0xffff_ffff }), (record, cut, extra, length) => {
        const bytes = encodeCommitRecord(record)
        expectCorruptLog(() => decodeCommitRecord(bytes.subarray(0, cut % bytes.length)))
        const extended = new Uint8Array(bytes.length + extra.length)
        extended.set(bytes)
        extended.set(extra, bytes.length)
        expectCorruptLog(() => decodeCommitRecord(extended))
        const relength = bytes.slice()
        new DataView(relength.buffer).setUint32(4, length === bytes.length - 8 ? length + 1 : length, true)
        expectCorruptLog(() => decodeCommitRecord(relength))
      }),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('gives only typed errors for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeCommitRecord(bytes)
        } catch (error) {
          expect(LivingDbError.isInstance(error)).toBe(true)
        }
      }),
      { seed: SEED, numRuns: 1000 },
    )
  })

  it('rejects records it cannot store with typed errors', () => {
    const quarter = new Uint8Array(MAX_PAYLOAD_BYTES / 4)
    const put = { type: 'put' as const, keyspace: 'default', key: encoder.encode('k'), value: quarter }
    try {
      encodeCommitRecord({ txnId: 1, timestamp: 0, origin: 'app', ops: [put, put, put, put] })
      throw new Error('expected VALUE_TOO_LARGE')
    } catch (error) {
      expect((error as LivingDbError).code).toBe('VALUE_TOO_LARGE')
    }
    for (const txnId of [0, -1, 2 ** 53, Number.NaN]) {
      expect(() => encodeCommitRecord({ txnId, timestamp: 0, origin: 'app', ops: [] })).toThrow(/txnId/)
    }
  })
})
