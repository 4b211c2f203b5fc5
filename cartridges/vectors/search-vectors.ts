import { LivingDbError } from '../../errors/index.js'
import type { CartridgeKeyspaceReader } from '../spec/index.js'
import { graphCacheKey, type VectorsConfig } from './apply-vectors.js'
import { DistanceHeap } from './distance-heap.js'
import { peekGraph, putGraph } from './graph-cache.js'
import { loadGraph } from './graph-store.js'
import type { HnswGraph } from './hnsw-graph.js'
import { knnSearch, type NodeFilter } from './hnsw-search.js'
import { compileVectorFilter, type VectorFilter } from './vector-filter.js'
import { type VectorMetric, norm, publicDistance, scoreOf } from './vector-math.js'
import { readVectorsState } from './vectors-state.js'

/** One hit: the record key, its score (higher is closer), distance (lower is closer) and metadata. */
export interface VectorHit {
  readonly key: string
  readonly score: number
  readonly distance: number
  readonly metadata: { readonly [field: string]: unknown }
}

/** How a search was answered. */
export type VectorSearchStrategy = 'hnsw' | 'hnsw-filtered' | 'exact' | 'exact-filtered'

/** A search's answer. */
export interface VectorSearchResult {
  readonly hits: VectorHit[]
  readonly strategy: VectorSearchStrategy
  /** The txn id of the snapshot that answered. */
  readonly txnId: number
}

/** Arguments of {@link searchVectors}. */
export interface SearchVectorsArgs {
  readonly config: VectorsConfig
  readonly keyspace: CartridgeKeyspaceReader
  readonly txnId: number
  readonly vector: ArrayLike<number>
  readonly k: number
  /** Default: the index's metric. Another metric is answered exactly. */
  readonly metric?: VectorMetric
  readonly filter?: VectorFilter
  /** Layer-0 candidate list size (default max(k, 64 ... the cartridge's `efSearch`)). */
  readonly ef: number
  /** Skip the graph and compare with every vector. */
  readonly exact?: boolean
}

/** Below this many live vectors a filtered search is answered exactly. */
const SMALL_INDEX = 2_000
/** Sampled records used to estimate how selective a filter is. */
const FILTER_SAMPLE = 1_024
/** Filters matching fewer than this share of records are answered exactly. */
const SELECTIVE_SHARE = 0.02

/** The in-memory graph of the snapshot's index version (from the cache, or loaded from the keyspace). */
export function graphOfSnapshot(config: VectorsConfig, keyspace: CartridgeKeyspaceReader): HnswGraph | undefined {
  const state = readVectorsState(keyspace)
  if (state.dimensions === null || state.nodes === 0) return undefined
  const key = graphCacheKey(config, state)
  const cached = peekGraph(key)
  if (cached !== undefined) return cached
  const loaded = loadGraph(keyspace, config.parameters, state)
  if (loaded !== undefined) putGraph(key, loaded)
  return loaded
}

/**
 * k nearest records to a vector. Without a filter: HNSW search of width `ef` (exact
 * when asked, or for another metric than the index's). With a filter: the share of
 * matching records is estimated from a fixed sample; a very selective filter (or a
 * small index) is answered exactly over the matching records only, otherwise the graph
 * search skips non-matching records while walking through them, with `ef` widened by
 * the inverse share. A graph search that finds fewer than `k` hits while more records
 * match falls back to the exact answer.
 */
export function searchVectors(args: SearchVectorsArgs): VectorSearchResult {
  const graph = graphOfSnapshot(args.config, args.keyspace)
  if (graph === undefined || graph.liveCount === 0 || args.k === 0) return { hits: [], strategy: args.filter === undefined ? 'hnsw' : 'hnsw-filtered', txnId: args.txnId }
  if (args.vector.length !== graph.dimensions) {
    throw new LivingDbError('CARTRIDGE_QUERY_INVALID', `The query vector has ${args.vector.length} dimensions; the vectors index holds ${graph.dimensions}. Embed the query with the model that embedded the records.`, {
      details: { expected: graph.dimensions, got: args.vector.length },
    })
  }
  const metric = args.metric ?? graph.metric
  const predicate = args.filter === undefined ? undefined : compileVectorFilter(args.filter)
  const accept: NodeFilter | undefined = predicate === undefined ? undefined : (node) => predicate(graph.keys[node]!, graph.metadata[node])
  const exactly = (): VectorSearchResult => ({ hits: exactSearch(graph, args.vector, args.k, metric, accept), strategy: accept === undefined ? 'exact' : 'exact-filtered', txnId: args.txnId })
  if (args.exact === true || metric !== graph.metric) return exactly()
  let ef = Math.max(args.ef, args.k)
  let expected = graph.liveCount
  if (accept !== undefined) {
    if (graph.liveCount <= SMALL_INDEX) return exactly()
    const share = sampleShare(graph, accept)
    if (share < SELECTIVE_SHARE) return exactly()
    ef = Math.min(Math.ceil(ef / share), Math.max(ef, 4_096))
    expected = Math.round(share * graph.liveCount)
  }
  if (!graph.setQuery(args.vector)) return { hits: [], strategy: accept === undefined ? 'hnsw' : 'hnsw-filtered', txnId: args.txnId }
  const found = knnSearch({ graph, k: args.k, ef, ...(accept === undefined ? {} : { accept }) })
  if (found.nodes.length < Math.min(args.k, expected)) return exactly()
  const hits: VectorHit[] = []
  for (let index = 0; index < found.nodes.length; index++) hits.push(hitOf(graph, found.nodes[index]!, found.distances[index]!, metric))
  return { hits, strategy: accept === undefined ? 'hnsw' : 'hnsw-filtered', txnId: args.txnId }
}

function hitOf(graph: HnswGraph, node: number, distance: number, metric: VectorMetric): VectorHit {
  return { key: graph.keys[node]!, score: scoreOf(metric, distance), distance: publicDistance(metric, distance), metadata: (graph.metadata[node] ?? {}) as VectorHit['metadata'] }
}

/** The share of live records a filter accepts, from an evenly spaced sample of nodes. */
function sampleShare(graph: HnswGraph, accept: NodeFilter): number {
  const step = Math.max(1, Math.floor(graph.nodeCount / FILTER_SAMPLE))
  let seen = 0
  let matched = 0
  for (let node = 0; node < graph.nodeCount; node += step) {
    if (graph.deleted[node] === 1) continue
    seen++
    if (accept(node)) matched++
  }
  return seen === 0 ? 0 : matched / seen
}

const exactHeap = new DistanceHeap(true, 64)

/**
 * Brute force: the `k` closest live (and accepted) records under `metric`, comparing
 * the query with every vector through the SIMD kernels. Any metric works on any index
 * (the graph keeps each vector's original norm).
 */
export function exactSearch(graph: HnswGraph, vector: ArrayLike<number>, k: number, metric: VectorMetric, accept?: NodeFilter): VectorHit[] {
  const queryNorm = norm(vector, graph.dimensions)
  if (metric === 'cosine' && queryNorm === 0) return []
  const sameMetric = metric === graph.metric
  graph.setQuery(vector, sameMetric)
  const unit = graph.metric === 'cosine'
  exactHeap.clear()
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.deleted[node] === 1) continue
    if (accept !== undefined && !accept(node)) continue
    let distance: number
    if (sameMetric) distance = graph.distanceTo(0, node)
    else {
      const vectorNorm = graph.norms[node]!
      const dot = unit ? graph.dotWithQuery(node) * vectorNorm : graph.dotWithQuery(node)
      if (metric === 'dot') distance = -dot
      else if (metric === 'cosine') distance = vectorNorm === 0 ? 1 : 1 - dot / (queryNorm * vectorNorm)
      else distance = unit ? Math.max(0, queryNorm * queryNorm + vectorNorm * vectorNorm - 2 * dot) : graph.squaredL2WithQuery(node)
    }
    if (exactHeap.size < k) exactHeap.push(distance, node)
    else if (distance < exactHeap.topDistance() || (distance === exactHeap.topDistance() && node < exactHeap.topNode())) {
      exactHeap.pop()
      exactHeap.push(distance, node)
    }
  }
  const { nodes, distances } = exactHeap.drainAscending()
  return Array.from(nodes, (node, index) => hitOf(graph, node, distances[index]!, metric))
}
