import type { Node } from '../btree/node.js'

/** Estimated heap bytes of a node: its page buffer plus the view objects of its entries (a full node when `node` is omitted). */
export function nodeCost(pageSize: number, node?: Node): number {
  const entries = node ? node.keys.length * (node.leaf ? 2 : 1) : pageSize / 48
  return pageSize + 160 + entries * 100
}

/**
 * A byte-bounded cache of decoded nodes keyed by page number, evicted with the
 * CLOCK (second chance) policy: a hit only sets a flag, so lookups on the
 * `get` path do not reorder anything. Slots are arrays indexed by page number
 * (pages are dense small integers), so a lookup is two array reads instead of
 * a hash-map probe plus an entry object: on a random point read that is a
 * few cache misses fewer at every tree level.
 */
export class NodeCache {
  private nodes: (Node | undefined)[] = []
  private costs = new Float64Array(0)
  private referenced = new Uint8Array(0)
  private bytes = 0
  private count = 0
  /** Where the CLOCK hand resumes. */
  private hand = 0
  hits = 0
  misses = 0

  constructor(private readonly capacityBytes: number, private readonly pageSize: number) {}

  get(page: number): Node | undefined {
    const node = this.nodes[page]
    if (node === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    this.referenced[page] = 1
    return node
  }

  set(page: number, node: Node): void {
    this.delete(page)
    if (page >= this.nodes.length) this.grow(page + 1)
    const cost = nodeCost(this.pageSize, node)
    this.nodes[page] = node
    this.costs[page] = cost
    this.referenced[page] = 0
    this.bytes += cost
    this.count++
    if (this.bytes > this.capacityBytes) this.evict()
  }

  delete(page: number): void {
    if (this.nodes[page] === undefined) return
    this.nodes[page] = undefined
    this.bytes -= this.costs[page]!
    this.count--
  }

  clear(): void {
    this.nodes = []
    this.costs = new Float64Array(0)
    this.referenced = new Uint8Array(0)
    this.bytes = 0
    this.count = 0
    this.hand = 0
  }

  stats(): { entries: number; bytes: number; capacityBytes: number; hits: number; misses: number } {
    return { entries: this.count, bytes: this.bytes, capacityBytes: this.capacityBytes, hits: this.hits, misses: this.misses }
  }

  /** Makes room for page numbers below `needed` (doubling, so growth is amortised; undefined-filled so the array stays packed). */
  private grow(needed: number): void {
    const length = Math.max(needed, this.nodes.length * 2, 1024)
    while (this.nodes.length < length) this.nodes.push(undefined)
    const costs = new Float64Array(length)
    costs.set(this.costs)
    this.costs = costs
    const referenced = new Uint8Array(length)
    referenced.set(this.referenced)
    this.referenced = referenced
  }

  private evict(): void {
    const target = this.capacityBytes * 0.9
    const slots = this.nodes.length
    // Two sweeps at most: the first clears reference flags, the second evicts.
    for (let step = 0; step < slots * 2 && this.bytes > target; step++) {
      const page = this.hand
      this.hand = page + 1 === slots ? 0 : page + 1
      if (this.nodes[page] === undefined) continue
      if (this.referenced[page] === 1) this.referenced[page] = 0
      else this.delete(page)
    }
  }
}
