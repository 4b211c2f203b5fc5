import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { FaultFileSystem } from '../file/testing/fault-file-system.js'
import { CommitLog, type CommitRecord, encodeCommitRecord } from './index.js'
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentFileName } from './segment-file.js'

/**
 * Seeded mutation fuzzing of the segment scanner (CommitLog.open + read):
 * whatever the damage, the result is a prefix of the written records or a
 * typed error; and the exact classification (torn tail vs corruption) holds
 * for single bit flips and truncations.
 */
const SEED = Number(process.env.LIVINGDB_FUZZ_SEED ?? 424_242)
const DIRECTORY = '/db/log'
const FILE = `${DIRECTORY}/${segmentFileName(1)}`
const encoder = new TextEncoder()

function buildSegment(count: number): { bytes: Uint8Array; records: CommitRecord[]; offsets: number[] } {
  const records: CommitRecord[] = Array.from({ length: count }, (_, index) => ({
    txnId: index + 1,
    timestamp: index,
    origin: 'app',
    ops: [{ type: 'put', keyspace: 'default', key: encoder.encode(`key-${index}`), value: encoder.encode('v'.repeat(index * 7)) }],
  }))
  const frames = records.map(encodeCommitRecord)
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES + frames.reduce((sum, frame) => sum + frame.length, 0))
  bytes.set(encodeSegmentHeader(1))
  const offsets: number[] = []
  let offset = SEGMENT_HEADER_BYTES
  for (const frame of frames) {
    offsets.push(offset)
    bytes.set(frame, offset)
    offset += frame.length
  }
  return { bytes, records, offsets }
}

type Opened = { readonly records: CommitRecord[] } | { readonly error: LivingDbError }

function openDamaged(bytes: Uint8Array): Opened {
  const fs = new FaultFileSystem()
  fs.mkdir(DIRECTORY)
  fs.writeFile(FILE, bytes)
  try {
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'none' })
    const records = [...log.read({ fromTxnId: 0 })]
    void log.close()
    return { records }
  } catch (error) {
    if (!LivingDbError.isInstance(error)) throw error
    return { error }
  }
}

function expectPrefix(opened: Opened, records: readonly CommitRecord[]): CommitRecord[] {
  if ('error' in opened) {
    expect(['CORRUPT_LOG', 'FORMAT_UNSUPPORTED']).toContain(opened.error.code)
    return []
  }
  opened.records.forEach((entry, index) => expect(entry).toEqual(records[index]))
  return opened.records
}

describe(`segment scanner fuzz (seed ${SEED}, LIVINGDB_FUZZ_SEED to change)`, () => {
  const { bytes, records, offsets } = buildSegment(12)

  it('classifies every single bit flip exactly: last record torn, anything earlier corrupt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 7 }), (position, bit) => {
        const damaged = bytes.slice()
        damaged[position] ^= 1 << bit
        const opened = openDamaged(damaged)
        if (position >= 20 && position < SEGMENT_HEADER_BYTES) {
          expect(opened).toEqual({ records }) // reserved header bytes are not read
        } else if (position >= offsets.at(-1)!) {
          expect(opened).toEqual({ records: records.slice(0, -1) })
        } else {
          expect('error' in opened && opened.error.code).toBe('CORRUPT_LOG')
          if ('error' in opened) expect(opened.error.details.file).toBe(FILE)
        }
      }),
      { seed: SEED, numRuns: 400 },
    )
  })

  it('keeps the whole-record prefix of any truncation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length }), (length) => {
        const opened = openDamaged(bytes.subarray(0, length))
        const complete = offsets.filter((offset, index) => (offsets[index + 1] ?? bytes.length) <= length && offset >= 0).length
        expect(opened).toEqual({ records: records.slice(0, complete) })
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('gives a prefix or a typed error for random multi-byte damage, garbage and length fields', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('overwrite' as const), position: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      fc.record({ kind: fc.constant('insert' as const), position: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
      fc.record({ kind: fc.constant('length' as const), record: fc.nat(), value: fc.nat({ max: 0xffff_ffff }) }),
      fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
    )
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let damaged = bytes.slice()
        for (const change of mutations) {
          if (change.kind === 'overwrite') damaged.set(change.bytes.subarray(0, damaged.length), Math.max(0, Math.min(change.position % damaged.length, damaged.length - change.bytes.length)))
          else if (change.kind === 'insert') {
            const at = change.position % (damaged.length + 1)
            damaged = new Uint8Array([...damaged.subarray(0, at), ...change.bytes, ...damaged.subarray(at)])
          } else if (change.kind === 'length') {
            const offset = offsets[change.record % offsets.length]!
            if (offset + 8 <= damaged.length) new DataView(damaged.buffer).setUint32(offset + 4, change.value, true)
          } else damaged = new Uint8Array([...damaged, ...change.bytes])
        }
        expectPrefix(openDamaged(damaged), records)
      }),
      { seed: SEED, numRuns: 400 },
    )
  })

  it('never drops records silently when garbage follows the last record', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (garbage) => {
        const damaged = new Uint8Array(bytes.length + garbage.length)
        damaged.set(bytes)
        damaged.set(garbage, bytes.length)
        const kept = expectPrefix(openDamaged(damaged), records)
        if (kept.length > 0) expect(kept).toEqual(records) // a torn tail never takes intact records with it
      }),
      { seed: SEED, numRuns: 300 },
    )
  })
})
