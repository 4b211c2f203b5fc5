import { MAX_LEVEL } from './hnsw-graph.js'

/** A 32-bit hash of a string (FNV-1a over UTF-16 code units, then the murmur3 finaliser). */
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

/**
 * The HNSW layer of a node, drawn from the exponential distribution with
 * `mL = 1 / ln(m)` — but seeded by the record's key instead of a random generator,
 * so an index rebuilt from the commit stream gets exactly the same levels.
 *
 * @example
 * levelForKey('notes/1', 16) // 0 for ~94% of keys, 1 for ~6%, ...
 */
export function levelForKey(key: string, m: number): number {
  const uniform = (hashString(key) + 0.5) / 4294967296
  const level = Math.floor(-Math.log(uniform) / Math.log(m))
  return Math.min(level, MAX_LEVEL)
}
