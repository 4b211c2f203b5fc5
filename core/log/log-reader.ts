import { CorruptionError, LivingDbError, StorageError } from '../../errors/index.js'
import type { FileSystem } from '../file/index.js'
import type { CommitRecord } from './commit-record.js'
import { decodePayload, type OperationSink, payloadTimestamp, visitPayload } from './record-codec.js'
import { FrameCursor, SEGMENT_HEADER_BYTES } from './segment-file.js'

/** The live segment list a reader walks (the log keeps mutating it). */
interface ReadableSegment {
  readonly path: string
  readonly firstTxnId: number
  readonly end: number
  /** Bytes the open() scan verified (CRC and structure). */
  readonly verifiedEnd: number
}

/** Arguments of {@link readLogRecords}. */
export interface ReadLogRecordsArgs {
  readonly fs: FileSystem
  /** The log's live segment list, ordered by first txn id. */
  readonly segments: readonly ReadableSegment[]
  readonly fromTxnId: number
  readonly toTxnId: number
  /** Skip re-checking CRCs of bytes the open() scan verified (the recovery replay right after open). */
  readonly trustOpenScan: boolean
}

/**
 * Lazily yields records in `[fromTxnId, toTxnId]` from the segment files,
 * one big read at a time. Each segment is read up to the bytes written when
 * the reader reaches it, so it never sees a half-written record.
 */
export function* readLogRecords(args: ReadLogRecordsArgs): Generator<CommitRecord, void, undefined> {
  const { fs, segments, fromTxnId, toTxnId, trustOpenScan } = args
  if (!Number.isFinite(fromTxnId) || !Number.isFinite(toTxnId)) {
    throw new StorageError('INVALID_ARGUMENT', `read() needs finite txn ids, got from ${String(fromTxnId)} to ${String(toTxnId)}.`)
  }
  let segment: ReadableSegment | undefined = segments[firstSegmentIndex(segments, fromTxnId)]
  while (segment !== undefined && segment.firstTxnId <= toTxnId) {
    const end = segment.end
    if (end > SEGMENT_HEADER_BYTES) {
      const handle = fs.open(segment.path, { readOnly: true })
      try {
        const cursor = new FrameCursor(handle, SEGMENT_HEADER_BYTES, end, 'checksum', trustOpenScan ? segment.verifiedEnd : 0)
        for (;;) {
          const step = cursor.next()
          if (step.kind === 'end') break
          if (step.kind === 'damaged') throw damagedUnderReader(segment.path, step.offset, step.reason)
          if (step.txnId < fromTxnId) continue
          if (step.txnId > toTxnId) return
          let record: CommitRecord
          try {
            record = decodePayload(cursor.buffer, step.payloadStart, step.payloadEnd)
          } catch (error) {
            throw damagedUnderReader(segment.path, step.offset, LivingDbError.isInstance(error) ? String(error.details.reason) : String(error))
          }
          yield record
        }
      } finally {
        handle.close()
      }
    }
    const current: number = segment.firstTxnId
    segment = segments.find((candidate) => candidate.firstTxnId > current)
  }
}

/** Receives the records of {@link replayLogRecords}. */
export interface ReplayVisitor {
  /** Called before the operations of each record, in txn order. */
  readonly beginRecord: (txnId: number, timestamp: number) => void
  /** Called for each operation of the current record (a reused view: copy what you keep). */
  readonly operation: OperationSink
}

/**
 * Hands every record from `fromTxnId` on to `visitor` without building
 * record objects: the allocation-free path for recovery, which replays the
 * whole log tail at open. Frames the open scan verified are not checked again.
 */
export function replayLogRecords(args: { readonly fs: FileSystem; readonly segments: readonly ReadableSegment[]; readonly fromTxnId: number; readonly visitor: ReplayVisitor }): void {
  const { fs, segments, fromTxnId, visitor } = args
  for (let index = firstSegmentIndex(segments, fromTxnId); index < segments.length; index++) {
    const segment = segments[index]!
    if (segment.end <= SEGMENT_HEADER_BYTES) continue
    const handle = fs.open(segment.path, { readOnly: true })
    try {
      const cursor = new FrameCursor(handle, SEGMENT_HEADER_BYTES, segment.end, 'checksum', segment.verifiedEnd)
      for (;;) {
        const step = cursor.next()
        if (step.kind === 'end') break
        if (step.kind === 'damaged') throw damagedUnderReader(segment.path, step.offset, step.reason)
        if (step.txnId < fromTxnId) continue
        visitor.beginRecord(step.txnId, payloadTimestamp(cursor.buffer, step.payloadStart))
        try {
          visitPayload(cursor.buffer, step.payloadStart, step.payloadEnd, visitor.operation)
        } catch (error) {
          if (LivingDbError.isInstance(error) && error.code === 'CORRUPT_LOG') throw damagedUnderReader(segment.path, step.offset, String(error.details.reason))
          throw error
        }
      }
    } finally {
      handle.close()
    }
  }
}

/** Index of the segment that holds `fromTxnId` (or the first one after it). */
function firstSegmentIndex(segments: readonly ReadableSegment[], fromTxnId: number): number {
  let index = 0
  while (index + 1 < segments.length && segments[index + 1]!.firstTxnId <= fromTxnId) index++
  return index
}

function damagedUnderReader(file: string, offset: number, reason: string): CorruptionError {
  return new CorruptionError(
    'CORRUPT_LOG',
    `Commit log record at byte ${offset} of ${file} is damaged (${reason}). It was intact when the log was opened, so the file changed underneath: run \`livingdb verify\` and restore from a backup if it reports damage.`,
    { details: { file, offset, reason } },
  )
}
