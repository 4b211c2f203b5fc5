import { keyComponent, padNumber } from '../spec/index.js'

/**
 * The key layout of a vectors keyspace (all node numbers are 10-digit decimals, so
 * keys sort numerically):
 * - `state` → {@link VectorsState}: counts, entry point, top layer, dimensions, history token
 * - `x/<node>` → the node's vector as stored: Float32 little-endian bytes
 * - `l/<node>/<layer>` → the node's neighbour list on that layer: Uint32 little-endian node numbers
 * - `k/<source key>` → the record's forward entry (a fact, with provenance): its node and metadata
 * - `r/<source key>` → why a record was not indexed (a fact too: wrong dimensions, bad vector...)
 */
export const vectorsKeys = {
  state: 'state',
  vector: (node: number): string => `x/${padNumber(node, 10)}`,
  vectorPrefix: 'x/',
  neighbours: (node: number, layer: number): string => `l/${padNumber(node, 10)}/${padNumber(layer, 2)}`,
  neighboursPrefix: 'l/',
  forward: (sourceKey: string): string => `k/${keyComponent(sourceKey)}`,
  forwardPrefix: 'k/',
  rejected: (sourceKey: string): string => `r/${keyComponent(sourceKey)}`,
  rejectedPrefix: 'r/',
} as const

/** The node number of an `x/<node>` or `l/<node>/<layer>` key. */
export function nodeOfKey(key: string): number {
  return Number(key.slice(2, 12))
}

/** The layer of an `l/<node>/<layer>` key. */
export function layerOfKey(key: string): number {
  return Number(key.slice(13))
}
