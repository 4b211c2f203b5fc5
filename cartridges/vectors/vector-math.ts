/** How vectors are compared: cosine similarity, inner (dot) product, or Euclidean (L2) distance. */
export type VectorMetric = 'cosine' | 'dot' | 'l2'

/** Every metric, for schemas. */
export const VECTOR_METRICS = ['cosine', 'dot', 'l2'] as const satisfies readonly VectorMetric[]

/** The Euclidean norm of the first `dimensions` components (default all). */
export function norm(vector: ArrayLike<number>, dimensions = vector.length): number {
  let sum = 0
  for (let index = 0; index < dimensions; index++) sum += vector[index]! * vector[index]!
  return Math.sqrt(sum)
}

/**
 * The score a caller sees (higher is closer) from the graph's internal distance
 * (`1 − a·b` for cosine on unit vectors, `−a·b` for dot, squared Euclidean for L2):
 * cosine similarity, dot product, or −(L2 distance).
 */
export function scoreOf(metric: VectorMetric, distance: number): number {
  if (metric === 'cosine') return 1 - distance
  if (metric === 'dot') return -distance
  return -Math.sqrt(Math.max(0, distance))
}

/** The distance a caller sees: cosine distance `1 − similarity`, negated dot product, or the L2 distance. */
export function publicDistance(metric: VectorMetric, distance: number): number {
  return metric === 'l2' ? Math.sqrt(Math.max(0, distance)) : distance
}
