import { LivingDbError } from '../../errors/index.js'
import type { ModelMiddleware } from '../spec/index.js'
import type { CounterCharge, CounterStore } from '../stores/index.js'
import { BUDGET_PERIODS, budgetCounterKey, parseBudgetCounterKey, scopeMatches, windowStartOf, type BudgetMetric, type BudgetPeriod } from './budget-keys.js'
import { withCallFacts } from './call-facts.js'
import type { GuardClock } from './guard-clock.js'
import { GuardError } from './guard-error.js'
import { costOf, createPriceLookup, type ModelPrice, type PricingTable } from './pricing.js'
import { embedCharacters, inputCharacters } from './request-size.js'

/** A ceiling on spend for the scopes matching `scope` (`'tenant:acme'`, `'plugin:*'`, `'*'` = each scope). */
export interface BudgetLimit {
  readonly scope: string
  readonly period: BudgetPeriod
  /** Input plus output tokens per window. */
  readonly maxTokens?: number
  /** USD per window, priced with the pricing table. */
  readonly maxCostUsd?: number
}

/** Reported through `onWarning`. */
export type BudgetWarning =
  | {
      readonly kind: 'threshold'
      readonly scope: string
      readonly period: BudgetPeriod
      readonly windowStart: string
      readonly metric: BudgetMetric
      readonly used: number
      readonly limit: number
    }
  | { readonly kind: 'unknown-price'; readonly provider: string; readonly modelId: string }

/** Options of {@link createBudgetGuard}. */
export interface BudgetGuardOptions {
  readonly store: CounterStore
  /** Ceilings; without any, spend is only tracked (see `budgetReport`). */
  readonly limits?: readonly BudgetLimit[]
  /** Prices merged over `DEFAULT_PRICING`. */
  readonly pricing?: PricingTable
  /** Fraction of a limit that triggers a `threshold` warning, once per window (default 0.8). */
  readonly warningRatio?: number
  readonly onWarning?: (warning: BudgetWarning) => void
  /** Output tokens reserved when a request sets no `maxOutputTokens` (default 1024). */
  readonly defaultMaxOutputTokens?: number
  readonly clock?: Pick<GuardClock, 'now'>
}

type Limits = Partial<Record<BudgetPeriod, { tokens?: number; costUsd?: number }>>

/**
 * The budget guard: counts tokens and USD per scope (`CallContext.scope`) per
 * minute/hour/day/month window. Before the call it reserves an estimate (input
 * characters / 4 + max output tokens) in every window at once, atomically; if any
 * limit would be passed it throws `BUDGET_EXCEEDED` and the model is never called.
 * After the call it settles the reservation to the real usage (or releases it on a
 * failure or a ledger hit). The guarantee: no call starts that could push a window
 * past its limit, as long as real usage stays within the estimate (output is capped
 * by `maxOutputTokens`; input tokens are rarely above characters / 4).
 *
 * @example
 * createBudgetGuard({ store: stores.counters, limits: [{ scope: 'plugin:*', period: 'day', maxCostUsd: 2 }],
 *   onWarning: (warning) => console.warn('budget', warning) })
 */
export function createBudgetGuard(options: BudgetGuardOptions): ModelMiddleware {
  const { store } = options
  const limitList = options.limits ?? []
  for (const limit of limitList) validateLimit(limit)
  const warningRatio = options.warningRatio ?? 0.8
  const defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? 1024
  const now = options.clock?.now ?? Date.now
  const priceOf = createPriceLookup(options.pricing)
  const limitsByScope = new Map<string, Limits>()
  const warned = new Set<string>()
  const unpriced = new Set<string>()

  function limitsFor(scope: string): Limits {
    let limits = limitsByScope.get(scope)
    if (limits === undefined) {
      limits = {}
      for (const limit of limitList) {
        if (!scopeMatches(limit.scope, scope)) continue
        const entry = (limits[limit.period] ??= {})
        if (limit.maxTokens !== undefined) entry.tokens = Math.min(entry.tokens ?? Infinity, limit.maxTokens)
        if (limit.maxCostUsd !== undefined) entry.costUsd = Math.min(entry.costUsd ?? Infinity, limit.maxCostUsd)
      }
      limitsByScope.set(scope, limits)
    }
    return limits
  }

  /** Counter keys (tokens, cost for each period) of a scope's current windows; rebuilt when the minute changes. */
  const keysByScope = new Map<string, { readonly minuteStart: number; readonly keys: readonly string[] }>()
  function keysFor(scope: string, time: number): readonly string[] {
    const minuteStart = time - (((time % 60_000) + 60_000) % 60_000)
    const cached = keysByScope.get(scope)
    if (cached !== undefined && cached.minuteStart === minuteStart) return cached.keys
    const iso = new Date(time).toISOString()
    const keys = BUDGET_PERIODS.flatMap((period) => {
      const windowStart = windowStartOf(period, iso)
      return [budgetCounterKey(scope, period, windowStart, 'tokens'), budgetCounterKey(scope, period, windowStart, 'costUsd')]
    })
    if (keysByScope.size > 10_000) keysByScope.clear()
    keysByScope.set(scope, { minuteStart, keys })
    return keys
  }

  function priceFor(provider: string, modelId: string): ModelPrice {
    const price = priceOf(provider, modelId)
    if (price !== undefined) return price
    const id = `${provider}:${modelId}`
    if (!unpriced.has(id)) {
      unpriced.add(id)
      options.onWarning?.({ kind: 'unknown-price', provider, modelId })
    }
    return { inputPerMillion: 0, outputPerMillion: 0 }
  }

  function warnIfCrossed(charges: readonly CounterCharge[], totals: readonly number[], scope: string): void {
    if (options.onWarning === undefined) return
    for (let index = 0; index < charges.length; index++) {
      const { key, limit } = charges[index]!
      if (limit === undefined || totals[index]! < limit * warningRatio || warned.has(key)) continue
      if (warned.size > 10_000) warned.clear()
      warned.add(key)
      const { period, windowStart, metric } = parseBudgetCounterKey(key)!
      options.onWarning({ kind: 'threshold', scope, period, windowStart, metric, used: totals[index]!, limit })
    }
  }

  /** Reserves the estimate in every window at once, runs the call, settles to the real usage (or releases). */
  async function guarded<Result>(args: {
    readonly scope: string
    readonly provider: string
    readonly modelId: string
    readonly estimate: { readonly inputTokens: number; readonly outputTokens: number }
    readonly run: () => Promise<{ result: Result; inputTokens: number; outputTokens: number; cached: boolean }>
    readonly setCost: (costUsd: number) => void
  }): Promise<Result> {
    const price = priceFor(args.provider, args.modelId)
    const reservedTokens = args.estimate.inputTokens + args.estimate.outputTokens
    const reservedCost = costOf(price, args.estimate)
    const keys = keysFor(args.scope, now())
    const limits = limitsFor(args.scope)
    const charges: CounterCharge[] = []
    for (let index = 0; index < BUDGET_PERIODS.length; index++) {
      const limit = limits[BUDGET_PERIODS[index]!]
      charges.push(
        { key: keys[2 * index]!, amount: reservedTokens, ...(limit?.tokens === undefined ? {} : { limit: limit.tokens }) },
        { key: keys[2 * index + 1]!, amount: reservedCost, ...(limit?.costUsd === undefined ? {} : { limit: limit.costUsd }) },
      )
    }
    const reservation = await store.reserve({ charges })
    if (!reservation.ok) throw exceeded(args.scope, reservation)
    warnIfCrossed(charges, reservation.totals, args.scope)
    let actualTokens = 0
    let actualCost = 0
    try {
      const outcome = await args.run()
      if (!outcome.cached) {
        actualTokens = outcome.inputTokens + outcome.outputTokens
        actualCost = costOf(price, outcome)
      }
      args.setCost(actualCost)
      return outcome.result
    } finally {
      const deltas = charges.map((charge, index) => ({ key: charge.key, amount: (index % 2 === 0 ? actualTokens : actualCost) - charge.amount }))
      const totals = await store.adjust({ deltas })
      warnIfCrossed(charges, totals, args.scope)
    }
  }

  return {
    name: 'budget',
    async wrapGenerate({ request, model, context, next }) {
      const { request: tracked, facts } = withCallFacts(request)
      return guarded({
        scope: context.scope, provider: model.provider, modelId: model.modelId,
        estimate: { inputTokens: Math.ceil((facts.inputCharacters ??= inputCharacters(tracked)) / 4), outputTokens: tracked.maxOutputTokens ?? defaultMaxOutputTokens },
        run: async () => {
          const result = await next(tracked)
          return { result, ...result.usage, cached: facts.ledgerHit === true }
        },
        setCost: (costUsd) => { facts.costUsd = costUsd },
      })
    },
    async wrapEmbed({ request, model, context, next }) {
      const { request: tracked, facts } = withCallFacts(request)
      return guarded({
        scope: context.scope, provider: model.provider, modelId: model.modelId,
        estimate: { inputTokens: Math.ceil(embedCharacters(tracked.values) / 4), outputTokens: 0 },
        run: async () => {
          const result = await next(tracked)
          return { result, inputTokens: result.usage.inputTokens, outputTokens: 0, cached: facts.ledgerHit === true }
        },
        setCost: (costUsd) => { facts.costUsd = costUsd },
      })
    },
  }
}

function exceeded(scope: string, refusal: { readonly key: string; readonly total: number; readonly amount: number; readonly limit: number }): GuardError {
  const { period, windowStart, metric } = parseBudgetCounterKey(refusal.key)!
  const unit = metric === 'tokens' ? 'tokens' : 'USD'
  return new GuardError(
    'BUDGET_EXCEEDED',
    `Budget exceeded for scope "${scope}": this call needs up to ${round(refusal.amount)} ${unit} but only ${round(Math.max(0, refusal.limit - refusal.total))} of the ${refusal.limit} ${unit} per ${period} remain (window ${windowStart}). ` +
      'Nothing was spent. Wait for the next window, lower maxOutputTokens, or raise the limit in the budget guard options.',
    { details: { scope, period, windowStart, metric, used: refusal.total, requested: refusal.amount, limit: refusal.limit } },
  )
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6
}

function validateLimit(limit: BudgetLimit): void {
  const valid = typeof limit.scope === 'string' && limit.scope !== '' && BUDGET_PERIODS.includes(limit.period) &&
    (limit.maxTokens !== undefined || limit.maxCostUsd !== undefined) &&
    [limit.maxTokens, limit.maxCostUsd].every((value) => value === undefined || (Number.isFinite(value) && value >= 0))
  if (!valid) {
    throw new LivingDbError('INVALID_ARGUMENT', `Budget limit ${JSON.stringify(limit)} is invalid: give a scope pattern, a period (minute, hour, day, month) and maxTokens and/or maxCostUsd as non-negative numbers.`, { details: { limit } })
  }
}
