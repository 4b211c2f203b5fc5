import { LivingDbError } from '../../errors/index.js'
import { copyBytes, encodeText } from './byte-slab.js'
import { utf8Text } from './value-codec.js'

/** A key as the API accepts it: a string (stored as UTF-8) or raw bytes. */
export type Key = string | Uint8Array

const encoder = new TextEncoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Encodes a key to its stored bytes. A string and a Uint8Array holding the same
 * UTF-8 bytes are the same key. Throws `INVALID_KEY` (wrong type or empty) or
 * `KEY_TOO_LARGE`.
 */
export function encodeKey(key: unknown, maxKeyBytes: number): Uint8Array {
  let bytes: Uint8Array
  if (typeof key === 'string') bytes = encodeText(key, 0)
  else if (key instanceof Uint8Array) bytes = copyBytes(key)
  else {
    throw new LivingDbError('INVALID_KEY', `A key must be a string or a Uint8Array, got ${describe(key)}. Convert numbers with String(n) or encode them as bytes.`, {
      details: { type: describe(key) },
    })
  }
  if (bytes.length === 0) throw new LivingDbError('INVALID_KEY', 'A key must not be empty. Use at least one byte, e.g. a prefix like "notes/1".')
  if (bytes.length > maxKeyBytes) {
    throw new LivingDbError('KEY_TOO_LARGE', `The key is ${bytes.length} bytes; the limit for this page size is ${maxKeyBytes} bytes. Shorten the key (store long data in the value) or use a larger pageSize.`, {
      details: { bytes: bytes.length, limit: maxKeyBytes },
    })
  }
  return bytes
}

/** Turns stored key bytes back into the form the caller wrote. */
export function decodeKey(bytes: Uint8Array, asString: boolean): Key {
  return asString ? utf8Text(bytes, 0, bytes.length) : bytes.slice()
}

/** Decodes key bytes as a string only when they are valid UTF-8, otherwise returns a copy of the bytes. */
export function decodeKeyGuess(bytes: Uint8Array): Key {
  try {
    return strictDecoder.decode(bytes)
  } catch {
    return bytes.slice()
  }
}

/**
 * Writes the UTF-8 bytes of `key` into `scratch` without allocating (ASCII fast
 * path) and returns the byte length, or -1 when it does not fit or is not a plain string.
 */
export function encodeKeyInto(key: string, scratch: Uint8Array): number {
  const length = key.length
  if (length > scratch.length) return -1
  for (let index = 0; index < length; index++) {
    const code = key.charCodeAt(index)
    if (code >= 0x80) {
      const result = encoder.encodeInto(key, scratch)
      return result.read === length ? result.written : -1
    }
    scratch[index] = code
  }
  return length
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value
}
