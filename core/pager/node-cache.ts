import type { Node } from '../btree/node.js'

interface CacheEntry {
  readonly node: Node
  readonly cost: number
  referenced: boolean
}

/** Estimated heap bytes of a node: its page buffer plus the view objects of its entries (a full node when `node` is omitted). */
export function nodeCost(pageSize: number, node?: Node): number {
  const entries = node ? node.keys.length * (node.leaf ? 2 : 1) : pageSize / 48
  return pageSize + 160 + entries * 100
}

/**
 * A byte-bounded cache of decoded nodes keyed by page number, evicted with the
 * CLOCK (second chance) policy: a hit only sets a flag, so lookups on the
 * `get` path do not reorder anything.
 */
export class NodeCache {
  private readonly entries = new Map<number, CacheEntry>()
  private bytes = 0
  hits = 0
  misses = 0

  constructor(private readonly capacityBytes: number, private readonly pageSize: number) {}

  get(page: number): Node | undefined {
    const entry = this.entries.get(page)
    if (entry === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    entry.referenced = true
    return entry.node
  }

  set(page: number, node: Node): void {
    this.delete(page)
    const cost = nodeCost(this.pageSize, node)
    this.entries.set(page, { node, cost, referenced: false })
    this.bytes += cost
    if (this.bytes > this.capacityBytes) this.evict()
  }

  delete(page: number): void {
    const entry = this.entries.get(page)
    if (entry === undefined) return
    this.entries.delete(page)
    this.bytes -= entry.cost
  }

  clear(): void {
    this.entries.clear()
    this.bytes = 0
  }

  stats(): { entries: number; bytes: number; capacityBytes: number; hits: number; misses: number } {
    return { entries: this.entries.size, bytes: this.bytes, capacityBytes: this.capacityBytes, hits: this.hits, misses: this.misses }
  }

  private evict(): void {
    const target = this.capacityBytes * 0.9
    let budget = this.entries.size * 2
    for (const [page, entry] of this.entries) {
      if (this.bytes <= target || budget-- <= 0) break
      this.entries.delete(page)
      if (entry.referenced) {
        entry.referenced = false
        this.entries.set(page, entry)
      } else {
        this.bytes -= entry.cost
      }
    }
  }
}
