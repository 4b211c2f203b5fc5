/** An exponentially weighted mean and variance of one series (latency, cost...). */
export interface EwmaState {
  readonly mean: number
  readonly variance: number
  /** Samples seen. */
  readonly count: number
}

/** An empty series. */
export const EMPTY_EWMA: EwmaState = Object.freeze({ mean: 0, variance: 0, count: 0 })

/**
 * Folds one sample into an EWMA state (West's incremental form): the first sample sets
 * the mean, later ones move it by `alpha`.
 */
export function updateEwma(state: EwmaState, sample: number, alpha: number): EwmaState {
  if (state.count === 0) return { mean: sample, variance: 0, count: 1 }
  const difference = sample - state.mean
  const increment = alpha * difference
  return { mean: state.mean + increment, variance: (1 - alpha) * (state.variance + difference * increment), count: state.count + 1 }
}
