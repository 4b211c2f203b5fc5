import { type LeafValue, type Node, type NodeSource, childAt, compareBytes, lowerBound, upperBound } from './node.js'

/** Key bounds of a range scan over stored key bytes (all optional; combined with AND). */
export interface ByteRange {
  readonly gt?: Uint8Array
  readonly gte?: Uint8Array
  readonly lt?: Uint8Array
  readonly lte?: Uint8Array
  /** Only keys starting with these bytes. */
  readonly prefix?: Uint8Array
  /** Descending order. */
  readonly reverse?: boolean
  /** At most this many entries. */
  readonly limit?: number
}

/** One entry produced by a {@link TreeCursor}: stored key bytes and the stored value. */
export interface RawEntry {
  readonly key: Uint8Array
  readonly value: LeafValue
}

/** The smallest byte string greater than every string starting with `prefix`, or undefined. */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  const bytes = prefix.slice()
  for (let index = bytes.length - 1; index >= 0; index--) {
    if (bytes[index]! < 0xff) {
      bytes[index]! += 1
      return bytes.subarray(0, index + 1)
    }
  }
  return undefined
}

interface Bound {
  readonly key: Uint8Array
  readonly inclusive: boolean
}

function tighterLower(current: Bound | undefined, next: Bound | undefined): Bound | undefined {
  if (!next) return current
  if (!current) return next
  const order = compareBytes(next.key, current.key)
  return order > 0 || (order === 0 && !next.inclusive) ? next : current
}

function tighterUpper(current: Bound | undefined, next: Bound | undefined): Bound | undefined {
  if (!next) return current
  if (!current) return next
  const order = compareBytes(next.key, current.key)
  return order < 0 || (order === 0 && !next.inclusive) ? next : current
}

/**
 * An ordered iterator over one tree version. It holds the nodes on its path,
 * so it keeps reading the version it started on even while writers commit.
 */
export class TreeCursor implements IterableIterator<RawEntry> {
  private readonly nodes: Node[] = []
  private readonly indexes: number[] = []
  private readonly lower: Bound | undefined
  private readonly upper: Bound | undefined
  private readonly reverse: boolean
  private remaining: number
  private started = false
  private done = false

  constructor(private readonly source: NodeSource, private readonly root: Node | null, range: ByteRange = {}) {
    let lower = tighterLower(range.gt && { key: range.gt, inclusive: false }, range.gte && { key: range.gte, inclusive: true })
    let upper = tighterUpper(range.lt && { key: range.lt, inclusive: false }, range.lte && { key: range.lte, inclusive: true })
    if (range.prefix && range.prefix.length > 0) {
      lower = tighterLower(lower, { key: range.prefix, inclusive: true })
      const successor = prefixSuccessor(range.prefix)
      upper = tighterUpper(upper, successor && { key: successor, inclusive: false })
    }
    this.lower = lower
    this.upper = upper
    this.reverse = range.reverse === true
    this.remaining = range.limit ?? Infinity
  }

  [Symbol.iterator](): this {
    return this
  }

  next(): IteratorResult<RawEntry> {
    if (!this.advance()) return { done: true, value: undefined }
    return { done: false, value: { key: this.currentKey(), value: this.currentValue() } }
  }

  /** Moves to the next entry in range without allocating; false (and finished) at the end. */
  advance(): boolean {
    if (this.done) return false
    if (this.remaining <= 0 || !(this.started ? this.step() : this.seek())) return this.stop()
    this.started = true
    const depth = this.nodes.length - 1
    const key = this.nodes[depth]!.keys[this.indexes[depth]!]!
    if (this.reverse ? !this.aboveLower(key) : !this.belowUpper(key)) return this.stop()
    this.remaining--
    return true
  }

  /** Key of the entry {@link advance} moved to. */
  currentKey(): Uint8Array {
    const depth = this.nodes.length - 1
    return this.nodes[depth]!.keys[this.indexes[depth]!]!
  }

  /** Stored value of the entry {@link advance} moved to. */
  currentValue(): LeafValue {
    const depth = this.nodes.length - 1
    return this.nodes[depth]!.values[this.indexes[depth]!]!
  }

  private stop(): false {
    this.finish()
    return false
  }

  return(): IteratorResult<RawEntry> {
    return this.finish()
  }

  private finish(): IteratorResult<RawEntry> {
    this.done = true
    this.nodes.length = 0
    return { done: true, value: undefined }
  }

  private aboveLower(key: Uint8Array): boolean {
    if (!this.lower) return true
    const order = compareBytes(key, this.lower.key)
    return order > 0 || (order === 0 && this.lower.inclusive)
  }

  private belowUpper(key: Uint8Array): boolean {
    if (!this.upper) return true
    const order = compareBytes(key, this.upper.key)
    return order < 0 || (order === 0 && this.upper.inclusive)
  }

  /** Positions on the first entry of the range; false when there is none. */
  private seek(): boolean {
    if (this.root === null) return false
    const bound = this.reverse ? this.upper : this.lower
    let node = this.root
    while (!node.leaf) {
      const index = bound ? upperBound(node.keys, bound.key) : this.reverse ? node.children.length - 1 : 0
      this.nodes.push(node)
      this.indexes.push(index)
      node = childAt(this.source, node, index)
    }
    let index: number
    if (this.reverse) {
      index = bound ? (bound.inclusive ? upperBound(node.keys, bound.key) : lowerBound(node.keys, bound.key)) - 1 : node.keys.length - 1
    } else {
      index = bound ? (bound.inclusive ? lowerBound(node.keys, bound.key) : upperBound(node.keys, bound.key)) : 0
    }
    this.nodes.push(node)
    this.indexes.push(index)
    return index >= 0 && index < node.keys.length ? true : this.moveLeaf()
  }

  /** Moves one entry on; false at the end of the tree. */
  private step(): boolean {
    const depth = this.nodes.length - 1
    const index = this.indexes[depth]! + (this.reverse ? -1 : 1)
    this.indexes[depth] = index
    if (index >= 0 && index < this.nodes[depth]!.keys.length) return true
    return this.moveLeaf()
  }

  /** Moves to the first (or last, in reverse) entry of the next non-empty leaf. */
  private moveLeaf(): boolean {
    for (;;) {
      this.nodes.pop()
      this.indexes.pop()
      let depth = this.nodes.length - 1
      while (depth >= 0) {
        const next = this.indexes[depth]! + (this.reverse ? -1 : 1)
        if (next >= 0 && next < this.nodes[depth]!.children.length) {
          this.indexes[depth] = next
          break
        }
        this.nodes.pop()
        this.indexes.pop()
        depth--
      }
      if (depth < 0) return false
      let node = childAt(this.source, this.nodes[depth]!, this.indexes[depth]!)
      while (!node.leaf) {
        const index = this.reverse ? node.children.length - 1 : 0
        this.nodes.push(node)
        this.indexes.push(index)
        node = childAt(this.source, node, index)
      }
      const index = this.reverse ? node.keys.length - 1 : 0
      this.nodes.push(node)
      this.indexes.push(index)
      if (node.keys.length > 0) return true
    }
  }
}
