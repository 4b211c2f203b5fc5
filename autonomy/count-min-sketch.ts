/** Serialized form of a {@link CountMinSketch}. */
export interface CountMinSketchJson {
  readonly width: number
  readonly depth: number
  /** Non-zero counters as `[index, count]` pairs (the sketch is mostly empty). */
  readonly counts: readonly (readonly [number, number])[]
}

const SEEDS = [0x811c9dc5]
const MAX_DEPTH = 8

/** An independent second hash (murmur3's finalizer: every bit of `first` reaches the low bits), odd. */
function secondHash(first: number): number {
  let hash = first ^ (first >>> 16)
  hash = Math.imul(hash, 0x7feb352d)
  hash ^= hash >>> 15
  hash = Math.imul(hash, 0x846ca68b)
  hash ^= hash >>> 16
  return (hash >>> 0) | 1
}

/** FNV-1a with a final mix; rows use double hashing (`first + row * second`), one pass per key. */
function hashString(text: string, seed: number): number {
  let hash = seed >>> 0
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193)
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  return hash >>> 0
}

/**
 * A count-min sketch with decay: bounded memory (`width * depth` numbers) estimates of
 * how often each key was seen. Estimates never undercount, so a key it calls cold was
 * really accessed at most that often (tiering errs on the side of keeping data hot).
 *
 * @example
 * const sketch = new CountMinSketch({ width: 65_536, depth: 4 })
 * sketch.add('tasks/1'); sketch.estimate('tasks/1') // >= 1
 */
export class CountMinSketch {
  readonly width: number
  readonly depth: number
  private readonly counts: Float32Array

  constructor(args: { readonly width?: number; readonly depth?: number; readonly counts?: readonly (readonly [number, number])[] } = {}) {
    this.width = args.width ?? 65_536
    this.depth = Math.min(args.depth ?? 4, MAX_DEPTH)
    this.counts = new Float32Array(this.width * this.depth)
    for (const pair of Array.isArray(args.counts) ? args.counts : []) {
      if (Array.isArray(pair) && Number.isInteger(pair[0]) && pair[0] >= 0 && pair[0] < this.counts.length) this.counts[pair[0]] = Number(pair[1]) || 0
    }
  }

  /** Counts `key` (optionally qualified by `scope`, e.g. a keyspace) `weight` times. */
  add(key: string, weight = 1, scope = ''): void {
    const first = hashString(key, hashString(scope, SEEDS[0]!))
    const second = secondHash(first)
    const width = this.width
    for (let row = 0; row < this.depth; row += 1) this.counts[row * width + ((first + Math.imul(row, second)) >>> 0) % width]! += weight
  }

  /** The (over-)estimated decayed count of `key`. */
  estimate(key: string, scope = ''): number {
    const first = hashString(key, hashString(scope, SEEDS[0]!))
    const second = secondHash(first)
    let smallest = Infinity
    const width = this.width
    for (let row = 0; row < this.depth; row += 1) smallest = Math.min(smallest, this.counts[row * width + ((first + Math.imul(row, second)) >>> 0) % width]!)
    return smallest
  }

  /** Multiplies every count by `factor` (0..1): older accesses weigh less. */
  decay(factor: number): void {
    for (let index = 0; index < this.counts.length; index += 1) this.counts[index] = this.counts[index]! * factor
  }

  toJSON(): CountMinSketchJson {
    const counts: [number, number][] = []
    for (let index = 0; index < this.counts.length; index += 1) {
      const count = Math.round(this.counts[index]! * 1000) / 1000
      if (count !== 0) counts.push([index, count])
    }
    return { width: this.width, depth: this.depth, counts }
  }
}
