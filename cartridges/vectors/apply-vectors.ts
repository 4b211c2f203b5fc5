import { LivingDbError } from '../../errors/index.js'
import { type CartridgeApplyArgs, type CartridgeJson, type CartridgeKeyspaceWriter, type Provenance, sourceKeyString } from '../spec/index.js'
import { putGraph, takeGraph } from './graph-cache.js'
import { encodeNeighbours, loadGraph, type VectorsForwardRecord } from './graph-store.js'
import { HnswGraph, type HnswParameters } from './hnsw-graph.js'
import { insertNode } from './hnsw-insert.js'
import { levelForKey } from './level-for-key.js'
import { bytesFromFloats, floatsFromBytes, parseVectorRecord, type VectorRecordFields } from './vector-record.js'
import { chainToken, readVectorsState, stateValue, type VectorsState } from './vectors-state.js'
import { vectorsKeys } from './vectors-keys.js'

/** What `apply` and the queries need to know about an index. */
export interface VectorsConfig {
  readonly keyspace: string
  readonly parameters: Omit<HnswParameters, 'dimensions'>
  /** Fixed vector length; when absent the first indexed vector sets it. */
  readonly dimensions?: number
  readonly fields: VectorRecordFields
  /** Identifies the index configuration in the graph cache. */
  readonly cacheId: string
}

/** A stored forward record with its provenance (the fact). */
export interface StoredForwardRecord extends VectorsForwardRecord {
  readonly provenance: Provenance
}

/** The cache key of the graph of an index state. */
export function graphCacheKey(config: VectorsConfig, state: VectorsState): string {
  return `${config.cacheId}|${state.token}`
}

/** Tombstones tolerated before a batch compacts the graph (and more than the live nodes). */
const COMPACT_MIN_TOMBSTONES = 64

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let index = 0; index < a.byteLength; index++) if (a[index] !== b[index]) return false
  return true
}

/**
 * Applies a batch to the vectors index. A put of a new key appends a node (level drawn
 * from the key) and links it into the graph; a put that changes the vector of a known
 * key turns the old node into a tombstone and adds a new one (metadata-only changes keep
 * the node); a delete makes a tombstone. When tombstones outnumber live nodes the graph
 * is rebuilt from the live nodes in node order. Only the neighbour lists that changed
 * are written, once per batch. Everything depends only on the stored index and the
 * commits, so any batching gives the same bytes.
 */
export function applyVectors(config: VectorsConfig, args: CartridgeApplyArgs): void {
  const space = args.transaction.keyspace(config.keyspace)
  const before = readVectorsState(space)
  let graph = takeGraph(graphCacheKey(config, before)) ?? loadGraph(space, config.parameters, before)
  let { token, rejected } = before
  let dimensions = before.dimensions ?? config.dimensions ?? null
  for (const commit of args.commits) {
    for (const operation of commit.ops) {
      const key = sourceKeyString(operation.key)
      if (key === undefined) continue
      const provenanceBase = { sourceKeyspace: operation.keyspace, sourceKey: key, txnId: commit.txnId, plugin: args.plugin }
      const parsed = operation.type === 'put' ? parseVectorRecord(operation.value, config.fields) : undefined
      token = chainToken({ previous: token, txnId: commit.txnId, type: operation.type, key, ...(parsed?.ok === true ? { vector: parsed.vector, metadata: parsed.metadata } : {}) })
      const forwardKey = vectorsKeys.forward(key)
      const previous = space.get(forwardKey) as unknown as StoredForwardRecord | undefined
      if (space.get(vectorsKeys.rejected(key)) !== undefined) {
        space.delete(vectorsKeys.rejected(key))
        rejected--
      }
      let reason = parsed === undefined || parsed.ok ? undefined : parsed.reason
      if (parsed?.ok === true && dimensions !== null && parsed.vector.length !== dimensions) reason = `the vector has ${parsed.vector.length} dimensions; this index holds ${dimensions}`
      if (parsed?.ok === true && config.parameters.metric === 'cosine' && parsed.vector.every((component) => component === 0)) reason = 'a zero vector has no direction (cosine metric)'
      if (parsed?.ok === true && reason === undefined) {
        const bytes = bytesFromFloats(parsed.vector)
        const provenance: Provenance = { ...provenanceBase, ledgerEntryId: parsed.ledgerEntryId }
        if (previous !== undefined && graph !== undefined && sameBytes(space.get(vectorsKeys.vector(previous.node)) as Uint8Array, bytes)) {
          graph.metadata[previous.node] = parsed.metadata
          space.put(forwardKey, forwardValue({ key, node: previous.node, metadata: parsed.metadata, provenance }))
          continue
        }
        if (previous !== undefined) graph?.markDeleted(previous.node)
        dimensions ??= parsed.vector.length
        if (graph !== undefined && graph.nodeCount - graph.liveCount >= COMPACT_MIN_TOMBSTONES && graph.nodeCount - graph.liveCount > graph.liveCount) graph = compact(space, graph, config)
        graph ??= new HnswGraph({ ...config.parameters, dimensions })
        const node = graph.addNode({ vector: parsed.vector, level: levelForKey(key, config.parameters.m), key, metadata: parsed.metadata })
        insertNode(graph, node)
        space.put(vectorsKeys.vector(node), bytes)
        space.put(forwardKey, forwardValue({ key, node, metadata: parsed.metadata, provenance }))
        continue
      }
      if (previous !== undefined) {
        graph?.markDeleted(previous.node)
        space.delete(forwardKey)
      }
      if (reason !== undefined) {
        space.put(vectorsKeys.rejected(key), { key, reason, provenance: { ...provenanceBase, ledgerEntryId: null } })
        rejected++
      }
      // Checked after every operation (never per batch), so the batching cannot change when it happens.
      if (graph !== undefined && graph.nodeCount - graph.liveCount >= COMPACT_MIN_TOMBSTONES && graph.nodeCount - graph.liveCount > graph.liveCount) graph = compact(space, graph, config)
    }
  }
  if (graph !== undefined) for (const list of graph.takeDirty()) space.put(vectorsKeys.neighbours(list >> 5, list & 31), encodeNeighbours(graph, list >> 5, list & 31))
  const after: VectorsState = {
    dimensions,
    nodes: graph?.nodeCount ?? 0,
    live: graph?.liveCount ?? 0,
    rejected,
    entry: graph?.entry ?? -1,
    maxLevel: graph?.maxLevel ?? -1,
    token,
  }
  space.put(vectorsKeys.state, stateValue(after))
  if (graph !== undefined) putGraph(graphCacheKey(config, after), graph)
}

function forwardValue(record: StoredForwardRecord): CartridgeJson {
  return record as unknown as CartridgeJson
}

/**
 * Rebuilds the graph from its live nodes, in node order, renumbered from 0: tombstones
 * and their lists are dropped, forward records point at the new nodes.
 */
function compact(space: CartridgeKeyspaceWriter, graph: HnswGraph, config: VectorsConfig): HnswGraph {
  const fresh = new HnswGraph({ ...config.parameters, dimensions: graph.dimensions }, Math.max(16, graph.liveCount))
  for (let node = 0; node < graph.nodeCount; node++) {
    const vectorKey = vectorsKeys.vector(node)
    const bytes = space.get(vectorKey) as Uint8Array | undefined
    if (bytes === undefined) throw new LivingDbError('CARTRIDGE_STALE', `The vectors index "${config.keyspace}" has no vector for node ${node}; rebuild it (livingdb cartridges rebuild).`)
    space.delete(vectorKey)
    for (let layer = 0; layer <= graph.levels[node]!; layer++) space.delete(vectorsKeys.neighbours(node, layer))
    const key = graph.keys[node]
    if (graph.deleted[node] === 1 || key === undefined) continue
    const forwardKey = vectorsKeys.forward(key)
    const record = space.get(forwardKey) as unknown as StoredForwardRecord
    const added = fresh.addNode({ vector: floatsFromBytes(bytes), level: levelForKey(key, config.parameters.m), key, metadata: graph.metadata[node] })
    insertNode(fresh, added)
    space.put(vectorsKeys.vector(added), bytes)
    space.put(forwardKey, forwardValue({ ...record, node: added }))
  }
  return fresh
}
