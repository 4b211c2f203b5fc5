/**
 * A binary heap of (distance, node) pairs in typed arrays, ordered as a min-heap or a
 * max-heap. Ties are broken by node number (lower node first in a min-heap), so every
 * search visits nodes in one deterministic order. A max-heap stores negated pairs
 * internally, so both kinds run the same comparison (no per-compare branch).
 */
export class DistanceHeap {
  private distances: Float64Array
  private nodes: Int32Array
  private readonly sign: 1 | -1
  size = 0

  constructor(private readonly max: boolean, capacity = 64) {
    this.sign = max ? -1 : 1
    this.distances = new Float64Array(capacity)
    this.nodes = new Int32Array(capacity)
  }

  clear(): void {
    this.size = 0
  }

  /** The top distance (smallest for a min-heap, largest for a max-heap). */
  topDistance(): number {
    return this.sign * this.distances[0]!
  }

  topNode(): number {
    return this.sign * this.nodes[0]!
  }

  push(pushedDistance: number, pushedNode: number): void {
    if (this.size === this.distances.length) this.grow()
    const distance = this.sign * pushedDistance
    const node = this.sign * pushedNode
    let index = this.size++
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (!this.before(distance, node, this.distances[parent]!, this.nodes[parent]!)) break
      this.distances[index] = this.distances[parent]!
      this.nodes[index] = this.nodes[parent]!
      index = parent
    }
    this.distances[index] = distance
    this.nodes[index] = node
  }

  /** Removes the top pair (read it first with `topDistance`/`topNode`). */
  pop(): void {
    const last = --this.size
    if (last <= 0) return
    const distance = this.distances[last]!
    const node = this.nodes[last]!
    let index = 0
    for (;;) {
      const left = index * 2 + 1
      if (left >= last) break
      const right = left + 1
      const child = right < last && this.before(this.distances[right]!, this.nodes[right]!, this.distances[left]!, this.nodes[left]!) ? right : left
      if (!this.before(this.distances[child]!, this.nodes[child]!, distance, node)) break
      this.distances[index] = this.distances[child]!
      this.nodes[index] = this.nodes[child]!
      index = child
    }
    this.distances[index] = distance
    this.nodes[index] = node
  }

  /** The pairs sorted closest first, as parallel arrays (the heap is left empty). */
  drainAscending(): { readonly nodes: Int32Array; readonly distances: Float64Array } {
    const count = this.size
    const nodes = new Int32Array(count)
    const distances = new Float64Array(count)
    for (let index = 0; index < count; index++) {
      const at = this.max ? count - 1 - index : index
      nodes[at] = this.topNode()
      distances[at] = this.topDistance()
      this.pop()
    }
    return { nodes, distances }
  }

  private before(distanceA: number, nodeA: number, distanceB: number, nodeB: number): boolean {
    return distanceA < distanceB || (distanceA === distanceB && nodeA < nodeB)
  }

  private grow(): void {
    const distances = new Float64Array(this.distances.length * 2)
    distances.set(this.distances)
    const nodes = new Int32Array(this.nodes.length * 2)
    nodes.set(this.nodes)
    this.distances = distances
    this.nodes = nodes
  }
}
