import type { HnswGraph } from './hnsw-graph.js'
import { greedyClosest, searchLayer } from './hnsw-search.js'

/**
 * HNSW's neighbour-selection heuristic (hnswlib's getNeighborsByHeuristic2): walking the
 * candidates closest first, keep one only when it is closer to the base node than to
 * every neighbour kept so far, up to `limit`. Fewer than `limit` candidates are all kept.
 * `nodes`/`distances` must be sorted closest first (ties by node number).
 */
export function selectNeighbours(graph: HnswGraph, nodes: ArrayLike<number>, distances: ArrayLike<number>, limit: number): number[] {
  const count = nodes.length
  if (count <= limit) return Array.from(nodes)
  const selected: number[] = []
  for (let index = 0; index < count && selected.length < limit; index++) {
    const candidate = nodes[index]!
    const candidateVector = graph.offsetOf(candidate)
    let keep = true
    for (const chosen of selected) {
      if (graph.distanceTo(candidateVector, chosen) < distances[index]!) {
        keep = false
        break
      }
    }
    if (keep) selected.push(candidate)
  }
  return selected
}

/** Adds `node` to `target`'s list on `layer`, shrinking an over-full list with the heuristic. */
function connect(graph: HnswGraph, target: number, node: number, layer: number): void {
  const array = graph.listArray(target, layer)
  const base = graph.listBase(target, layer)
  const count = array[base]!
  const capacity = graph.capacityOf(layer)
  if (count < capacity) {
    array[base + 1 + count] = node
    graph.setNeighbours(target, layer, array.subarray(base + 1, base + 2 + count))
    return
  }
  const targetVector = graph.offsetOf(target)
  const pairs: [number, number][] = [[graph.distanceTo(targetVector, node), node]]
  for (let index = 1; index <= count; index++) {
    const neighbour = array[base + index]!
    pairs.push([graph.distanceTo(targetVector, neighbour), neighbour])
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const kept = selectNeighbours(graph, pairs.map((pair) => pair[1]), pairs.map((pair) => pair[0]), capacity)
  graph.setNeighbours(target, layer, kept)
}

/**
 * Links a node that `addNode` just appended into the graph (HNSW INSERT): greedy descent
 * to its level, then on each layer from there down a search of width `efConstruction`,
 * heuristic selection of `m` neighbours and links both ways. The result depends only on
 * the graph and the node, so inserting the same nodes in the same order always gives
 * the same lists.
 */
export function insertNode(graph: HnswGraph, node: number): void {
  const level = graph.levels[node]!
  const query = graph.offsetOf(node)
  if (graph.entry < 0) {
    for (let layer = 0; layer <= level; layer++) graph.setNeighbours(node, layer, [])
    graph.entry = node
    graph.maxLevel = level
    return
  }
  let current = graph.entry
  let distance = graph.distanceTo(query, current)
  for (let layer = graph.maxLevel; layer > level; layer--) ({ node: current, distance } = greedyClosest(graph, query, current, distance, layer))
  for (let layer = level; layer > graph.maxLevel; layer--) graph.setNeighbours(node, layer, [])
  for (let layer = Math.min(level, graph.maxLevel); layer >= 0; layer--) {
    const found = searchLayer({ graph, query, start: current, startDistance: distance, ef: graph.efConstruction, layer })
    const selected = selectNeighbours(graph, found.nodes, found.distances, graph.m)
    graph.setNeighbours(node, layer, selected)
    for (const neighbour of selected) connect(graph, neighbour, node, layer)
    current = found.nodes[0]!
    distance = found.distances[0]!
  }
  if (level > graph.maxLevel) {
    graph.entry = node
    graph.maxLevel = level
  }
}
