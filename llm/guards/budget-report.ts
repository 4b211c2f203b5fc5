import type { CounterStore } from '../stores/index.js'
import { BUDGET_KEY_PREFIX, BUDGET_PERIODS, parseBudgetCounterKey, scopeMatches, windowStartOf, type BudgetPeriod } from './budget-keys.js'
import type { BudgetLimit } from './budget.js'

/** Spend of one scope in one period window. */
export interface BudgetReportRow {
  readonly scope: string
  readonly period: BudgetPeriod
  /** Window label (UTC): `2026-11-24T12:54`, `2026-11-24T12`, `2026-11-24`, `2026-11`. */
  readonly windowStart: string
  readonly tokens: number
  readonly costUsd: number
  /** The tightest matching limits, when `limits` were given. */
  readonly maxTokens?: number
  readonly maxCostUsd?: number
}

/**
 * Spend per scope per period window, read from the budget guard's counter store
 * (what `livingdb llm budget` prints). Rows are sorted by scope, period (minute
 * first) and window (newest first). Reservations of calls still running are included.
 *
 * @example
 * for (const row of await budgetReport(stores.counters, { currentOnly: true })) console.log(row.scope, row.period, row.costUsd)
 */
export async function budgetReport(
  store: CounterStore,
  options: { readonly limits?: readonly BudgetLimit[]; readonly currentOnly?: boolean; readonly now?: number } = {},
): Promise<readonly BudgetReportRow[]> {
  const rows = new Map<string, { scope: string; period: BudgetPeriod; windowStart: string; tokens: number; costUsd: number }>()
  const iso = new Date(options.now ?? Date.now()).toISOString()
  for (const entry of await store.entries({ prefix: BUDGET_KEY_PREFIX })) {
    const parts = parseBudgetCounterKey(entry.key)
    if (parts === undefined) continue
    if (options.currentOnly === true && parts.windowStart !== windowStartOf(parts.period, iso)) continue
    const id = `${parts.scope}\u001f${parts.period}\u001f${parts.windowStart}`
    let row = rows.get(id)
    if (row === undefined) {
      row = { scope: parts.scope, period: parts.period, windowStart: parts.windowStart, tokens: 0, costUsd: 0 }
      rows.set(id, row)
    }
    // Settled float sums can land a hair below zero; report clean numbers.
    const value = Math.abs(entry.value) < 1e-12 ? 0 : entry.value
    if (parts.metric === 'tokens') row.tokens = value
    else row.costUsd = value
  }
  return [...rows.values()]
    .sort((left, right) =>
      left.scope !== right.scope ? (left.scope < right.scope ? -1 : 1)
        : left.period !== right.period ? BUDGET_PERIODS.indexOf(left.period) - BUDGET_PERIODS.indexOf(right.period)
          : left.windowStart < right.windowStart ? 1 : left.windowStart > right.windowStart ? -1 : 0)
    .map((row) => ({ ...row, ...limitsOf(options.limits ?? [], row.scope, row.period) }))
}

function limitsOf(limits: readonly BudgetLimit[], scope: string, period: BudgetPeriod): { maxTokens?: number; maxCostUsd?: number } {
  const result: { maxTokens?: number; maxCostUsd?: number } = {}
  for (const limit of limits) {
    if (limit.period !== period || !scopeMatches(limit.scope, scope)) continue
    if (limit.maxTokens !== undefined) result.maxTokens = Math.min(result.maxTokens ?? Infinity, limit.maxTokens)
    if (limit.maxCostUsd !== undefined) result.maxCostUsd = Math.min(result.maxCostUsd ?? Infinity, limit.maxCostUsd)
  }
  return result
}
