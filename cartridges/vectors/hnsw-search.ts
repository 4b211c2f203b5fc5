import { DistanceHeap } from './distance-heap.js'
import type { HnswGraph } from './hnsw-graph.js'

/** Which nodes may be returned (tombstones never are). */
export type NodeFilter = (node: number) => boolean

/** Search results, closest first. */
export interface NodeHits {
  readonly nodes: Int32Array
  readonly distances: Float64Array
}

// Heaps reused across searches (searches are synchronous: one runs at a time).
const candidates = new DistanceHeap(false, 256)
const results = new DistanceHeap(true, 256)

/** Greedy descent on one layer from `start`: the closest node reachable by always moving closer. */
export function greedyClosest(graph: HnswGraph, query: number, start: number, startDistance: number, layer: number): { node: number; distance: number } {
  let node = start
  let distance = startDistance
  for (let changed = true; changed; ) {
    changed = false
    const array = graph.listArray(node, layer)
    const base = graph.listBase(node, layer)
    const count = array[base]!
    for (let index = 1; index <= count; index++) {
      const candidate = array[base + index]!
      const candidateDistance = graph.distanceTo(query, candidate)
      if (candidateDistance < distance || (candidateDistance === distance && candidate < node)) {
        distance = candidateDistance
        node = candidate
        changed = true
      }
    }
  }
  return { node, distance }
}

/**
 * The best-first search of one layer (HNSW's SEARCH-LAYER, with hnswlib's handling of
 * filters): explores from `start` keeping the `ef` closest nodes that `accept` allows,
 * while rejected nodes and tombstones are still walked through. Returns up to `ef`
 * nodes, closest first.
 */
export function searchLayer(args: {
  readonly graph: HnswGraph
  /** Byte offset of the query vector (the query slot, or a node being inserted). */
  readonly query: number
  readonly start: number
  readonly startDistance: number
  readonly ef: number
  readonly layer: number
  /** Undefined: every node is returned (used while inserting, tombstones included). */
  readonly accept?: NodeFilter
}): NodeHits {
  const { graph, query, ef, layer, accept } = args
  graph.startVisit()
  candidates.clear()
  results.clear()
  // The hot loop reads the graph's arrays directly (no per-neighbour method calls).
  const tags = graph.visitTags
  const tag = graph.visitTag
  const stride0 = graph.m0 + 1
  const strideUpper = graph.m + 1
  tags[args.start] = tag
  candidates.push(args.startDistance, args.start)
  let bound = Number.POSITIVE_INFINITY
  if (accept === undefined || accept(args.start)) {
    results.push(args.startDistance, args.start)
    bound = args.startDistance
  }
  while (candidates.size > 0) {
    const current = candidates.topNode()
    if (candidates.topDistance() > bound && results.size >= ef) break
    candidates.pop()
    const array = layer === 0 ? graph.layer0 : graph.upper[current]!
    const base = layer === 0 ? current * stride0 : (layer - 1) * strideUpper
    const end = base + array[base]!
    for (let index = base + 1; index <= end; index++) {
      const neighbour = array[index]!
      if (tags[neighbour] === tag) continue
      tags[neighbour] = tag
      const distance = graph.distanceTo(query, neighbour)
      if (results.size < ef || distance < bound) {
        candidates.push(distance, neighbour)
        if (accept === undefined || accept(neighbour)) {
          results.push(distance, neighbour)
          if (results.size > ef) results.pop()
          bound = results.topDistance()
        }
      }
    }
  }
  return results.drainAscending()
}

/** Arguments of {@link knnSearch}. */
export interface KnnSearchArgs {
  readonly graph: HnswGraph
  readonly k: number
  /** Candidate list size on layer 0 (at least `k`). */
  readonly ef: number
  readonly accept?: NodeFilter
}

/**
 * Approximate k nearest live nodes to the vector in the query slot (`graph.setQuery`):
 * greedy descent through the upper layers, then a layer-0 search of width `ef`.
 */
export function knnSearch(args: KnnSearchArgs): NodeHits {
  const { graph } = args
  const query = 0
  if (graph.entry < 0) return { nodes: new Int32Array(0), distances: new Float64Array(0) }
  let node = graph.entry
  let distance = graph.distanceTo(query, node)
  for (let layer = graph.maxLevel; layer > 0; layer--) ({ node, distance } = greedyClosest(graph, query, node, distance, layer))
  const accept = args.accept
  const deleted = graph.deleted
  const live: NodeFilter | undefined =
    accept === undefined ? (graph.liveCount === graph.nodeCount ? undefined : (candidate) => deleted[candidate] === 0) : (candidate) => deleted[candidate] === 0 && accept(candidate)
  const found = searchLayer({ graph, query, start: node, startDistance: distance, ef: Math.max(args.ef, args.k), layer: 0, ...(live === undefined ? {} : { accept: live }) })
  const count = Math.min(args.k, found.nodes.length)
  return { nodes: found.nodes.subarray(0, count), distances: found.distances.subarray(0, count) }
}
