import path from 'node:path'
import type { FileHandle, FileSystem } from '../file/index.js'
import {
  findIntactFrameAfter,
  FrameCursor,
  parseSegmentFileName,
  parseSegmentHeader,
  SEGMENT_HEADER_BYTES,
} from './segment-file.js'

/** What a scan learned about one segment file (up to its first damage). */
export interface ScannedSegment {
  readonly name: string
  readonly path: string
  /** From the file name (and header, when it is valid). */
  readonly firstTxnId: number
  /** Txn id of the first intact record (0 when none). */
  readonly firstRecordTxnId: number
  /** Txn id of the last intact record (0 when none). */
  readonly lastRecordTxnId: number
  readonly records: number
  /** Offset just after the last intact record. */
  readonly validEnd: number
  readonly fileSize: number
}

/**
 * The first problem a scan met. `torn-tail` and `torn-header` are the normal
 * leftovers of a crash in the last segment (nothing intact follows);
 * `corrupt` is damage with committed data after it, or in an older segment;
 * `unsupported` is a segment written by another format version.
 */
export interface LogDamage {
  readonly kind: 'torn-tail' | 'torn-header' | 'corrupt' | 'unsupported'
  readonly file: string
  readonly offset: number
  readonly reason: string
  /** Index into {@link LogScan.segments} of the damaged segment. */
  readonly segmentIndex: number
  /** Last intact record before the damage (0 when none). */
  readonly lastGoodTxnId: number
  /** Offset of an intact record found after the damage (why it counts as corruption). */
  readonly intactRecordAt?: number
}

/** Result of {@link scanLog}. */
export interface LogScan {
  /** Every segment up to and including the damaged one (scanned up to the damage). */
  readonly segments: readonly ScannedSegment[]
  /** Segment files after the damaged one, not scanned. */
  readonly unscannedFiles: readonly string[]
  readonly damage?: LogDamage
}

/** The segment files of a log directory, ordered by first txn id. */
export function listSegmentFiles(fs: FileSystem, directory: string): { name: string; firstTxnId: number }[] {
  if (!fs.exists(directory)) return []
  const segments: { name: string; firstTxnId: number }[] = []
  for (const name of fs.list(directory)) {
    const firstTxnId = parseSegmentFileName(name)
    if (firstTxnId !== undefined) segments.push({ name, firstTxnId })
  }
  return segments.sort((left, right) => left.firstTxnId - right.firstTxnId)
}

/**
 * Reads every segment of a log directory, checking every frame's length,
 * CRC, structure and txn order. Read-only: the caller decides what to do
 * with a torn tail or corruption. Stops at the first damage.
 */
export function scanLog(fs: FileSystem, directory: string): LogScan {
  const files = listSegmentFiles(fs, directory)
  const segments: ScannedSegment[] = []
  let previousTxnId = 0
  for (let index = 0; index < files.length; index++) {
    const { name, firstTxnId } = files[index]!
    const filePath = path.join(directory, name)
    const isLast = index === files.length - 1
    const nextFirstTxnId = isLast ? Number.MAX_SAFE_INTEGER : files[index + 1]!.firstTxnId
    const handle = fs.open(filePath, { readOnly: true })
    try {
      const result = scanSegment({ handle, name, path: filePath, firstTxnId, previousTxnId, nextFirstTxnId, isLast, segmentIndex: index })
      segments.push(result.segment)
      if (result.damage !== undefined) {
        return { segments, unscannedFiles: files.slice(index + 1).map((file) => file.name), damage: result.damage }
      }
      if (result.segment.lastRecordTxnId > 0) previousTxnId = result.segment.lastRecordTxnId
    } finally {
      handle.close()
    }
  }
  return { segments, unscannedFiles: [] }
}

interface SegmentScanArgs {
  readonly handle: FileHandle
  readonly name: string
  readonly path: string
  readonly firstTxnId: number
  readonly previousTxnId: number
  readonly nextFirstTxnId: number
  readonly isLast: boolean
  readonly segmentIndex: number
}

function scanSegment(args: SegmentScanArgs): { segment: ScannedSegment; damage?: LogDamage } {
  const { handle, isLast } = args
  const fileSize = handle.size()
  const header = new Uint8Array(SEGMENT_HEADER_BYTES)
  const headerLength = handle.read(header, 0, SEGMENT_HEADER_BYTES, 0)
  const headerCheck = parseSegmentHeader(header, headerLength)
  const emptySegment = { name: args.name, path: args.path, firstTxnId: args.firstTxnId, firstRecordTxnId: 0, lastRecordTxnId: 0, records: 0, fileSize }
  const damageAt = (kind: LogDamage['kind'], offset: number, reason: string, lastGoodTxnId: number, intactRecordAt?: number): LogDamage => ({
    kind,
    file: args.path,
    offset,
    reason,
    segmentIndex: args.segmentIndex,
    lastGoodTxnId,
    ...(intactRecordAt === undefined ? {} : { intactRecordAt }),
  })
  if (headerCheck.status === 'invalid') {
    const segment = { ...emptySegment, validEnd: 0 }
    if (headerCheck.unsupportedVersion !== undefined) return { segment, damage: damageAt('unsupported', 4, headerCheck.reason, args.previousTxnId) }
    const intact = findIntactFrameAfter(handle, SEGMENT_HEADER_BYTES - 1, fileSize)
    const kind = isLast && intact === undefined ? 'torn-header' : 'corrupt'
    return { segment, damage: damageAt(kind, 0, `segment header: ${headerCheck.reason}`, args.previousTxnId, intact) }
  }
  if (headerCheck.firstTxnId !== args.firstTxnId) {
    const segment = { ...emptySegment, validEnd: 0 }
    return { segment, damage: damageAt('corrupt', 8, `the header says the segment starts at txn ${headerCheck.firstTxnId}, its name says ${args.firstTxnId}`, args.previousTxnId) }
  }
  const cursor = new FrameCursor(handle, SEGMENT_HEADER_BYTES, fileSize)
  let records = 0
  let firstRecordTxnId = 0
  let lastTxnId = args.previousTxnId
  const segmentUpTo = (validEnd: number): ScannedSegment => ({ ...emptySegment, firstRecordTxnId, lastRecordTxnId: records > 0 ? lastTxnId : 0, records, validEnd })
  for (;;) {
    const step = cursor.next()
    if (step.kind === 'end') break
    if (step.kind === 'damaged') {
      const intact = findIntactFrameAfter(handle, step.offset, fileSize)
      const kind = isLast && intact === undefined ? 'torn-tail' : 'corrupt'
      const reason = !isLast && intact === undefined ? `${step.reason} (in a segment that is not the last one)` : step.reason
      return { segment: segmentUpTo(step.offset), damage: damageAt(kind, step.offset, reason, lastTxnId, intact) }
    }
    if (step.txnId <= lastTxnId || step.txnId < args.firstTxnId || step.txnId >= args.nextFirstTxnId) {
      const reason = `record txn id ${step.txnId} is out of order (previous ${lastTxnId}, segment range ${args.firstTxnId}..${args.nextFirstTxnId - 1})`
      return { segment: segmentUpTo(step.offset), damage: damageAt('corrupt', step.offset, reason, lastTxnId, step.offset) }
    }
    if (records === 0) firstRecordTxnId = step.txnId
    records++
    lastTxnId = step.txnId
  }
  return { segment: segmentUpTo(cursor.position) }
}
