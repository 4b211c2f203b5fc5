import { createHash } from 'node:crypto'

/** Encoded components longer than this are replaced by a hash so derived keys stay under the engine's key limit. */
const MAX_COMPONENT_BYTES = 160

/**
 * A source key (or entity id, term...) as one component of a derived key: percent-encoded
 * (so it never contains `/` and keeps one prefix per key), or `~<sha256 base64url>` when
 * that would be too long. Deterministic; store the original next to it when you need it back.
 */
export function keyComponent(value: string): string {
  const encoded = encodeURIComponent(value)
  if (encoded.length <= MAX_COMPONENT_BYTES) return encoded
  return `~${createHash('sha256').update(value).digest('base64url')}`
}

/** The source key of an operation as a string; binary keys that are not text come back undefined. */
export function sourceKeyString(key: string | Uint8Array): string | undefined {
  return typeof key === 'string' ? key : undefined
}

/** A non-negative integer as fixed-width decimal text, so keys sort numerically. */
export function padNumber(value: number, width: number): string {
  return String(value).padStart(width, '0')
}

/** Reads a JSON path (`a.b.c`) from a value; undefined when any step is missing. */
export function readJsonPath(value: unknown, path: string): unknown {
  let current = value
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined
    current = (current as Record<string, unknown>)[step]
  }
  return current
}
