/**
 * Facts the guards learn about one call and share with each other (redaction counts
 * for the audit record, the ledger entry id, the cost the budget settled...).
 * Mutable on purpose: the guard that learns a fact writes it; the audit guard reads
 * them all once the call has returned.
 */
export interface CallFacts {
  /** Occurrences redacted, by detector type (`{ EMAIL: 2 }`). */
  redactions?: Record<string, number>
  /** sha256 of the request as sent to the next layer (see `requestHash`). */
  requestHash?: string
  /** The ledger entry that answered or recorded this call. */
  ledgerEntryId?: string
  /** True when the ledger answered and no model was called. */
  ledgerHit?: boolean
  /** Cost in USD settled by the budget guard. */
  costUsd?: number
  /** Model attempts made by the rate-limit guard (1 = no retry). */
  attempts?: number
  /** Characters the request sends (see `inputCharacters`), computed once for budget and rate limit. */
  inputCharacters?: number
}

/**
 * Where call facts travel: an enumerable symbol property on the request object.
 * Spreading a request (`{ ...request, messages }`) copies it, so the facts follow a
 * request through any middleware; `JSON.stringify`, hashing and providers ignore it.
 */
export const CALL_FACTS: unique symbol = Symbol.for('livingdb.callFacts') as never

/**
 * The facts of the call `request` belongs to, creating them (on a shallow copy of
 * the request, never on the caller's object) when this guard is the first to ask.
 * Pass the returned `request` on to `next`.
 *
 * @example
 * const { request: tracked, facts } = withCallFacts(request)
 * facts.attempts = 1
 * return next(tracked)
 */
export function withCallFacts<Request extends object>(request: Request): { readonly request: Request; readonly facts: CallFacts } {
  const existing = (request as { [CALL_FACTS]?: CallFacts })[CALL_FACTS]
  if (existing !== undefined) return { request, facts: existing }
  const facts: CallFacts = {}
  return { request: { ...request, [CALL_FACTS]: facts }, facts }
}

/** The facts attached to `request` by a guard, if any (read-only use). */
export function getCallFacts(request: object): Readonly<CallFacts> | undefined {
  return (request as { [CALL_FACTS]?: CallFacts })[CALL_FACTS]
}
