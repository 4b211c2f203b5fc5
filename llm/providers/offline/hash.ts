/**
 * FNV-1a (32-bit) over the UTF-16 code units of `text`, followed by the murmur3
 * finaliser so that nearby inputs spread over all bits. Pure integer arithmetic:
 * identical on every platform and run.
 */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

/** The hash as 8 lowercase hex digits (for stable ids). */
export function hashHex(text: string): string {
  return hashString(text).toString(16).padStart(8, '0')
}
