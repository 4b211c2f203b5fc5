/**
 * The small, async storage contracts behind the model-call guards.
 *
 * Three facets, each implementable over a database keyspace, a file or memory:
 * - {@link LedgerStore}: request hash → recorded response (the ledger/cache guard);
 * - {@link CounterStore}: numeric counters with an atomic, all-or-nothing reserve (budgets);
 * - {@link AuditStore}: an append-only list of plain-JSON records plus a separately kept head.
 *
 * Values are plain JSON (strings for the ledger), so any implementation can persist them.
 */

/**
 * Key/value storage for recorded model responses. Values are the exact serialised
 * response, so a replay returns byte-identical results.
 *
 * @example
 * const ledger: LedgerStore = {
 *   entries: new Map<string, string>(),
 *   async get(key) { return this.entries.get(key) },
 *   async put(key, value) { this.entries.set(key, value) },
 * } as LedgerStore & { entries: Map<string, string> }
 */
export interface LedgerStore {
  /** The value stored under `key`, or `undefined`. */
  get(key: string): Promise<string | undefined>
  /** Stores `value` under `key` (replacing any previous value). */
  put(key: string, value: string): Promise<void>
}

/** One amount to add to a counter, refused if the counter would pass `limit`. */
export interface CounterCharge {
  readonly key: string
  readonly amount: number
  /** Inclusive ceiling; omitted means the counter only tracks. */
  readonly limit?: number
}

/** The outcome of {@link CounterStore.reserve}. */
export type CounterReservation =
  | { readonly ok: true; readonly totals: readonly number[] }
  | { readonly ok: false; readonly key: string; readonly total: number; readonly amount: number; readonly limit: number }

/** A counter and its value, as listed by {@link CounterStore.entries}. */
export interface CounterEntry {
  readonly key: string
  readonly value: number
}

/**
 * Numeric counters (budget spend). `reserve` must be atomic: either every charge is
 * added or none is, and no other reserve may interleave between the check and the add.
 * In-process stores get this for free by doing the check and the add synchronously
 * before their first `await`; a database store does both in one transaction.
 *
 * @example
 * const result = await counters.reserve({ charges: [{ key: 'tokens', amount: 500, limit: 10_000 }] })
 * if (!result.ok) throw new Error(`${result.key} would reach ${result.total + result.amount}`)
 */
export interface CounterStore {
  /** Adds every charge if none would pass its limit; otherwise adds nothing. */
  reserve(args: { readonly charges: readonly CounterCharge[] }): Promise<CounterReservation>
  /** Adds (possibly negative) amounts unconditionally; returns the new totals in order. */
  adjust(args: { readonly deltas: readonly { readonly key: string; readonly amount: number }[] }): Promise<readonly number[]>
  /** Every counter whose key starts with `prefix` (all when omitted), sorted by key. */
  entries(args?: { readonly prefix?: string }): Promise<readonly CounterEntry[]>
}

/** Where the audit chain ended at the last append; kept apart from the records. */
export interface AuditHead {
  /** Sequence number (0-based index) of the last record appended. */
  readonly seq: number
  /** That record's hash. */
  readonly hash: string
}

/** What {@link AuditStore.readAll} found. */
export interface AuditReadResult {
  /** Every complete record, in append order, as stored (not yet verified). */
  readonly records: readonly unknown[]
  /** Set when an incomplete last line (a torn write) was found and ignored. */
  readonly tornTail?: { readonly offset: number; readonly bytes: number }
}

/**
 * Append-only storage for hash-chained audit records. The store does not compute
 * hashes; it keeps records in append order and remembers the last `{ seq, hash }`
 * as the head, which is how a truncated tail is detected.
 *
 * @example
 * await audit.append({ seq: 0, prevHash: '0'.repeat(64), hash: 'ab…', outcome: 'ok' })
 * const { records } = await audit.readAll()
 */
export interface AuditStore {
  /** Appends one record (which carries `seq` and `hash`) and moves the head to it. */
  append(record: Readonly<Record<string, unknown>> & { readonly seq: number; readonly hash: string }): Promise<void>
  /** Every record in append order. */
  readAll(): Promise<AuditReadResult>
  /** The head written by the last append, or `undefined` for an empty log. */
  readHead(): Promise<AuditHead | undefined>
}

/** The three stores the guards use, as returned by `createMemoryStores` / `openFileStores`. */
export interface GuardStores {
  readonly ledger: LedgerStore
  readonly counters: CounterStore
  readonly audit: AuditStore
}
