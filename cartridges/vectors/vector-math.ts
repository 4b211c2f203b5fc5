/** How vectors are compared: cosine similarity, inner (dot) product, or Euclidean (L2) distance. */
export type VectorMetric = 'cosine' | 'dot' | 'l2'

/** Every metric, for schemas. */
export const VECTOR_METRICS = ['cosine', 'dot', 'l2'] as const satisfies readonly VectorMetric[]

/** `Σ a[i]·b[offset+i]` over `dimensions` components (unrolled by four). */
export function dotAt(a: Float32Array, b: Float32Array, offset: number, dimensions: number): number {
  let sum0 = 0
  let sum1 = 0
  let sum2 = 0
  let sum3 = 0
  let index = 0
  const end = dimensions - 3
  for (; index < end; index += 4) {
    sum0 += a[index]! * b[offset + index]!
    sum1 += a[index + 1]! * b[offset + index + 1]!
    sum2 += a[index + 2]! * b[offset + index + 2]!
    sum3 += a[index + 3]! * b[offset + index + 3]!
  }
  for (; index < dimensions; index++) sum0 += a[index]! * b[offset + index]!
  return sum0 + sum1 + sum2 + sum3
}

/** `Σ (a[i] − b[offset+i])²` over `dimensions` components (unrolled by four). */
export function squaredL2At(a: Float32Array, b: Float32Array, offset: number, dimensions: number): number {
  let sum0 = 0
  let sum1 = 0
  let sum2 = 0
  let sum3 = 0
  let index = 0
  const end = dimensions - 3
  for (; index < end; index += 4) {
    const d0 = a[index]! - b[offset + index]!
    const d1 = a[index + 1]! - b[offset + index + 1]!
    const d2 = a[index + 2]! - b[offset + index + 2]!
    const d3 = a[index + 3]! - b[offset + index + 3]!
    sum0 += d0 * d0
    sum1 += d1 * d1
    sum2 += d2 * d2
    sum3 += d3 * d3
  }
  for (; index < dimensions; index++) {
    const difference = a[index]! - b[offset + index]!
    sum0 += difference * difference
  }
  return sum0 + sum1 + sum2 + sum3
}

/** The Euclidean norm of the first `dimensions` components (default all). */
export function norm(vector: ArrayLike<number>, dimensions = vector.length): number {
  let sum = 0
  for (let index = 0; index < dimensions; index++) sum += vector[index]! * vector[index]!
  return Math.sqrt(sum)
}

/**
 * The graph's internal distance (lower is closer): `1 − a·b` for cosine (vectors stored
 * unit-length), `−a·b` for dot, the squared Euclidean distance for L2.
 */
export function internalDistance(metric: VectorMetric, query: Float32Array, data: Float32Array, offset: number, dimensions: number): number {
  if (metric === 'l2') return squaredL2At(query, data, offset, dimensions)
  const dot = dotAt(query, data, offset, dimensions)
  return metric === 'cosine' ? 1 - dot : -dot
}

/** The score a caller sees (higher is closer): cosine similarity, dot product, or −(L2 distance). */
export function scoreOf(metric: VectorMetric, distance: number): number {
  if (metric === 'cosine') return 1 - distance
  if (metric === 'dot') return -distance
  return -Math.sqrt(Math.max(0, distance))
}

/** The distance a caller sees: cosine distance `1 − similarity`, negated dot product, or the L2 distance. */
export function publicDistance(metric: VectorMetric, distance: number): number {
  return metric === 'l2' ? Math.sqrt(Math.max(0, distance)) : distance
}
