/** A budget period: spend is counted per calendar window (UTC) of this length. */
export type BudgetPeriod = 'minute' | 'hour' | 'day' | 'month'

/** Every period, shortest first. */
export const BUDGET_PERIODS: readonly BudgetPeriod[] = Object.freeze(['minute', 'hour', 'day', 'month'])

/** What a budget counter counts. */
export type BudgetMetric = 'tokens' | 'costUsd'

const SEPARATOR = '\u001f'
/** Prefix of every budget counter key in a `CounterStore`. */
export const BUDGET_KEY_PREFIX = `budget${SEPARATOR}`

const WINDOW_LENGTH: Readonly<Record<BudgetPeriod, number>> = { minute: 16, hour: 13, day: 10, month: 7 }

/** The UTC window `period` containing `isoTime`, as a sortable label: `2026-11-24T12:54`, `2026-11-24T12`, `2026-11-24`, `2026-11`. */
export function windowStartOf(period: BudgetPeriod, isoTime: string): string {
  return isoTime.slice(0, WINDOW_LENGTH[period])
}

/** The counter key for one scope, period window and metric. */
export function budgetCounterKey(scope: string, period: BudgetPeriod, windowStart: string, metric: BudgetMetric): string {
  return BUDGET_KEY_PREFIX + scope + SEPARATOR + period + SEPARATOR + windowStart + SEPARATOR + metric
}

/** The parts of a budget counter key, or `undefined` for another key. */
export function parseBudgetCounterKey(key: string): { scope: string; period: BudgetPeriod; windowStart: string; metric: BudgetMetric } | undefined {
  if (!key.startsWith(BUDGET_KEY_PREFIX)) return undefined
  const parts = key.slice(BUDGET_KEY_PREFIX.length).split(SEPARATOR)
  if (parts.length !== 4) return undefined
  const [scope, period, windowStart, metric] = parts as [string, BudgetPeriod, string, BudgetMetric]
  if (!BUDGET_PERIODS.includes(period) || (metric !== 'tokens' && metric !== 'costUsd')) return undefined
  return { scope, period, windowStart, metric }
}

/** True when a limit's scope pattern (`'tenant:acme'`, `'plugin:*'`, `'*'`) covers `scope`. */
export function scopeMatches(pattern: string, scope: string): boolean {
  return pattern.endsWith('*') ? scope.startsWith(pattern.slice(0, -1)) : pattern === scope
}
