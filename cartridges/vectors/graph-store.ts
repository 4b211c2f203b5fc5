import type { CartridgeKeyspaceReader } from '../spec/index.js'
import { HnswGraph, type HnswParameters } from './hnsw-graph.js'
import { floatsFromBytes } from './vector-record.js'
import type { VectorsState } from './vectors-state.js'
import { layerOfKey, nodeOfKey, vectorsKeys } from './vectors-keys.js'

/** What a forward record (`k/<source key>`) holds besides provenance. */
export interface VectorsForwardRecord {
  readonly key: string
  readonly node: number
  readonly metadata: { readonly [field: string]: unknown }
}

/** A neighbour list as stored: Uint32 little-endian node numbers. */
export function encodeNeighbours(graph: HnswGraph, node: number, layer: number): Uint8Array {
  const array = graph.listArray(node, layer)
  const base = graph.listBase(node, layer)
  const count = array[base]!
  const bytes = new Uint8Array(count * 4)
  const view = new DataView(bytes.buffer)
  for (let index = 0; index < count; index++) view.setUint32(index * 4, array[base + 1 + index]!, true)
  return bytes
}

function decodeNeighbours(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const ids: number[] = []
  for (let offset = 0; offset + 4 <= bytes.byteLength; offset += 4) ids.push(view.getUint32(offset, true))
  return ids
}

/**
 * Rebuilds the in-memory graph from the keyspace: vectors (`x/`), neighbour lists per
 * layer (`l/`; a node's level is its highest list), the live records and their
 * metadata (`k/`; nodes no record points at are tombstones), entry point and top layer
 * from `state`. The result behaves exactly like the graph that wrote those bytes.
 */
export function loadGraph(keyspace: CartridgeKeyspaceReader, parameters: Omit<HnswParameters, 'dimensions'>, state: VectorsState): HnswGraph | undefined {
  if (state.dimensions === null) return undefined
  const graph = new HnswGraph({ ...parameters, dimensions: state.dimensions }, Math.max(16, state.nodes))
  const lists: number[][][] = []
  for (const entry of keyspace.scan({ prefix: vectorsKeys.neighboursPrefix })) {
    const key = entry.key as string
    const node = nodeOfKey(key)
    ;(lists[node] ??= [])[layerOfKey(key)] = decodeNeighbours(entry.value as Uint8Array)
  }
  for (const entry of keyspace.scan({ prefix: vectorsKeys.vectorPrefix })) {
    const node = nodeOfKey(entry.key as string)
    const level = (lists[node]?.length ?? 1) - 1
    const added = graph.addNode({ vector: floatsFromBytes(entry.value as Uint8Array), level, key: undefined, metadata: undefined, deleted: true })
    if (added !== node) throw new Error(`vector node ${node} is out of sequence (expected ${added})`)
  }
  for (let node = 0; node < graph.nodeCount; node++) {
    const layers = lists[node] ?? []
    for (let layer = 0; layer < layers.length; layer++) graph.setNeighbours(node, layer, layers[layer] ?? [])
  }
  graph.takeDirty()
  for (const entry of keyspace.scan({ prefix: vectorsKeys.forwardPrefix })) {
    const record = entry.value as unknown as VectorsForwardRecord
    graph.deleted[record.node] = 0
    graph.keys[record.node] = record.key
    graph.metadata[record.node] = record.metadata
    graph.liveCount++
  }
  graph.entry = state.entry
  graph.maxLevel = state.maxLevel
  return graph
}
