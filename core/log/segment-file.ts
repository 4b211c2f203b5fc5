import { crc32c } from '../checksum/crc32c.js'
import type { FileHandle } from '../file/index.js'
import { checkFrame, type FrameCheckLevel, MAX_PAYLOAD_BYTES, MIN_PAYLOAD_BYTES, readUint32, RECORD_FORMAT_VERSION, RECORD_FRAME_BYTES } from './record-codec.js'

/**
 * A log segment is `<20-digit first txn id>.log`: a 24-byte header, then
 * framed records back to back.
 *
 * ```
 * header: magic "LDBL" | format version u32 (=1) | first txn id u64 | crc32c u32 of bytes 0..16 | reserved u32 (=0)
 * ```
 */
export const SEGMENT_HEADER_BYTES = 24
/** Segment format version written by this build. */
export const SEGMENT_FORMAT_VERSION = 1
const MAGIC = [0x4c, 0x44, 0x42, 0x4c] // "LDBL"
const SEGMENT_NAME = /^(\d{20})\.log$/
const TWO_32 = 0x1_0000_0000
/** Default read size for scans: big sequential reads, one buffer reused. */
export const SCAN_CHUNK_BYTES = 1 << 20

/** The file name of the segment whose first record is `firstTxnId`. */
export function segmentFileName(firstTxnId: number): string {
  return `${String(firstTxnId).padStart(20, '0')}.log`
}

/** The first txn id encoded in a segment file name, or undefined for other files. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name)
  if (match === null) return undefined
  const value = Number(match[1])
  return Number.isSafeInteger(value) && value > 0 ? value : undefined
}

/** Builds a segment header. */
export function encodeSegmentHeader(firstTxnId: number): Uint8Array {
  const header = new Uint8Array(SEGMENT_HEADER_BYTES)
  const view = new DataView(header.buffer)
  header.set(MAGIC, 0)
  view.setUint32(4, SEGMENT_FORMAT_VERSION, true)
  view.setUint32(8, firstTxnId % TWO_32, true)
  view.setUint32(12, Math.floor(firstTxnId / TWO_32), true)
  view.setUint32(16, crc32c(header, 0, 16), true)
  return header
}

/** Result of {@link parseSegmentHeader}. */
export type SegmentHeaderCheck =
  | { readonly status: 'valid'; readonly firstTxnId: number }
  | { readonly status: 'invalid'; readonly reason: string; readonly unsupportedVersion?: number }

/** Checks a segment header read from the start of a file. */
export function parseSegmentHeader(bytes: Uint8Array, length: number): SegmentHeaderCheck {
  if (length < SEGMENT_HEADER_BYTES) return { status: 'invalid', reason: `the header is cut short (${length} of ${SEGMENT_HEADER_BYTES} bytes)` }
  for (let index = 0; index < MAGIC.length; index++) {
    if (bytes[index] !== MAGIC[index]) return { status: 'invalid', reason: 'the header magic is not "LDBL"' }
  }
  if (crc32c(bytes, 0, 16) !== readUint32(bytes, 16)) return { status: 'invalid', reason: 'the header checksum does not match' }
  const version = readUint32(bytes, 4)
  if (version !== SEGMENT_FORMAT_VERSION) return { status: 'invalid', reason: `segment format version ${version} is not supported`, unsupportedVersion: version }
  const firstTxnId = readUint32(bytes, 8) + readUint32(bytes, 12) * TWO_32
  if (!Number.isSafeInteger(firstTxnId) || firstTxnId <= 0) return { status: 'invalid', reason: 'the header first txn id is out of range' }
  return { status: 'valid', firstTxnId }
}

/** One step of a {@link FrameCursor}. Buffer positions index `cursor.buffer`. */
export type FrameStep =
  | { readonly kind: 'end' }
  | { readonly kind: 'valid'; readonly offset: number; readonly txnId: number; readonly payloadStart: number; readonly payloadEnd: number }
  | { readonly kind: 'damaged'; readonly offset: number; readonly reason: string; readonly runsPastEnd: boolean }

/**
 * Walks the frames of one file between `start` and `end` with large reads into
 * one reused buffer (grown only for a record bigger than a chunk, and never
 * beyond what the file holds). Stops at the first damaged frame.
 */
export class FrameCursor {
  buffer: Uint8Array
  private bufferStart: number
  private bufferLength = 0
  private offset: number

  /**
   * `level` is how much each frame is checked (see {@link FrameCheckLevel});
   * frames ending at or before `trustedEnd` are checked at level `length` only.
   */
  constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly end: number,
    private readonly level: FrameCheckLevel = 'full',
    private readonly trustedEnd = 0,
    chunkBytes = SCAN_CHUNK_BYTES,
  ) {
    this.buffer = new Uint8Array(Math.max(RECORD_FRAME_BYTES + MIN_PAYLOAD_BYTES, Math.min(chunkBytes, end - start)))
    this.offset = start
    this.bufferStart = start
  }

  /** File offset of the next frame. */
  get position(): number {
    return this.offset
  }

  next(): FrameStep {
    for (;;) {
      if (this.offset >= this.end) return { kind: 'end' }
      const relative = this.offset - this.bufferStart
      const trusted = this.offset < this.trustedEnd && this.offset + RECORD_FRAME_BYTES <= this.bufferStart + this.bufferLength && this.offset + RECORD_FRAME_BYTES + readUint32(this.buffer, relative + 4) <= this.trustedEnd
      const check = checkFrame(this.buffer, relative, this.bufferLength, trusted ? 'length' : this.level)
      if (check.status === 'valid') {
        const offset = this.offset
        this.offset = this.bufferStart + check.end
        return { kind: 'valid', offset, txnId: check.txnId, payloadStart: relative + RECORD_FRAME_BYTES, payloadEnd: check.end }
      }
      if (check.status === 'invalid') return { kind: 'damaged', offset: this.offset, reason: check.reason, runsPastEnd: false }
      if (this.offset + check.needed > this.end) {
        const reason = check.needed === RECORD_FRAME_BYTES ? 'the record header is cut short' : 'the record runs past the end of the file'
        return { kind: 'damaged', offset: this.offset, reason, runsPastEnd: true }
      }
      if (check.needed > this.buffer.length) this.buffer = new Uint8Array(check.needed)
      this.bufferStart = this.offset
      this.bufferLength = this.handle.read(this.buffer, 0, Math.min(this.buffer.length, this.end - this.offset), this.offset)
      if (this.bufferLength < Math.min(check.needed, this.end - this.offset)) {
        return { kind: 'damaged', offset: this.offset, reason: 'the file is shorter than expected', runsPastEnd: true }
      }
    }
  }
}

/**
 * Looks for any intact record starting after `from` (exclusive) and before
 * `end`. Used to tell a torn tail (nothing valid follows) from mid-log damage.
 * Returns the offset of the first intact record, or undefined.
 */
export function findIntactFrameAfter(handle: FileHandle, from: number, end: number): number | undefined {
  const chunk = new Uint8Array(SCAN_CHUNK_BYTES)
  let chunkStart = from + 1
  while (chunkStart + RECORD_FRAME_BYTES + MIN_PAYLOAD_BYTES <= end) {
    const length = handle.read(chunk, 0, Math.min(chunk.length, end - chunkStart), chunkStart)
    if (length === 0) return undefined
    const lastCandidate = length - RECORD_FRAME_BYTES - 2
    if (lastCandidate < 0) return undefined
    for (let position = 0; position <= lastCandidate; position++) {
      if (chunk[position + RECORD_FRAME_BYTES] !== RECORD_FORMAT_VERSION || chunk[position + RECORD_FRAME_BYTES + 1] !== 0) continue
      const payloadLength = readUint32(chunk, position + 4)
      if (payloadLength < MIN_PAYLOAD_BYTES || payloadLength > MAX_PAYLOAD_BYTES) continue
      const frameBytes = RECORD_FRAME_BYTES + payloadLength
      if (chunkStart + position + frameBytes > end) continue
      let check
      if (position + frameBytes <= length) {
        check = checkFrame(chunk, position, length)
      } else {
        const frame = new Uint8Array(frameBytes)
        const read = handle.read(frame, 0, frameBytes, chunkStart + position)
        check = checkFrame(frame, 0, read)
      }
      if (check.status === 'valid') return chunkStart + position
    }
    chunkStart += lastCandidate + 1
  }
  return undefined
}
