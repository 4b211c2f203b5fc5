import { createDefaultGuards } from '../guards/index.js'
import type { ModelMiddleware } from '../spec/index.js'

let configured: readonly ModelMiddleware[] | undefined
let created: readonly ModelMiddleware[] | undefined

/**
 * Replaces the guard stack every `generateText` / `generateObject` / `embed` call
 * uses when it passes no `guards` (shared by all callers in the process, so budgets
 * and rate limits hold across them). `undefined` restores the built-in default.
 *
 * @example
 * setDefaultGuards(createDefaultGuards({ budget: { limits: [...] } }))
 */
export function setDefaultGuards(guards: readonly ModelMiddleware[] | undefined): void {
  configured = guards
}

/**
 * The process-wide guard stack: the one set with {@link setDefaultGuards}, else
 * `createDefaultGuards()` (redaction, audit, ledger, budget, rate limit over fresh
 * in-memory stores), created once on first use.
 */
export function getDefaultGuards(): readonly ModelMiddleware[] {
  if (configured !== undefined) return configured
  created ??= createDefaultGuards()
  return created
}
