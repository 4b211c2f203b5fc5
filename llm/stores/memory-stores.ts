import { adjustInMap, listMap, reserveInMap } from './counter-map.js'
import type {
  AuditHead, AuditReadResult, AuditStore, CounterCharge, CounterEntry, CounterReservation, CounterStore, GuardStores, LedgerStore,
} from './store-types.js'

/** A {@link LedgerStore} in a `Map`; gone when the process exits. */
export class MemoryLedgerStore implements LedgerStore {
  readonly #values = new Map<string, string>()

  /** Number of recorded responses. */
  get size(): number {
    return this.#values.size
  }

  async get(key: string): Promise<string | undefined> {
    return this.#values.get(key)
  }

  async put(key: string, value: string): Promise<void> {
    this.#values.set(key, value)
  }
}

/** A {@link CounterStore} in a `Map`; reservations are atomic (checked and added synchronously). */
export class MemoryCounterStore implements CounterStore {
  readonly #values = new Map<string, number>()

  async reserve(args: { readonly charges: readonly CounterCharge[] }): Promise<CounterReservation> {
    return reserveInMap(this.#values, args.charges)
  }

  async adjust(args: { readonly deltas: readonly { readonly key: string; readonly amount: number }[] }): Promise<readonly number[]> {
    return adjustInMap(this.#values, args.deltas)
  }

  async entries(args: { readonly prefix?: string } = {}): Promise<readonly CounterEntry[]> {
    return listMap(this.#values, args.prefix)
  }
}

/**
 * An {@link AuditStore} in an array. `records` is exposed (mutable) so tests and
 * tools can inspect it; editing it is exactly the tampering `verifyAuditLog` detects.
 */
export class MemoryAuditStore implements AuditStore {
  readonly records: unknown[] = []
  #head: AuditHead | undefined

  async append(record: Readonly<Record<string, unknown>> & { readonly seq: number; readonly hash: string }): Promise<void> {
    this.records.push(record)
    this.#head = { seq: record.seq, hash: record.hash }
  }

  async readAll(): Promise<AuditReadResult> {
    return { records: this.records.slice() }
  }

  async readHead(): Promise<AuditHead | undefined> {
    return this.#head
  }
}

/**
 * Fresh in-memory stores for every guard (the default; use `openFileStores` to keep
 * the ledger, budgets and audit log across restarts).
 *
 * @example
 * const guards = createDefaultGuards({ stores: createMemoryStores() })
 */
export function createMemoryStores(): GuardStores & {
  readonly ledger: MemoryLedgerStore
  readonly counters: MemoryCounterStore
  readonly audit: MemoryAuditStore
} {
  return { ledger: new MemoryLedgerStore(), counters: new MemoryCounterStore(), audit: new MemoryAuditStore() }
}
