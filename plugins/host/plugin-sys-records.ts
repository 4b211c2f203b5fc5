import type { JsonValue } from '../spec/json-value.js'
import type { HostKeyspaceWriter, PluginHostDatabase } from './host-database.js'

/** The system keyspace holding cursors, dead letters and plugin settings. */
export const SYS_KEYSPACE = 'sys'

/** A dead-letter record: a batch that failed every attempt. */
export interface DeadLetterRecord {
  readonly plugin: string
  readonly version: string
  readonly firstTxnId: number
  readonly lastTxnId: number
  readonly txnIds: readonly number[]
  readonly attempts: number
  readonly policy: 'skip' | 'halt'
  readonly error: { readonly code: string; readonly message: string }
  /** Wall-clock time of the decision, ms since the epoch. */
  readonly at: number
}

/** The durable cursor of a plugin: every commit up to `txnId` is fully processed. */
export interface CursorRecord {
  readonly txnId: number
  readonly version: string
}

const pad = (txnId: number): string => String(txnId).padStart(16, '0')

/**
 * The layout of one plugin's records in `sys` (all under `plugins/<name>/`):
 * `cursor`, `enabled` (false when disabled), `halted` (set by the halt policy) and
 * `dead-letters/<first txn id, 16 digits>`.
 */
export class PluginSysRecords {
  readonly #prefix: string

  constructor(readonly plugin: string) {
    this.#prefix = `plugins/${plugin}/`
  }

  get cursorKey(): string {
    return `${this.#prefix}cursor`
  }
  get enabledKey(): string {
    return `${this.#prefix}enabled`
  }
  get haltedKey(): string {
    return `${this.#prefix}halted`
  }
  get deadLetterPrefix(): string {
    return `${this.#prefix}dead-letters/`
  }

  /** Reads the cursor, enabled flag and halt record at the head. */
  async load(db: PluginHostDatabase): Promise<{ cursor: number; enabled: boolean; halted: DeadLetterRecord | undefined; deadLetters: number }> {
    return db.read((snapshot) => {
      const sys = snapshot.keyspace(SYS_KEYSPACE)
      const cursor = sys.get(this.cursorKey) as CursorRecord | undefined
      const enabled = sys.get(this.enabledKey) as boolean | undefined
      const halted = sys.get(this.haltedKey) as DeadLetterRecord | undefined | null
      let deadLetters = 0
      const entries = sys.scan({ prefix: this.deadLetterPrefix })
      if (Symbol.iterator in entries) for (const _entry of entries) deadLetters++
      return { cursor: cursor?.txnId ?? 0, enabled: enabled !== false, halted: halted ?? undefined, deadLetters }
    })
  }

  /** Puts the cursor record (inside the caller's transaction). */
  putCursor(sys: HostKeyspaceWriter, record: CursorRecord): void {
    sys.put(this.cursorKey, record as unknown as JsonValue)
  }

  /** Puts a dead-letter record (inside the caller's transaction). */
  putDeadLetter(sys: HostKeyspaceWriter, record: DeadLetterRecord): void {
    sys.put(`${this.deadLetterPrefix}${pad(record.firstTxnId)}`, record as unknown as JsonValue)
  }
}
