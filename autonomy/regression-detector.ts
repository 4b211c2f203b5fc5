import type { EwmaState } from './ewma.js'

/** A sample far above its baseline. Recorded in `sys` under `autonomy/alerts/`. */
export interface RegressionAlert {
  readonly id: string
  /** `latency` or `cost` of a query shape, or `spend` of a plugin/subject. */
  readonly metric: 'latency' | 'cost' | 'spend'
  /** The query shape id or the spend subject (`plugin:<name>`). */
  readonly subject: string
  readonly sample: number
  readonly baselineMean: number
  readonly baselineStdDev: number
  /** How many standard deviations above the mean (Infinity when the baseline never varied). */
  readonly deviations: number
  readonly at: number
  readonly message: string
}

/** When a sample counts as a regression. */
export interface RegressionThresholds {
  /** Samples in the baseline before any alert (default 20). */
  readonly warmup: number
  /** Standard deviations above the mean (default 4). */
  readonly deviations: number
  /** And at least this share above the mean (default 0.5 = +50%). */
  readonly minRelativeIncrease: number
  /** And at least this much above the mean in absolute units (default latency 5 ms, cost 1). */
  readonly minAbsoluteIncrease: number
}

/** Default thresholds per metric. */
export const DEFAULT_REGRESSION_THRESHOLDS: Readonly<Record<RegressionAlert['metric'], RegressionThresholds>> = Object.freeze({
  latency: { warmup: 20, deviations: 4, minRelativeIncrease: 0.5, minAbsoluteIncrease: 5 },
  cost: { warmup: 20, deviations: 4, minRelativeIncrease: 0.5, minAbsoluteIncrease: 1 },
  spend: { warmup: 20, deviations: 4, minRelativeIncrease: 0.5, minAbsoluteIncrease: 1 },
})

/**
 * Compares one sample with the baseline it is about to join (EWMA mean and variance):
 * an alert when the baseline is warm and the sample is both many standard deviations and
 * clearly (relatively and absolutely) above the mean. A steady workload's noise stays
 * under all three bars.
 */
export function detectRegression(args: { readonly metric: RegressionAlert['metric']; readonly subject: string; readonly baseline: EwmaState; readonly sample: number; readonly at: number; readonly thresholds?: RegressionThresholds }): RegressionAlert | undefined {
  const thresholds = args.thresholds ?? DEFAULT_REGRESSION_THRESHOLDS[args.metric]
  const { baseline, sample } = args
  if (baseline.count < thresholds.warmup) return undefined
  const standardDeviation = Math.sqrt(Math.max(0, baseline.variance))
  const increase = sample - baseline.mean
  if (increase < thresholds.minAbsoluteIncrease || increase < baseline.mean * thresholds.minRelativeIncrease) return undefined
  if (increase < thresholds.deviations * standardDeviation) return undefined
  const deviations = standardDeviation === 0 ? Infinity : increase / standardDeviation
  const shown = (value: number): string => (Math.round(value * 100) / 100).toString()
  return {
    id: `${args.at.toString(36)}-${args.metric}-${hash(args.subject)}`,
    metric: args.metric,
    subject: args.subject,
    sample,
    baselineMean: baseline.mean,
    baselineStdDev: standardDeviation,
    deviations,
    at: args.at,
    message: `${args.metric} of ${args.subject} was ${shown(sample)}, baseline ${shown(baseline.mean)} ± ${shown(standardDeviation)} (${deviations === Infinity ? 'baseline never varied' : `${shown(deviations)} standard deviations`}).`,
  }
}

function hash(text: string): string {
  let value = 0x811c9dc5
  for (let index = 0; index < text.length; index += 1) value = Math.imul(value ^ text.charCodeAt(index), 0x01000193) >>> 0
  return value.toString(36)
}
