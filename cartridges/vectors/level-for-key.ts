import { hashString } from '../../llm/providers/offline/hash.js'
import { MAX_LEVEL } from './hnsw-graph.js'

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
