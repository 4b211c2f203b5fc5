import type { HnswGraph } from './hnsw-graph.js'

/**
 * Process-wide cache of in-memory graphs, keyed by `<index config>|<history token>`.
 * The token (in the `state` record) is a hash chained over every operation the index
 * has applied, so a cached graph is used only for a snapshot whose stored bytes it
 * equals: a rolled-back batch, a rebuild or a read as of an older commit never sees a
 * graph of another version. Least recently used graphs are dropped beyond the budget.
 */
const graphs = new Map<string, HnswGraph>()

/** Bytes of graphs kept (at least one graph is always kept). */
let budgetBytes = 1024 * 1024 * 1024

/** Sets the cache budget in bytes (tests and benchmarks). */
export function setGraphCacheBudget(bytes: number): void {
  budgetBytes = bytes
  evict()
}

/** The cached graph for `key` (marked recently used), if any. */
export function peekGraph(key: string): HnswGraph | undefined {
  const graph = graphs.get(key)
  if (graph !== undefined) {
    graphs.delete(key)
    graphs.set(key, graph)
  }
  return graph
}

/** Removes and returns the graph for `key`: an apply mutates it, so no reader may see it until it is stored again under the new token. */
export function takeGraph(key: string): HnswGraph | undefined {
  const graph = graphs.get(key)
  graphs.delete(key)
  return graph
}

/** Caches a graph under `key`. */
export function putGraph(key: string, graph: HnswGraph): void {
  graphs.delete(key)
  graphs.set(key, graph)
  evict()
}

/** Empties the cache (tests). */
export function clearGraphCache(): void {
  graphs.clear()
}

function evict(): void {
  let total = 0
  for (const graph of graphs.values()) total += graph.approximateBytes
  for (const [key, graph] of graphs) {
    if (total <= budgetBytes || graphs.size <= 1) break
    graphs.delete(key)
    total -= graph.approximateBytes
  }
}
