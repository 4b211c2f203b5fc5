import { createVectorKernels, strideFor } from './vector-kernels.js'
import { type VectorMetric, norm } from './vector-math.js'

/** The shape of an HNSW graph: fixed when the index is created (part of the cartridge fingerprint). */
export interface HnswParameters {
  readonly dimensions: number
  readonly metric: VectorMetric
  /** Neighbours per node on layers above 0 (layer 0 keeps twice as many). */
  readonly m: number
  /** Candidate list size while inserting. */
  readonly efConstruction: number
}

/** The highest layer a node may get. */
export const MAX_LEVEL = 15

/**
 * The in-memory form of an HNSW graph (Malkov & Yashunin): vectors in one WebAssembly
 * memory compared by SIMD kernels (slot 0 holds the current query, node `n` slot
 * `n + 1`; unit-length for cosine, with the original norms kept), layer-0
 * neighbour lists in one flat `Int32Array` (`[count, id...]` per node, like hnswlib),
 * upper layers per node. Nodes are numbered in insertion order; a deleted node stays
 * as a routing tombstone (searched through, never returned). Every change marks
 * `(node, layer)` dirty so the cartridge writes exactly the lists that changed.
 */
export class HnswGraph {
  readonly dimensions: number
  readonly metric: VectorMetric
  readonly m: number
  readonly m0: number
  readonly efConstruction: number
  /** Floats per vector slot (dimensions rounded up to 16). */
  readonly stride: number
  /** The vector memory as floats (re-read after growth: it is replaced then). */
  vectors: Float32Array
  norms: Float32Array
  levels: Int8Array
  layer0: Int32Array
  deleted: Uint8Array
  upper: (Int32Array | undefined)[] = []
  /** Node number → source key (undefined for tombstones). */
  keys: (string | undefined)[] = []
  /** Node number → metadata used by filters. */
  metadata: unknown[] = []
  /** Slots used (the next node number). */
  nodeCount = 0
  liveCount = 0
  entry = -1
  maxLevel = -1
  /** `node * 32 + layer` of every neighbour list changed since the last `takeDirty()`. */
  private dirty = new Set<number>()
  /** Visit marks of the running search: `visitTags[node] === visitTag` means seen (see {@link startVisit}). */
  visitTags: Uint32Array
  visitTag = 0
  private readonly kernels: ReturnType<typeof createVectorKernels>
  private readonly dot: (aOffset: number, bOffset: number, floats: number) => number
  private readonly squaredL2: (aOffset: number, bOffset: number, floats: number) => number
  private readonly strideBytes: number
  private readonly metricCode: 0 | 1 | 2

  constructor(parameters: HnswParameters, capacity = 1024) {
    this.dimensions = parameters.dimensions
    this.metric = parameters.metric
    this.m = parameters.m
    this.m0 = parameters.m * 2
    this.efConstruction = parameters.efConstruction
    this.stride = strideFor(this.dimensions)
    this.strideBytes = this.stride * 4
    this.metricCode = this.metric === 'cosine' ? 0 : this.metric === 'dot' ? 1 : 2
    this.kernels = createVectorKernels((capacity + 1) * this.strideBytes)
    this.dot = this.kernels.dot
    this.squaredL2 = this.kernels.squaredL2
    this.vectors = new Float32Array(this.kernels.buffer())
    this.norms = new Float32Array(capacity)
    this.levels = new Int8Array(capacity)
    this.layer0 = new Int32Array(capacity * (this.m0 + 1))
    this.deleted = new Uint8Array(capacity)
    this.visitTags = new Uint32Array(capacity)
  }

  /** Bytes held by the typed arrays (for the cache's memory bound). */
  get approximateBytes(): number {
    return this.kernels.buffer().byteLength + this.layer0.byteLength + this.norms.byteLength + this.levels.byteLength * 2 + this.visitTags.byteLength + this.nodeCount * 64
  }

  /** Byte offset of the query slot. */
  static readonly QUERY = 0

  /** Byte offset of a node's vector (as the graph compares it: unit-length for cosine). */
  offsetOf(node: number): number {
    return (node + 1) * this.strideBytes
  }

  /** Distance (lower is closer) from the vector at byte `offset` (the query slot or a node) to a node. */
  distanceTo(offset: number, node: number): number {
    const code = this.metricCode
    if (code === 2) return this.squaredL2(offset, (node + 1) * this.strideBytes, this.stride)
    const dot = this.dot(offset, (node + 1) * this.strideBytes, this.stride)
    return code === 0 ? 1 - dot : -dot
  }

  /** Raw `dot(query slot, node)` as stored in the graph (unit vectors for cosine). */
  dotWithQuery(node: number): number {
    return this.dot(0, (node + 1) * this.strideBytes, this.stride)
  }

  /** Squared L2 between the query slot and a node's graph vector. */
  squaredL2WithQuery(node: number): number {
    return this.squaredL2(0, (node + 1) * this.strideBytes, this.stride)
  }

  /**
   * Puts a query in the query slot (unit-length for cosine, when `normalize` is not false).
   * False for a zero or non-finite vector under cosine.
   */
  setQuery(vector: ArrayLike<number>, normalize = true): boolean {
    let scale = 1
    if (this.metric === 'cosine' && normalize) {
      const length = norm(vector, this.dimensions)
      if (length === 0 || !Number.isFinite(length)) return false
      scale = 1 / length
    }
    const view = this.vectors
    for (let index = 0; index < this.dimensions; index++) view[index] = Math.fround(vector[index]! * scale)
    for (let index = this.dimensions; index < this.stride; index++) view[index] = 0
    return true
  }

  /** Appends a node with its raw vector and level, and empty neighbour lists; returns its number. */
  addNode(args: { readonly vector: ArrayLike<number>; readonly level: number; readonly key: string | undefined; readonly metadata: unknown; readonly deleted?: boolean }): number {
    const node = this.nodeCount
    this.ensureCapacity(node + 1)
    const length = norm(args.vector, this.dimensions)
    const offset = (node + 1) * this.stride
    const scale = this.metric === 'cosine' && length > 0 ? 1 / length : 1
    for (let index = 0; index < this.dimensions; index++) this.vectors[offset + index] = args.vector[index]! * scale
    this.norms[node] = length
    this.levels[node] = args.level
    this.layer0[node * (this.m0 + 1)] = 0
    this.upper[node] = args.level > 0 ? new Int32Array(args.level * (this.m + 1)) : undefined
    this.keys[node] = args.key
    this.metadata[node] = args.metadata
    this.deleted[node] = args.deleted === true ? 1 : 0
    this.nodeCount = node + 1
    if (args.deleted !== true) this.liveCount++
    return node
  }

  /** Marks a node as a tombstone: it keeps routing searches but is never returned. */
  markDeleted(node: number): void {
    if (this.deleted[node] === 1) return
    this.deleted[node] = 1
    this.keys[node] = undefined
    this.metadata[node] = undefined
    this.liveCount--
  }

  /** The array holding a node's list on `layer`; the list starts at {@link listBase} (`[count, ids...]`). */
  listArray(node: number, layer: number): Int32Array {
    return layer === 0 ? this.layer0 : this.upper[node]!
  }

  listBase(node: number, layer: number): number {
    return layer === 0 ? node * (this.m0 + 1) : (layer - 1) * (this.m + 1)
  }

  /** A copy of a node's neighbours on a layer. */
  neighbours(node: number, layer: number): Int32Array {
    const array = this.listArray(node, layer)
    const base = this.listBase(node, layer)
    return array.slice(base + 1, base + 1 + array[base]!)
  }

  /** Replaces a node's list on a layer (and marks it dirty). */
  setNeighbours(node: number, layer: number, ids: ArrayLike<number>, count = ids.length): void {
    const array = this.listArray(node, layer)
    const base = this.listBase(node, layer)
    array[base] = count
    for (let index = 0; index < count; index++) array[base + 1 + index] = ids[index]!
    this.dirty.add(node * 32 + layer)
  }

  /** The most neighbours a list on `layer` holds. */
  capacityOf(layer: number): number {
    return layer === 0 ? this.m0 : this.m
  }

  /** The `(node, layer)` lists changed since the last call, in node then layer order. */
  takeDirty(): number[] {
    const changed = [...this.dirty].sort((a, b) => a - b)
    this.dirty = new Set()
    return changed
  }

  /** A fresh visit tag; `visit(node)` is true the first time a node is seen under it. */
  startVisit(): void {
    if (this.visitTags.length < this.nodeCount) this.visitTags = new Uint32Array(Math.max(this.nodeCount, this.visitTags.length * 2))
    this.visitTag++
    if (this.visitTag === 0xffffffff) {
      this.visitTags.fill(0)
      this.visitTag = 1
    }
  }

  visit(node: number): boolean {
    if (this.visitTags[node] === this.visitTag) return false
    this.visitTags[node] = this.visitTag
    return true
  }

  private ensureCapacity(count: number): void {
    const capacity = this.norms.length
    if (count <= capacity) return
    const next = Math.max(count, capacity * 2)
    const grow = <T extends Float32Array | Int32Array | Int8Array | Uint8Array>(array: T, size: number, make: (length: number) => T): T => {
      const bigger = make(size)
      bigger.set(array)
      return bigger
    }
    this.kernels.ensureBytes((next + 1) * this.strideBytes)
    this.vectors = new Float32Array(this.kernels.buffer())
    this.norms = grow(this.norms, next, (length) => new Float32Array(length))
    this.levels = grow(this.levels, next, (length) => new Int8Array(length))
    this.layer0 = grow(this.layer0, next * (this.m0 + 1), (length) => new Int32Array(length))
    this.deleted = grow(this.deleted, next, (length) => new Uint8Array(length))
  }
}
