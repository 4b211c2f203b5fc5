import { createHash } from 'node:crypto'
import { keyComponent } from '../spec/index.js'

/** Longest encoded component kept as is; longer ones become a 44-character hash. */
const MAX_SHORT_COMPONENT = 64

/**
 * A value as one component of a derived key, like `keyComponent` (percent-encoded, never
 * containing `/`) but at most 64 characters: longer values become `~<sha256 base64url>`.
 * Entity and edge keys join up to five components, and this keeps them well under the
 * engine's key limit (502 bytes with 4 KiB pages). Store the value itself next to it.
 */
export function shortKeyComponent(value: string): string {
  const encoded = keyComponent(value)
  return encoded.length <= MAX_SHORT_COMPONENT ? encoded : `~${createHash('sha256').update(value).digest('base64url')}`
}
