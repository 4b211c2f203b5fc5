import { readJsonPath } from '../spec/index.js'

/** Where a cartridge finds the vector and the filterable metadata in a source record. */
export interface VectorRecordFields {
  /** JSON path of the vector (default `vector`). */
  readonly vectorField: string
  /** JSON paths copied into the metadata filters see (default: the record's `metadata` object). */
  readonly metadataFields: 'metadata' | readonly string[]
}

/** A source record, read: the vector (raw Float32), its metadata, and the ledger entry of the model call that made it. */
export type ParsedVectorRecord =
  | { readonly ok: true; readonly vector: Float32Array; readonly metadata: Record<string, unknown>; readonly ledgerEntryId: string | null }
  | { readonly ok: false; readonly reason: string }

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Float32 little-endian bytes → floats (copied, so the result is aligned and owned). */
export function floatsFromBytes(bytes: Uint8Array): Float32Array {
  const count = bytes.byteLength >> 2
  if (littleEndian) return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count * 4))
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const floats = new Float32Array(count)
  for (let index = 0; index < count; index++) floats[index] = view.getFloat32(index * 4, true)
  return floats
}

/** Floats → Float32 little-endian bytes. */
export function bytesFromFloats(floats: Float32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(floats.buffer.slice(floats.byteOffset, floats.byteOffset + floats.byteLength))
  const bytes = new Uint8Array(floats.length * 4)
  const view = new DataView(bytes.buffer)
  for (let index = 0; index < floats.length; index++) view.setFloat32(index * 4, floats[index]!, true)
  return bytes
}

/** A vector as Float32 little-endian bytes in base64 (the compact JSON form plugins write). */
export function encodeVectorBase64(vector: ArrayLike<number>): string {
  return Buffer.from(bytesFromFloats(Float32Array.from(vector))).toString('base64')
}

function vectorFrom(value: unknown): Float32Array | string {
  if (value instanceof Uint8Array) return value.byteLength % 4 === 0 ? floatsFromBytes(value) : `vector bytes must be a multiple of 4 (Float32), got ${value.byteLength}`
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64')
    return bytes.byteLength > 0 && bytes.byteLength % 4 === 0 ? floatsFromBytes(bytes) : 'a vector string must be base64 of Float32 little-endian bytes'
  }
  if (typeof value === 'object' && value !== null && typeof (value as { $base64?: unknown }).$base64 === 'string') return vectorFrom((value as { $base64: string }).$base64)
  if (Array.isArray(value)) {
    if (!value.every((item) => typeof item === 'number')) return 'a vector array must hold only numbers'
    return Float32Array.from(value as number[])
  }
  return value === undefined ? 'the record has no vector field' : `the vector field holds ${value === null ? 'null' : typeof value}, not an array of numbers or base64 Float32 bytes`
}

/**
 * Reads a source record: the vector at `vectorField` (an array of numbers, base64
 * Float32 LE, `{ $base64 }` or raw bytes), the metadata, and `ledgerEntryId` when the
 * record carries one (the embedder plugin writes it). Non-finite components and empty
 * vectors are refused with a reason.
 */
export function parseVectorRecord(value: unknown, fields: VectorRecordFields): ParsedVectorRecord {
  const vector = vectorFrom(readJsonPath(value, fields.vectorField))
  if (typeof vector === 'string') return { ok: false, reason: vector }
  if (vector.length === 0) return { ok: false, reason: 'the vector is empty' }
  for (let index = 0; index < vector.length; index++) if (!Number.isFinite(vector[index]!)) return { ok: false, reason: `component ${index} is not a finite number` }
  const metadata: Record<string, unknown> = {}
  if (fields.metadataFields === 'metadata') {
    const stored = readJsonPath(value, 'metadata')
    if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) Object.assign(metadata, stored)
  } else {
    for (const path of fields.metadataFields) {
      const found = readJsonPath(value, path)
      if (found !== undefined && !(found instanceof Uint8Array)) metadata[path] = found
    }
  }
  const ledger = readJsonPath(value, 'ledgerEntryId')
  return { ok: true, vector, metadata, ledgerEntryId: typeof ledger === 'string' && ledger.length > 0 ? ledger : null }
}
