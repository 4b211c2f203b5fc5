import { crc32c } from '../checksum/crc32c.js'
import { CorruptionError, StorageError } from '../../errors/index.js'
import type { CommitRecord, LogOperation } from './commit-record.js'

/**
 * The commit-record wire format (version 1), all integers little-endian:
 *
 * ```
 * frame:   crc32c u32 (over the next 4 + length bytes) | length u32 | payload
 * payload: version u8 (=1) | flags u8 (=0) | txnId u64 | timestamp f64
 *          | varuint originLength | origin utf8 | varuint opCount
 *          | per op: type u8 (1 put, 2 delete) | varuint keyspaceLength | keyspace utf8
 *                    | varuint keyLength | key | (put only) varuint valueLength | value
 * ```
 * The CRC covers the length field, so a corrupted length is detected.
 */
export const RECORD_FRAME_BYTES = 8
/** The payload format version written by this build. */
export const RECORD_FORMAT_VERSION = 1
/** Smallest possible payload: fixed fields, empty origin, zero ops. */
export const MIN_PAYLOAD_BYTES = 1 + 1 + 8 + 8 + 1 + 1
/** Largest payload the log accepts (and believes when it reads a length field). */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024

const OP_PUT = 1
const OP_DELETE = 2
const TWO_32 = 0x1_0000_0000
const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })
const float64Scratch = new Float64Array(1)
const float64Bytes = new Uint8Array(float64Scratch.buffer)

const encodedStrings = new Map<string, Uint8Array>()
function stringBytes(value: string): Uint8Array {
  let bytes = encodedStrings.get(value)
  if (bytes === undefined) {
    bytes = textEncoder.encode(value)
    if (encodedStrings.size >= 4096) encodedStrings.clear()
    encodedStrings.set(value, bytes)
  }
  return bytes
}

function varuintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5
}

function writeVaruint(target: Uint8Array, offset: number, value: number): number {
  let remaining = value
  while (remaining >= 0x80) {
    target[offset++] = (remaining & 0x7f) | 0x80
    remaining = Math.floor(remaining / 128)
  }
  target[offset++] = remaining
  return offset
}

function writeUint32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value & 0xff
  target[offset + 1] = (value >>> 8) & 0xff
  target[offset + 2] = (value >>> 16) & 0xff
  target[offset + 3] = (value >>> 24) & 0xff
}

/** Reads a little-endian u32 (no bounds check: callers check first). */
export function readUint32(source: Uint8Array, offset: number): number {
  return (source[offset]! | (source[offset + 1]! << 8) | (source[offset + 2]! << 16)) + source[offset + 3]! * 0x100_0000
}

function invalidRecord(message: string, details: Record<string, unknown> = {}): StorageError {
  return new StorageError('INVALID_ARGUMENT', `${message} Fix the commit record passed to CommitLog.append().`, { details })
}

/**
 * Checks a record before encoding: positive safe-integer txn id, finite
 * timestamp, string origin/keyspace, Uint8Array key/value, `put` has a value.
 * Throws `StorageError('INVALID_ARGUMENT')`.
 */
export function validateCommitRecord(record: CommitRecord): void {
  if (!Number.isSafeInteger(record.txnId) || record.txnId <= 0) {
    throw invalidRecord(`txnId must be a positive safe integer, got ${String(record.txnId)}.`)
  }
  if (typeof record.timestamp !== 'number' || !Number.isFinite(record.timestamp)) throw invalidRecord('timestamp must be a finite number.')
  if (typeof record.origin !== 'string') throw invalidRecord('origin must be a string.')
  if (!Array.isArray(record.ops)) throw invalidRecord('ops must be an array.')
  for (const operation of record.ops as readonly LogOperation[]) {
    if (operation === null || typeof operation !== 'object') throw invalidRecord('every op must be an object.')
    if (operation.type !== 'put' && operation.type !== 'delete') throw invalidRecord(`op type must be 'put' or 'delete', got ${String(operation.type)}.`)
    if (typeof operation.keyspace !== 'string') throw invalidRecord('op keyspace must be a string.')
    if (!(operation.key instanceof Uint8Array)) throw invalidRecord('op key must be a Uint8Array.')
    if (operation.type === 'put' && !(operation.value instanceof Uint8Array)) throw invalidRecord('a put op needs a Uint8Array value.')
  }
}

/** Bytes the framed record will take (frame header included). Validates the record. */
export function encodedRecordSize(record: CommitRecord): number {
  validateCommitRecord(record)
  const origin = stringBytes(record.origin).length
  let size = RECORD_FRAME_BYTES + 18 + varuintSize(origin) + origin + varuintSize(record.ops.length)
  for (const operation of record.ops) {
    const keyspace = stringBytes(operation.keyspace).length
    size += 1 + varuintSize(keyspace) + keyspace + varuintSize(operation.key.length) + operation.key.length
    if (operation.type === 'put') size += varuintSize(operation.value!.length) + operation.value!.length
  }
  if (size - RECORD_FRAME_BYTES > MAX_PAYLOAD_BYTES) {
    throw new StorageError(
      'VALUE_TOO_LARGE',
      `Commit ${record.txnId} encodes to ${size} bytes; one commit may hold at most ${MAX_PAYLOAD_BYTES} bytes. Split it into smaller transactions.`,
      { details: { txnId: record.txnId, bytes: size, limit: MAX_PAYLOAD_BYTES } },
    )
  }
  return size
}

/**
 * Writes the framed record at `target[offset..]`; `size` must come from
 * {@link encodedRecordSize}. Returns the offset after the record.
 */
export function writeCommitRecord(record: CommitRecord, size: number, target: Uint8Array, offset: number): number {
  const start = offset
  writeUint32(target, offset + 4, size - RECORD_FRAME_BYTES)
  let position = offset + RECORD_FRAME_BYTES
  target[position++] = RECORD_FORMAT_VERSION
  target[position++] = 0
  writeUint32(target, position, record.txnId % TWO_32)
  writeUint32(target, position + 4, Math.floor(record.txnId / TWO_32))
  position += 8
  float64Scratch[0] = record.timestamp
  target.set(float64Bytes, position)
  position += 8
  const origin = stringBytes(record.origin)
  position = writeVaruint(target, position, origin.length)
  target.set(origin, position)
  position += origin.length
  position = writeVaruint(target, position, record.ops.length)
  for (const operation of record.ops) {
    target[position++] = operation.type === 'put' ? OP_PUT : OP_DELETE
    const keyspace = stringBytes(operation.keyspace)
    position = writeVaruint(target, position, keyspace.length)
    target.set(keyspace, position)
    position += keyspace.length
    position = writeVaruint(target, position, operation.key.length)
    target.set(operation.key, position)
    position += operation.key.length
    if (operation.type === 'put') {
      position = writeVaruint(target, position, operation.value!.length)
      target.set(operation.value!, position)
      position += operation.value!.length
    }
  }
  writeUint32(target, start, crc32c(target, start + 4, position))
  return position
}

/**
 * Encodes one record into a new framed buffer.
 *
 * @example const bytes = encodeCommitRecord({ txnId: 1, timestamp: Date.now(), origin: 'app', ops: [] })
 */
export function encodeCommitRecord(record: CommitRecord): Uint8Array {
  const size = encodedRecordSize(record)
  const target = new Uint8Array(size)
  writeCommitRecord(record, size, target, 0)
  return target
}

/** What {@link checkFrame} found at an offset. */
export type FrameCheck =
  | { readonly status: 'valid'; readonly txnId: number; readonly end: number }
  | { readonly status: 'incomplete'; readonly needed: number }
  | { readonly status: 'invalid'; readonly reason: string }

/**
 * How much {@link checkFrame} verifies: `full` = length, CRC and payload
 * structure; `checksum` = length and CRC (for callers that decode the payload
 * next, which checks the structure); `length` = length and txn id only (for
 * bytes this process verified moments ago, e.g. the recovery replay right
 * after the open scan).
 */
export type FrameCheckLevel = 'full' | 'checksum' | 'length'

/**
 * Checks the framed record at `source[offset..limit)` without allocating, as
 * far as `level` says. `incomplete` means the frame runs past `limit`
 * (`needed` is its full size, already bounded by {@link MAX_PAYLOAD_BYTES}).
 */
export function checkFrame(source: Uint8Array, offset: number, limit: number, level: FrameCheckLevel = 'full'): FrameCheck {
  if (limit - offset < RECORD_FRAME_BYTES) return { status: 'incomplete', needed: RECORD_FRAME_BYTES }
  const length = readUint32(source, offset + 4)
  if (length < MIN_PAYLOAD_BYTES || length > MAX_PAYLOAD_BYTES) {
    return { status: 'invalid', reason: `record length ${length} is out of range` }
  }
  const end = offset + RECORD_FRAME_BYTES + length
  if (end > limit) return { status: 'incomplete', needed: RECORD_FRAME_BYTES + length }
  if (level !== 'length' && crc32c(source, offset + 4, end) !== readUint32(source, offset)) return { status: 'invalid', reason: 'checksum mismatch' }
  const problem = level === 'full' ? walkPayload(source, offset + RECORD_FRAME_BYTES, end, undefined) : readTxnId(source, offset + RECORD_FRAME_BYTES)
  if (typeof problem === 'string') return { status: 'invalid', reason: problem }
  return { status: 'valid', txnId: problem, end }
}

/** The txn id of a payload, or a string naming why the fixed fields are wrong. */
function readTxnId(source: Uint8Array, start: number): number | string {
  if (source[start] !== RECORD_FORMAT_VERSION) return `unsupported record version ${source[start]}`
  if (source[start + 1] !== 0) return `unknown record flags ${source[start + 1]}`
  const high = readUint32(source, start + 6)
  if (high >= 0x20_0000) return 'txn id exceeds 2^53'
  const txnId = readUint32(source, start + 2) + high * TWO_32
  return txnId > 0 ? txnId : 'txn id is zero'
}

/** Read position shared by {@link walkPayload} and {@link readLength} (a module variable: no closure per record). */
let cursor = 0

/** Reads a varuint at `cursor` bounded by `end`; -1 when it is malformed or longer than the bytes left. */
function readLength(source: Uint8Array, end: number): number {
  let value = 0
  let scale = 1
  for (let index = 0; index < 5; index++) {
    if (cursor >= end) return -1
    const byte = source[cursor++]!
    value += (byte & 0x7f) * scale
    if (byte < 0x80) return value <= end - cursor ? value : -1
    scale *= 128
  }
  return -1
}

/**
 * One operation of a payload as {@link visitPayload} reads it. `key` and
 * `value` are byte ranges of `source`, valid only during the callback (copy
 * what you keep). One object is reused for every operation, so reading
 * allocates nothing per operation.
 */
export interface OperationView {
  /** {@link OPERATION_PUT} or {@link OPERATION_DELETE}. */
  type: number
  keyspace: string
  source: Uint8Array
  keyStart: number
  keyEnd: number
  /** For a delete both are 0. */
  valueStart: number
  valueEnd: number
}

/** Receives each operation of a payload, in order. */
export type OperationSink = (operation: OperationView) => void

/** {@link OperationView.type} of a put. */
export const OPERATION_PUT = OP_PUT
/** {@link OperationView.type} of a delete. */
export const OPERATION_DELETE = OP_DELETE

const operationView: OperationView = { type: 0, keyspace: '', source: new Uint8Array(0), keyStart: 0, keyEnd: 0, valueStart: 0, valueEnd: 0 }

/**
 * Walks a payload; when `sink` is given, hands it each decoded operation.
 * Returns the txn id, or a string naming the structural problem.
 */
function walkPayload(source: Uint8Array, start: number, end: number, sink: OperationSink | undefined): number | string {
  const txnId = readTxnId(source, start)
  if (typeof txnId === 'string') return txnId
  cursor = start + 18
  const originLength = readLength(source, end)
  if (originLength < 0) return 'origin length runs past the record'
  cursor += originLength
  const opCount = readLength(source, end)
  if (opCount < 0) return 'op count is larger than the record'
  for (let index = 0; index < opCount; index++) {
    if (cursor >= end) return 'record ends inside an op'
    const type = source[cursor++]!
    if (type !== OP_PUT && type !== OP_DELETE) return `unknown op type ${type}`
    const keyspaceLength = readLength(source, end)
    if (keyspaceLength < 0) return 'keyspace length runs past the record'
    const keyspaceStart = cursor
    cursor += keyspaceLength
    const keyLength = readLength(source, end)
    if (keyLength < 0) return 'key length runs past the record'
    const keyStart = cursor
    cursor += keyLength
    let valueStart = 0
    let valueLength = 0
    if (type === OP_PUT) {
      valueLength = readLength(source, end)
      if (valueLength < 0) return 'value length runs past the record'
      valueStart = cursor
      cursor += valueLength
    }
    if (sink !== undefined) {
      const keyspace = decodeString(source, keyspaceStart, keyspaceStart + keyspaceLength)
      if (keyspace === undefined) return 'keyspace is not valid UTF-8'
      const position = cursor
      const view = operationView
      view.type = type
      view.keyspace = keyspace
      view.source = source
      view.keyStart = keyStart
      view.keyEnd = keyStart + keyLength
      view.valueStart = valueStart
      view.valueEnd = valueStart + valueLength
      sink(view)
      cursor = position
    }
  }
  return cursor === end ? txnId : `${end - cursor} trailing bytes after the last op`
}

/**
 * Hands each operation of the payload at `source[start..end)` (a frame already
 * accepted by {@link checkFrame}) to `sink` without copying anything; returns
 * the txn id. Throws `CorruptionError('CORRUPT_LOG')` if the payload is malformed
 * (operations before the damage have already been handed over).
 */
export function visitPayload(source: Uint8Array, start: number, end: number, sink: OperationSink): number {
  const txnId = walkPayload(source, start, end, sink)
  if (typeof txnId === 'string') throw new CorruptionError('CORRUPT_LOG', `Commit record is malformed: ${txnId}.`, { details: { reason: txnId } })
  return txnId
}

/** The commit timestamp of the payload starting at `start` (fixed field; no checks). */
export function payloadTimestamp(source: Uint8Array, start: number): number {
  for (let index = 0; index < 8; index++) float64Bytes[index] = source[start + 10 + index]!
  return float64Scratch[0]!
}

const stringCache = new Map<number, { bytes: Uint8Array; text: string }>()
/** Decodes short repeated strings (origins, keyspace names) through a small cache. */
function decodeString(source: Uint8Array, start: number, end: number): string | undefined {
  const length = end - start
  if (length > 64) return decodeUtf8(source, start, end)
  let hash = 0x811c9dc5 ^ length
  for (let index = start; index < end; index++) hash = Math.imul(hash ^ source[index]!, 0x01000193)
  const cached = stringCache.get(hash)
  if (cached !== undefined && cached.bytes.length === length) {
    let same = true
    for (let index = 0; index < length; index++) {
      if (cached.bytes[index] !== source[start + index]) {
        same = false
        break
      }
    }
    if (same) return cached.text
  }
  const text = decodeUtf8(source, start, end)
  if (text === undefined) return undefined
  if (stringCache.size >= 4096) stringCache.clear()
  stringCache.set(hash, { bytes: source.slice(start, end), text })
  return text
}

function decodeUtf8(source: Uint8Array, start: number, end: number): string | undefined {
  try {
    return textDecoder.decode(source.subarray(start, end))
  } catch {
    return undefined
  }
}

/**
 * Decodes the payload of a frame already accepted by {@link checkFrame}.
 * The payload is copied once; keys and values are views into that copy, so
 * the source buffer may be reused. Throws `CorruptionError('CORRUPT_LOG')` if
 * the payload is malformed.
 */
export function decodePayload(source: Uint8Array, start: number, end: number): CommitRecord {
  const payload = source.slice(start, end)
  const ops: LogOperation[] = []
  const txnId = walkPayload(payload, 0, payload.length, (view) => {
    const key = payload.subarray(view.keyStart, view.keyEnd)
    ops.push(view.type === OP_PUT ? { type: 'put', keyspace: view.keyspace, key, value: payload.subarray(view.valueStart, view.valueEnd) } : { type: 'delete', keyspace: view.keyspace, key })
  })
  if (typeof txnId === 'string') throw new CorruptionError('CORRUPT_LOG', `Commit record is malformed: ${txnId}.`, { details: { reason: txnId } })
  const originLength = readVaruintAt(payload, 18)
  const originStart = 18 + varuintSize(originLength)
  const origin = decodeString(payload, originStart, originStart + originLength)
  if (origin === undefined) throw new CorruptionError('CORRUPT_LOG', 'Commit record origin is not valid UTF-8.', { details: { reason: 'origin utf8' } })
  float64Bytes.set(payload.subarray(10, 18))
  return { txnId, timestamp: float64Scratch[0]!, origin, ops }
}

function readVaruintAt(source: Uint8Array, offset: number): number {
  let value = 0
  let scale = 1
  for (let index = 0; index < 5; index++) {
    const byte = source[offset + index]!
    value += (byte & 0x7f) * scale
    if (byte < 0x80) break
    scale *= 128
  }
  return value
}

/**
 * Decodes one framed record (as made by {@link encodeCommitRecord}).
 * Any damage gives `CorruptionError('CORRUPT_LOG')`, never another exception.
 */
export function decodeCommitRecord(bytes: Uint8Array): CommitRecord {
  const frame = checkFrame(bytes, 0, bytes.length)
  if (frame.status === 'incomplete') {
    throw new CorruptionError('CORRUPT_LOG', `Commit record is truncated: ${bytes.length} bytes, the frame needs ${frame.needed}.`, {
      details: { reason: 'truncated', bytes: bytes.length, needed: frame.needed },
    })
  }
  if (frame.status === 'invalid') throw new CorruptionError('CORRUPT_LOG', `Commit record is damaged: ${frame.reason}.`, { details: { reason: frame.reason } })
  if (frame.end !== bytes.length) {
    throw new CorruptionError('CORRUPT_LOG', `${bytes.length - frame.end} unexpected bytes after the commit record.`, { details: { reason: 'trailing bytes' } })
  }
  return decodePayload(bytes, RECORD_FRAME_BYTES, frame.end)
}
