/**
 * Allocates small byte arrays as views into shared 64 KiB slabs. Thousands of
 * keys and values then share one ArrayBuffer instead of owning one each, which
 * cuts allocation and garbage-collection cost on the write path. A slab stays
 * alive while any view into it does.
 */
const SLAB_BYTES = 64 * 1024
/** Requests larger than this get their own array. */
const MAX_SLAB_REQUEST = 2048

let slab = new Uint8Array(SLAB_BYTES)
let offset = 0

const encoder = new TextEncoder()

/** A zero-filled byte array of `length` bytes (a slab view when small). */
export function allocateBytes(length: number): Uint8Array {
  if (length > MAX_SLAB_REQUEST) return new Uint8Array(length)
  if (offset + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES)
    offset = 0
  }
  const view = slab.subarray(offset, offset + length)
  offset += length
  return view
}

/** A copy of `bytes` (a slab view when small). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const copy = allocateBytes(bytes.length)
  copy.set(bytes)
  return copy
}

/** A copy of `source[start..end)` (a slab view when small). */
export function copyRange(source: Uint8Array, start: number, end: number): Uint8Array {
  const length = end - start
  const copy = allocateBytes(length)
  for (let index = 0; index < length; index++) copy[index] = source[start + index]!
  return copy
}

/**
 * The UTF-8 bytes of `text` preceded by `headerBytes` zero bytes (for a tag),
 * encoded straight into a slab when it fits.
 */
export function encodeText(text: string, headerBytes: number): Uint8Array {
  const worstCase = headerBytes + text.length * 3
  if (worstCase > MAX_SLAB_REQUEST) {
    const body = encoder.encode(text)
    const result = new Uint8Array(headerBytes + body.length)
    result.set(body, headerBytes)
    return result
  }
  if (offset + worstCase > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES)
    offset = 0
  }
  const start = offset
  const { written } = encoder.encodeInto(text, slab.subarray(start + headerBytes, start + worstCase))
  const view = slab.subarray(start, start + headerBytes + written)
  slab.fill(0, start, start + headerBytes)
  offset = start + headerBytes + written
  return view
}
