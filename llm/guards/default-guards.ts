import type { ModelMiddleware } from '../spec/index.js'
import { createMemoryStores, type GuardStores } from '../stores/index.js'
import { createAuditGuard, type AuditGuardOptions } from './audit.js'
import { createBudgetGuard, type BudgetGuardOptions } from './budget.js'
import type { GuardClock } from './guard-clock.js'
import { createLedgerGuard, type LedgerGuardOptions } from './ledger.js'
import { createRateLimitGuard, type RateLimitGuardOptions } from './rate-limit.js'
import { createRedactionGuard, type RedactionGuardOptions } from './redaction.js'
import { createRoutingGuard, type FailoverEvent, type ModelRoutes } from './routing.js'

/** Options of {@link createDefaultGuards}; `false` turns a guard off. */
export interface DefaultGuardsOptions {
  /** Where the ledger, budget counters and audit log live (default: fresh in-memory stores). */
  readonly stores?: GuardStores
  /** One clock for every guard (tests pass a fake one). */
  readonly clock?: GuardClock
  /** Routing candidates per task; routing is added (outermost) only when given. */
  readonly routes?: ModelRoutes
  readonly onFailover?: (event: FailoverEvent) => void
  readonly redaction?: RedactionGuardOptions | false
  readonly audit?: Omit<AuditGuardOptions, 'store' | 'clock'> | false
  readonly ledger?: Omit<LedgerGuardOptions, 'store'> | false
  readonly budget?: Omit<BudgetGuardOptions, 'store' | 'clock'> | false
  readonly rateLimit?: Omit<RateLimitGuardOptions, 'clock'> | false
}

/**
 * Every guard, on, in this order (first = outermost):
 * routing? → redaction → audit → ledger → budget → rate limit → model.
 *
 * - redaction first: nothing after it (audit hashes, ledger keys and entries,
 *   provider) ever sees the raw values, and its counts reach the audit record;
 * - audit next: it records every call, including cache hits, budget refusals,
 *   queue-full refusals and provider failures, with the facts inner guards learnt;
 * - ledger before budget and rate limit: a recorded answer costs nothing, so it is
 *   served even when the budget is spent or the provider is throttling (free rebuilds);
 * - budget before rate limit: a call that would be refused never waits in the queue,
 *   and the reservation covers the whole call including its retries;
 * - rate limit innermost: it paces and retries the actual provider request.
 *
 * @example
 * const stores = await openFileStores({ directory: './data/llm' })
 * const middleware = createDefaultGuards({ stores, budget: { limits: [{ scope: '*', period: 'day', maxCostUsd: 5 }] } })
 * const model = wrapModel({ model: openai('gpt-4.1-mini'), middleware, context: { scope: 'plugin:entities', task: 'extraction' } })
 */
export function createDefaultGuards(options: DefaultGuardsOptions = {}): readonly ModelMiddleware[] {
  const stores = options.stores ?? createMemoryStores()
  const { clock } = options
  const guards: ModelMiddleware[] = []
  if (options.routes !== undefined) guards.push(createRoutingGuard({ routes: options.routes, onFailover: options.onFailover }))
  if (options.redaction !== false) guards.push(createRedactionGuard(options.redaction ?? {}))
  if (options.audit !== false) guards.push(createAuditGuard({ ...options.audit, store: stores.audit, ...(clock === undefined ? {} : { clock }) }))
  if (options.ledger !== false) guards.push(createLedgerGuard({ ...options.ledger, store: stores.ledger }))
  if (options.budget !== false) guards.push(createBudgetGuard({ ...options.budget, store: stores.counters, ...(clock === undefined ? {} : { clock }) }))
  if (options.rateLimit !== false) guards.push(createRateLimitGuard({ ...options.rateLimit, ...(clock === undefined ? {} : { clock }) }))
  return guards
}
