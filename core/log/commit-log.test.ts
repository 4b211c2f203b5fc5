import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { FaultFileSystem } from '../file/testing/fault-file-system.js'
import { CommitLog, type CommitRecord, type DurabilityMode } from './index.js'
import { SEGMENT_HEADER_BYTES, segmentFileName } from './segment-file.js'

const encoder = new TextEncoder()
const DIRECTORY = '/db/log'

function record(txnId: number, size = 20): CommitRecord {
  return {
    txnId,
    timestamp: 1_700_000_000_000 + txnId,
    origin: txnId % 3 === 0 ? 'plugin:topics' : 'app',
    ops: [
      { type: 'put', keyspace: 'default', key: encoder.encode(`key-${txnId}`), value: encoder.encode('v'.repeat(size)) },
      { type: 'delete', keyspace: 'sys', key: encoder.encode(`old-${txnId}`) },
    ],
  }
}

function txnIds(log: CommitLog, fromTxnId = 0, toTxnId?: number): number[] {
  return [...log.read({ fromTxnId, ...(toTxnId === undefined ? {} : { toTxnId }) })].map((entry) => entry.txnId)
}

async function expectError(promise: Promise<unknown>, code: string): Promise<LivingDbError> {
  try {
    await promise
  } catch (error) {
    expect(LivingDbError.isInstance(error)).toBe(true)
    expect((error as LivingDbError).code).toBe(code)
    return error as LivingDbError
  }
  throw new Error(`expected a ${code} error`)
}

function catchSync(action: () => unknown): LivingDbError {
  try {
    action()
  } catch (error) {
    if (LivingDbError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected an error')
}

describe('CommitLog', () => {
  for (const durability of ['strict', 'group', 'relaxed', 'none'] as DurabilityMode[]) {
    it(`appends, reads and reopens in ${durability} mode`, async () => {
      const fs = new FaultFileSystem()
      const log = CommitLog.open({ fs, directory: DIRECTORY, durability, relaxedIntervalMs: 5 })
      expect(log.lastTxnId).toBe(0)
      expect(log.firstTxnId).toBe(0)
      await Promise.all([1, 2, 3, 5, 8].map((txnId) => log.append(record(txnId))))
      expect(txnIds(log)).toEqual([1, 2, 3, 5, 8])
      expect(txnIds(log, 3, 5)).toEqual([3, 5])
      const first = [...log.read({ fromTxnId: 8 })][0]!
      expect(first).toEqual(record(8))
      await log.close()
      await expectError(log.append(record(9)), 'DB_CLOSED')
      const reopened = CommitLog.open({ fs: fs.crash({ survival: 'none' }), directory: DIRECTORY, durability })
      expect(reopened.lastTxnId).toBe(8)
      expect(reopened.firstTxnId).toBe(1)
      expect(txnIds(reopened)).toEqual([1, 2, 3, 5, 8])
      await reopened.append(record(9))
      expect(txnIds(reopened, 6)).toEqual([8, 9])
      await reopened.close()
    })
  }

  it('strict mode costs one write and one fsync per commit', async () => {
    const fs = new FaultFileSystem()
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })
    await log.append(record(1)) // creates the segment (header write + fsyncs)
    const writes = fs.writes
    const syncs = fs.syncs
    for (let txnId = 2; txnId <= 11; txnId++) await log.append(record(txnId))
    expect(fs.writes - writes).toBe(10)
    expect(fs.syncs - syncs).toBe(10)
    // Strict records survive even a crash that keeps no un-fsynced change.
    const after = CommitLog.open({ fs: fs.crash({ survival: 'none' }), directory: DIRECTORY, durability: 'strict' })
    expect(after.lastTxnId).toBe(11)
    await after.close()
    await log.close()
  })

  it('group mode shares one write and one fsync among concurrent appends', async () => {
    const fs = new FaultFileSystem()
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'group' })
    await log.append(record(1))
    const writes = fs.writes
    const syncs = fs.syncs
    await Promise.all(Array.from({ length: 64 }, (_, index) => log.append(record(index + 2))))
    expect(fs.writes - writes).toBe(1)
    expect(fs.syncs - syncs).toBe(1)
    // Appends made while an fsync runs form the next batch.
    const first = Array.from({ length: 10 }, (_, index) => log.append(record(index + 66)))
    await new Promise((resolve) => setImmediate(resolve))
    const second = Array.from({ length: 10 }, (_, index) => log.append(record(index + 76)))
    await Promise.all([...first, ...second])
    expect(fs.writes - writes).toBe(3)
    const after = CommitLog.open({ fs: fs.crash({ survival: 'none' }), directory: DIRECTORY, durability: 'group' })
    expect(after.lastTxnId).toBe(85)
    expect(txnIds(after)).toEqual(Array.from({ length: 85 }, (_, index) => index + 1))
    await after.close()
    await log.close()
  })

  it('relaxed mode fsyncs written records on its timer', async () => {
    const fs = new FaultFileSystem()
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'relaxed', relaxedIntervalMs: 5 })
    await log.append(record(1))
    await log.append(record(2))
    const syncs = fs.syncs
    while (fs.syncs === syncs) await new Promise((resolve) => setTimeout(resolve, 5))
    await log.flush() // waits for the timer's fsync to finish
    expect(fs.syncs).toBe(syncs + 1) // and needed no fsync of its own
    const after = CommitLog.open({ fs: fs.crash({ survival: 'none' }), directory: DIRECTORY, durability: 'relaxed' })
    expect(txnIds(after)).toEqual([1, 2])
    await after.close()
    await log.close()
  })

  it('rolls over to new segments, reads across them and releases old ones', async () => {
    const fs = new FaultFileSystem()
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'none', segmentBytes: 4096 })
    for (let txnId = 1; txnId <= 200; txnId++) await log.append(record(txnId, 100))
    const stats = log.stats()
    expect(stats.segments).toBeGreaterThan(5)
    expect(stats.lastTxnId).toBe(200)
    const names = fs.list(DIRECTORY)
    expect(names[0]).toBe(segmentFileName(1))
    expect(txnIds(log, 37, 150)).toEqual(Array.from({ length: 114 }, (_, index) => index + 37))
    log.releaseBefore(120)
    expect(log.firstTxnId).toBeGreaterThan(1)
    expect(log.firstTxnId).toBeLessThanOrEqual(120)
    expect(fs.list(DIRECTORY).length).toBeLessThan(names.length)
    expect(txnIds(log, 120)).toEqual(Array.from({ length: 81 }, (_, index) => index + 120))
    log.releaseBefore(10_000) // never deletes the active segment
    expect(log.stats().segments).toBe(1)
    expect(log.lastTxnId).toBe(200)
    await log.close()
    const reopened = CommitLog.open({ fs: fs.crash({ survival: 'none' }), directory: DIRECTORY, durability: 'none', segmentBytes: 4096 })
    expect(reopened.lastTxnId).toBe(200)
    expect(txnIds(reopened)[0]).toBe(reopened.firstTxnId)
    await reopened.close()
  })

  it('reads while appends continue, seeing only written records', async () => {
    const fs = new FaultFileSystem()
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'group' })
    await Promise.all([1, 2, 3].map((txnId) => log.append(record(txnId))))
    const iterator = log.read({ fromTxnId: 1 })[Symbol.iterator]()
    expect(iterator.next().value?.txnId).toBe(1)
    const pending = log.append(record(4))
    expect(txnIds(log)).toEqual([1, 2, 3]) // record 4 is not written yet
    await pending
    expect(iterator.next().value?.txnId).toBe(2)
    expect(txnIds(log)).toEqual([1, 2, 3, 4])
    await log.close()
  })

  it('reads with CRC checks by default, and can trust the open scan for the recovery replay', async () => {
    const fs = new FaultFileSystem()
    const writer = CommitLog.open({ fs, directory: DIRECTORY, durability: 'none' })
    for (let txnId = 1; txnId <= 10; txnId++) await writer.append(record(txnId))
    await writer.close()
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'none' })
    await log.append(record(11))
    expect([...log.read({ fromTxnId: 0, trustOpenScan: true })]).toEqual([...log.read({ fromTxnId: 0 })])
    expect(txnIds(log)).toHaveLength(11)
    // Damage made after open is caught by a normal read, with file and offset.
    const file = `${DIRECTORY}/${segmentFileName(1)}`
    const bytes = fs.readFile(file).slice()
    bytes[400] = bytes[400]! ^ 0x01
    fs.writeFile(file, bytes)
    const error = catchSync(() => txnIds(log))
    expect(error.code).toBe('CORRUPT_LOG')
    expect(error.details.file).toBe(file)
    await log.close()
  })

  it('rejects bad records and non-increasing txn ids with typed errors', async () => {
    const log = CommitLog.open({ fs: new FaultFileSystem(), directory: DIRECTORY, durability: 'strict' })
    await log.append(record(5))
    await expectError(log.append(record(5)), 'INVALID_ARGUMENT')
    await expectError(log.append(record(4)), 'INVALID_ARGUMENT')
    await expectError(log.append({ ...record(6), txnId: 1.5 }), 'INVALID_ARGUMENT')
    await expectError(log.append({ ...record(6), ops: [{ type: 'put', keyspace: 'default', key: encoder.encode('k') }] }), 'INVALID_ARGUMENT')
    await expectError(log.append({ ...record(6), ops: [{ type: 'nope' as 'put', keyspace: 'x', key: new Uint8Array(1) }] }), 'INVALID_ARGUMENT')
    await log.append(record(6)) // still usable: validation errors do not poison the log
    expect(txnIds(log)).toEqual([5, 6])
    await log.close()
    expect(catchSync(() => CommitLog.open({ fs: new FaultFileSystem(), directory: DIRECTORY, durability: 'fast' as DurabilityMode })).code).toBe('INVALID_ARGUMENT')
  })

  it('a failed fsync rejects the append and poisons the log until reopen', async () => {
    for (const durability of ['strict', 'group'] as DurabilityMode[]) {
      const fs = new FaultFileSystem()
      const log = CommitLog.open({ fs, directory: DIRECTORY, durability })
      await log.append(record(1))
      fs.injectSyncFault({ at: fs.syncs + 1 })
      const failed = await expectError(log.append(record(2)), 'IO_ERROR')
      expect(failed.message).toContain('fsync')
      const later = await expectError(log.append(record(3)), 'IO_ERROR')
      expect(later.message).toContain('reopen')
      await log.close()
      const reopened = CommitLog.open({ fs: fs.crash({ survival: 'none' }), directory: DIRECTORY, durability })
      expect(txnIds(reopened)).toEqual([1])
      await reopened.append(record(2))
      await reopened.close()
    }
  })

  it('a failed write rejects the append; reopening keeps the committed prefix', async () => {
    const fs = new FaultFileSystem()
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })
    await log.append(record(1))
    fs.injectWriteFault({ at: fs.writes + 1, kind: 'short' })
    await expectError(log.append(record(2)), 'IO_ERROR')
    await expectError(log.append(record(3)), 'IO_ERROR')
    await log.close()
    const reopened = CommitLog.open({ fs: fs.crash({ survival: 'all' }), directory: DIRECTORY, durability: 'strict' })
    expect(txnIds(reopened)).toEqual([1])
    await reopened.close()
  })
})

describe('CommitLog recovery', () => {
  async function writeLog(fs: FaultFileSystem, count: number, segmentBytes?: number): Promise<void> {
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'none', ...(segmentBytes === undefined ? {} : { segmentBytes }) })
    for (let txnId = 1; txnId <= count; txnId++) await log.append(record(txnId))
    await log.close()
  }
  const segmentPath = (txnId: number): string => `${DIRECTORY}/${segmentFileName(txnId)}`

  it('truncates a torn tail of the last segment and fsyncs the cut', async () => {
    const fs = new FaultFileSystem()
    await writeLog(fs, 10)
    const bytes = fs.readFile(segmentPath(1))
    fs.writeFile(segmentPath(1), bytes.subarray(0, bytes.length - 7))
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })
    expect(txnIds(log)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(log.lastTxnId).toBe(9)
    await log.append(record(10))
    await log.close()
    const after = CommitLog.open({ fs: fs.crash({ survival: 'none' }), directory: DIRECTORY, durability: 'strict' })
    expect(txnIds(after)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    await after.close()
  })

  it('treats a zero-filled tail as torn', async () => {
    const fs = new FaultFileSystem()
    await writeLog(fs, 4)
    const bytes = fs.readFile(segmentPath(1))
    const padded = new Uint8Array(bytes.length + 5000)
    padded.set(bytes)
    fs.writeFile(segmentPath(1), padded)
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })
    expect(txnIds(log)).toEqual([1, 2, 3, 4])
    expect(fs.readFile(segmentPath(1)).length).toBe(bytes.length)
    await log.close()
  })

  it('refuses mid-log damage with file, offset and how to salvage', async () => {
    const fs = new FaultFileSystem()
    await writeLog(fs, 10)
    const bytes = fs.readFile(segmentPath(1))
    const damaged = bytes.slice()
    const offset = SEGMENT_HEADER_BYTES + 200
    damaged[offset] = damaged[offset]! ^ 0x40
    fs.writeFile(segmentPath(1), damaged)
    const error = catchSync(() => CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' }))
    expect(error.code).toBe('CORRUPT_LOG')
    expect(error.name).toBe('CorruptionError')
    expect(error.message).toContain(segmentPath(1))
    expect(error.message).toContain('livingdb repair')
    expect(error.details.file).toBe(segmentPath(1))
    expect(typeof error.details.offset).toBe('number')
    expect(error.details.offset as number).toBeLessThanOrEqual(offset)
    expect(fs.readFile(segmentPath(1))).toEqual(damaged) // nothing was truncated
  })

  it('refuses damage at the end of a segment that is not the last one', async () => {
    const fs = new FaultFileSystem()
    await writeLog(fs, 100, 4096)
    const first = fs.readFile(segmentPath(1))
    fs.writeFile(segmentPath(1), first.subarray(0, first.length - 3))
    const error = catchSync(() => CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' }))
    expect(error.code).toBe('CORRUPT_LOG')
    expect(error.message).toContain('not the last one')
  })

  it('removes a last segment whose header never reached the disk, and refuses a damaged header with records after it', async () => {
    const fs = new FaultFileSystem()
    await writeLog(fs, 3)
    fs.writeFile(segmentPath(4), new Uint8Array([0x4c, 0x44]))
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })
    expect(fs.exists(segmentPath(4))).toBe(false)
    expect(log.lastTxnId).toBe(3)
    await log.close()
    const bytes = fs.readFile(segmentPath(1))
    const damaged = bytes.slice()
    damaged[2] = 0
    fs.writeFile(segmentPath(1), damaged)
    expect(catchSync(() => CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })).code).toBe('CORRUPT_LOG')
  })

  it('refuses segments from another format version', async () => {
    const fs = new FaultFileSystem()
    await writeLog(fs, 2)
    const bytes = fs.readFile(segmentPath(1)).slice()
    bytes[4] = 9
    const { crc32c } = await import('../checksum/crc32c.js')
    new DataView(bytes.buffer).setUint32(16, crc32c(bytes, 0, 16), true)
    fs.writeFile(segmentPath(1), bytes)
    expect(catchSync(() => CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })).code).toBe('FORMAT_UNSUPPORTED')
  })

  it('keeps the txn position of an empty last segment after older segments were released', async () => {
    const fs = new FaultFileSystem()
    await writeLog(fs, 3)
    const header = (await import('./segment-file.js')).encodeSegmentHeader(4)
    fs.writeFile(segmentPath(4), header)
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })
    log.releaseBefore(4)
    expect(log.stats().segments).toBe(1)
    await log.close()
    const reopened = CommitLog.open({ fs, directory: DIRECTORY, durability: 'strict' })
    expect(reopened.lastTxnId).toBe(3)
    expect(reopened.firstTxnId).toBe(0)
    await reopened.append(record(4))
    expect(txnIds(reopened)).toEqual([4])
    await reopened.close()
  })
})
