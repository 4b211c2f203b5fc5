import path from 'node:path'
import { LivingDbError, StorageError } from '../../errors/index.js'
import type { FileHandle, FileSystem } from '../file/index.js'
import type { CommitLogOptions, CommitRecord, DurabilityMode } from './commit-record.js'
import { recoverLogDirectory, type RecoveredSegment } from './log-recovery.js'
import { readLogRecords, replayLogRecords, type ReplayVisitor } from './log-reader.js'
import { encodedRecordSize, writeCommitRecord } from './record-codec.js'
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentFileName } from './segment-file.js'

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
const DEFAULT_RELAXED_INTERVAL_MS = 100
/** strict/group modes write zeros ahead in chunks this big (fsynced once), so a commit's fdatasync does not also have to journal a file-size change. */
const PREALLOCATE_BYTES = 1024 * 1024
const DURABILITY_MODES: readonly DurabilityMode[] = ['strict', 'group', 'relaxed', 'none']

interface Waiter {
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/** In-memory state of one segment file. `end` only covers bytes written successfully. */
export interface SegmentState {
  readonly name: string
  readonly path: string
  readonly firstTxnId: number
  firstRecordTxnId: number
  lastRecordTxnId: number
  records: number
  end: number
  /** Bytes verified by the open() scan (0 for segments created since). */
  readonly verifiedEnd: number
}

/**
 * The segmented, append-only, CRC-framed commit log: the ordered commit
 * stream and the engine's redo log. See docs/log.md for the file format.
 *
 * `append()` encodes synchronously and returns a promise for durability, so a
 * caller can start the next transaction before the previous one is durable;
 * `group` mode then shares one write and one fsync among all of them.
 *
 * @example
 * const log = CommitLog.open({ fs: new NodeFileSystem(), directory: 'db/log', durability: 'group' })
 * await log.append({ txnId: log.lastTxnId + 1, timestamp: Date.now(), origin: 'app', ops: [] })
 * for (const record of log.read({ fromTxnId: 1 })) console.log(record.txnId)
 * await log.close()
 */
export class CommitLog {
  private readonly segments: SegmentState[]
  private handle: FileHandle | undefined
  private appendedTxnId: number
  private failure: LivingDbError | undefined
  private closing = false
  private buffer = new Uint8Array(64 * 1024)
  private batchLength = 0
  private batchRecords = 0
  private batchFirstTxnId = 0
  private batchLastTxnId = 0
  private waiters: Waiter[] = []
  private flushScheduled = false
  private syncInFlight: Promise<void> | undefined
  private dirty = false
  /** When the last relaxed-mode fsync started (performance.now()). */
  private lastSyncAt = performance.now()
  private timer: ReturnType<typeof setInterval> | undefined
  /** Size of the active segment file: `end` plus any preallocated zeros. */
  private allocatedEnd = 0
  private readonly preallocate: boolean
  private zeros: Uint8Array | undefined

  private constructor(
    private readonly fs: FileSystem,
    private readonly directory: string,
    private readonly durability: DurabilityMode,
    private readonly segmentBytes: number,
    recovered: { segments: RecoveredSegment[]; lastTxnId: number },
    private readonly relaxedIntervalMs: number,
  ) {
    this.segments = recovered.segments.map((segment) => ({ ...segment, verifiedEnd: segment.end }))
    this.appendedTxnId = recovered.lastTxnId
    const last = this.segments.at(-1)
    if (last !== undefined) {
      this.handle = fs.open(last.path)
      this.allocatedEnd = this.handle.size()
    }
    this.preallocate = durability === 'strict' || durability === 'group'
    if (durability === 'relaxed') {
      this.timer = setInterval(() => this.syncInBackground(), relaxedIntervalMs)
      this.timer.unref()
    }
  }

  /**
   * Opens (or creates) the log directory and scans every segment. A torn
   * tail of the last segment is truncated (and fsynced); damage followed by
   * intact records, or in an older segment, throws
   * `CorruptionError('CORRUPT_LOG')` naming the file, the offset and how to
   * salvage the valid prefix.
   */
  static open(options: CommitLogOptions): CommitLog {
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES
    const relaxedIntervalMs = options.relaxedIntervalMs ?? DEFAULT_RELAXED_INTERVAL_MS
    if (!DURABILITY_MODES.includes(options.durability)) {
      throw new StorageError('INVALID_ARGUMENT', `durability must be one of ${DURABILITY_MODES.join(', ')}, got ${String(options.durability)}.`)
    }
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 4096) {
      throw new StorageError('INVALID_ARGUMENT', `segmentBytes must be an integer >= 4096, got ${String(segmentBytes)}.`)
    }
    if (!(relaxedIntervalMs > 0)) throw new StorageError('INVALID_ARGUMENT', `relaxedIntervalMs must be > 0, got ${String(relaxedIntervalMs)}.`)
    if (!options.fs.exists(options.directory)) options.fs.mkdir(options.directory)
    const recovered = recoverLogDirectory({ fs: options.fs, directory: options.directory })
    return new CommitLog(options.fs, options.directory, options.durability, segmentBytes, recovered, relaxedIntervalMs)
  }

  /** Highest txn id appended (0 for an empty log; after a roll-over with no records, the id before the segment's start). */
  get lastTxnId(): number {
    return this.appendedTxnId
  }

  /** Lowest txn id still stored (0 when the log holds no record). */
  get firstTxnId(): number {
    for (const segment of this.segments) if (segment.records > 0) return segment.firstRecordTxnId
    return 0
  }

  /**
   * Encodes and appends a record; resolves when it is durable per the
   * durability mode. Rejects with `StorageError('IO_ERROR')` if a write or
   * fsync fails, and from then on every append rejects (reopen to recover).
   * Txn ids must be strictly increasing.
   */
  append(record: CommitRecord): Promise<void> {
    if (this.closing) return Promise.reject(new StorageError('DB_CLOSED', 'The commit log is closed. Open it again to append.'))
    if (this.failure !== undefined) return Promise.reject(this.poisonedError())
    let size: number
    try {
      size = encodedRecordSize(record)
    } catch (error) {
      return Promise.reject(error)
    }
    if (record.txnId <= this.appendedTxnId) {
      return Promise.reject(
        new StorageError('INVALID_ARGUMENT', `txnId ${record.txnId} is not greater than the last appended txn id ${this.appendedTxnId}. Txn ids must strictly increase.`, {
          details: { txnId: record.txnId, lastTxnId: this.appendedTxnId },
        }),
      )
    }
    this.appendedTxnId = record.txnId
    this.reserve(size)
    writeCommitRecord(record, size, this.buffer, this.batchLength)
    if (this.batchRecords === 0) this.batchFirstTxnId = record.txnId
    this.batchLength += size
    this.batchRecords++
    this.batchLastTxnId = record.txnId
    if (this.durability === 'group') {
      const promise = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }))
      this.scheduleGroupFlush()
      return promise
    }
    try {
      this.writeBatch()
      if (this.durability === 'strict') this.handle!.sync()
      else {
        this.dirty = true
        if (this.durability === 'relaxed' && this.syncInFlight === undefined && performance.now() - this.lastSyncAt > 2 * this.relaxedIntervalMs) {
          // The timer did not get a turn (a writer awaiting commits that resolve at once never
          // yields to the event loop): fsync here so the loss window stays bounded.
          this.dirty = false
          this.lastSyncAt = performance.now()
          this.handle!.sync()
        }
      }
    } catch (error) {
      return Promise.reject(this.fail(error))
    }
    return Promise.resolve()
  }

  /**
   * Records with `fromTxnId <= txnId <= toTxnId`, in order, read from the
   * files; only records already written are seen, so it is safe while
   * appends continue. Records released by {@link releaseBefore} are gone:
   * compare `fromTxnId` with {@link firstTxnId}. Every record's CRC is
   * checked, except with `trustOpenScan: true`, which skips re-checking the
   * bytes {@link CommitLog.open} verified (for the recovery replay right after
   * open: it saves a second CRC pass over the whole log).
   */
  read(options: { readonly fromTxnId: number; readonly toTxnId?: number; readonly trustOpenScan?: boolean }): Iterable<CommitRecord> {
    return readLogRecords({
      fs: this.fs,
      segments: this.segments,
      fromTxnId: options.fromTxnId,
      toTxnId: options.toTxnId ?? Number.MAX_SAFE_INTEGER,
      trustOpenScan: options.trustOpenScan === true,
    })
  }

  /**
   * Recovery's fast path: hands every record from `fromTxnId` on to
   * `visitor` (see {@link ReplayVisitor}) without allocating record objects.
   * Frames verified by the open() scan are not CRC-checked again.
   */
  replay(options: { readonly fromTxnId: number; readonly visitor: ReplayVisitor }): void {
    replayLogRecords({ fs: this.fs, segments: this.segments, fromTxnId: options.fromTxnId, visitor: options.visitor })
  }

  /** Deletes whole segments whose records are all < `txnId`. The active (last) segment is always kept. */
  releaseBefore(txnId: number): void {
    let removed = 0
    while (this.segments.length > 1 && this.segments[1]!.firstTxnId <= txnId) {
      this.fs.remove(this.segments[0]!.path)
      this.segments.shift()
      removed++
    }
    if (removed > 0) this.fs.syncDirectory(this.directory)
  }

  /** Segment count, bytes written and the txn id range. */
  stats(): { segments: number; bytes: number; firstTxnId: number; lastTxnId: number } {
    let bytes = 0
    for (const segment of this.segments) bytes += segment.end
    return { segments: this.segments.length, bytes, firstTxnId: this.firstTxnId, lastTxnId: this.lastTxnId }
  }

  /** Makes every appended record durable now (whatever the mode). */
  async flush(): Promise<void> {
    while (this.syncInFlight !== undefined || this.batchRecords > 0) {
      if (this.syncInFlight !== undefined) await this.syncInFlight
      else if (this.durability === 'group') this.flushGroup()
    }
    if (this.failure !== undefined) throw this.poisonedError()
    if (this.handle !== undefined && this.dirty) {
      this.dirty = false
      try {
        this.handle.sync()
      } catch (error) {
        throw this.fail(error)
      }
    }
  }

  /** Flushes and fsyncs pending records, then closes the files. Later appends reject with `DB_CLOSED`. */
  async close(): Promise<void> {
    if (this.closing) return
    try {
      // After a failure the appenders were already told; only report new failures here.
      if (this.failure === undefined) {
        await this.flush()
        this.trimPreallocation()
      }
    } finally {
      this.closing = true
      if (this.timer !== undefined) clearInterval(this.timer)
      this.handle?.close()
      this.handle = undefined
    }
  }

  private reserve(size: number): void {
    const needed = this.batchLength + size
    if (needed <= this.buffer.length) return
    const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2))
    grown.set(this.buffer.subarray(0, this.batchLength))
    this.buffer = grown
  }

  /** Writes the pending batch (one write call), rolling over to a new segment first when needed. */
  private writeBatch(): void {
    const length = this.batchLength
    const records = this.batchRecords
    this.batchLength = 0
    this.batchRecords = 0
    let segment = this.segments.at(-1)
    if (segment === undefined || (segment.end > SEGMENT_HEADER_BYTES && segment.end + length > this.segmentBytes)) {
      segment = this.rollOver(this.batchFirstTxnId)
    }
    if (this.preallocate && segment.end + length > this.allocatedEnd) this.extendFile(segment.end + length)
    this.handle!.write(this.buffer, 0, length, segment.end)
    segment.end += length
    if (segment.records === 0) segment.firstRecordTxnId = this.batchFirstTxnId
    segment.records += records
    segment.lastRecordTxnId = this.batchLastTxnId
    if (this.buffer.length > 4 * 1024 * 1024) this.buffer = new Uint8Array(64 * 1024)
  }

  /** Writes zeros up to the next preallocation boundary past `needed` and fsyncs them (size change journaled once). */
  private extendFile(needed: number): void {
    const chunk = Math.min(PREALLOCATE_BYTES, this.segmentBytes)
    const target = Math.ceil(needed / chunk) * chunk
    this.zeros ??= new Uint8Array(chunk)
    for (let position = this.allocatedEnd; position < target; position += chunk) {
      this.handle!.write(this.zeros, 0, Math.min(chunk, target - position), position)
    }
    this.handle!.sync()
    this.allocatedEnd = target
  }

  /** Cuts preallocated zeros off the active segment (on close and roll-over), so a cleanly closed log has no tail to recover. */
  private trimPreallocation(): void {
    const segment = this.segments.at(-1)
    if (this.handle === undefined || segment === undefined || this.allocatedEnd <= segment.end) return
    this.handle.truncate(segment.end)
    this.handle.sync()
    this.allocatedEnd = segment.end
  }

  /** Starts a new segment: the old one is fsynced first so only the last segment can ever have a torn tail. */
  private rollOver(firstTxnId: number): SegmentState {
    const previous = this.handle
    if (previous !== undefined) {
      this.trimPreallocation()
      previous.sync()
      if (this.syncInFlight !== undefined) void this.syncInFlight.finally(() => previous.close())
      else previous.close()
      this.handle = undefined
    }
    const name = segmentFileName(firstTxnId)
    const filePath = path.join(this.directory, name)
    const handle = this.fs.open(filePath, { create: true })
    this.handle = handle
    handle.write(encodeSegmentHeader(firstTxnId), 0, SEGMENT_HEADER_BYTES, 0)
    handle.sync()
    this.allocatedEnd = SEGMENT_HEADER_BYTES
    this.fs.syncDirectory(this.directory)
    const segment: SegmentState = { name, path: filePath, firstTxnId, firstRecordTxnId: 0, lastRecordTxnId: 0, records: 0, end: SEGMENT_HEADER_BYTES, verifiedEnd: 0 }
    this.segments.push(segment)
    return segment
  }

  private scheduleGroupFlush(): void {
    if (this.flushScheduled || this.syncInFlight !== undefined) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      if (this.syncInFlight === undefined) this.flushGroup()
    })
  }

  /** Group mode: one write of everything pending, then one shared fsync off the event loop. */
  private flushGroup(): void {
    if (this.batchRecords === 0) return
    const waiters = this.waiters
    this.waiters = []
    const rejectAll = (error: unknown): void => {
      for (const waiter of waiters) waiter.reject(error)
    }
    if (this.failure !== undefined) {
      this.batchLength = 0
      this.batchRecords = 0
      return rejectAll(this.poisonedError())
    }
    let handle: FileHandle
    try {
      this.writeBatch()
      handle = this.handle!
    } catch (error) {
      return rejectAll(this.fail(error))
    }
    this.syncInFlight = handle.syncAsync().then(
      () => {
        for (const waiter of waiters) waiter.resolve()
      },
      (error: unknown) => rejectAll(this.fail(error)),
    )
    void this.syncInFlight.finally(() => {
      this.syncInFlight = undefined
      if (this.batchRecords > 0) this.flushGroup()
    })
  }

  private syncInBackground(): void {
    if (!this.dirty || this.syncInFlight !== undefined || this.handle === undefined || this.failure !== undefined) return
    this.dirty = false
    this.lastSyncAt = performance.now()
    this.syncInFlight = this.handle.syncAsync().then(
      () => undefined,
      (error: unknown) => {
        this.fail(error)
      },
    )
    void this.syncInFlight.finally(() => {
      this.syncInFlight = undefined
    })
  }

  /** Poisons the log: after a failed write or fsync nothing more is appended until reopen. */
  private fail(error: unknown): LivingDbError {
    const failure = LivingDbError.isInstance(error)
      ? error
      : new StorageError('IO_ERROR', `Commit log I/O failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    this.failure ??= failure
    return failure
  }

  private poisonedError(): StorageError {
    return new StorageError(
      'IO_ERROR',
      `The commit log stopped accepting commits after an earlier write or fsync failure (${this.failure!.message}). ` +
        'Fix the disk problem, then close and reopen the database: recovery keeps every durable commit.',
      { cause: this.failure, details: { directory: this.directory } },
    )
  }
}
