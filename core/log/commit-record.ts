import type { FileSystem } from '../file/index.js'

/**
 * One operation inside a commit record. `value` holds the engine's already
 * encoded value bytes; the log treats them as opaque.
 */
export interface LogOperation {
  readonly type: 'put' | 'delete'
  readonly keyspace: string
  readonly key: Uint8Array
  /** Present for `put`, absent for `delete`. */
  readonly value?: Uint8Array
}

/** One committed transaction as stored in the commit log. */
export interface CommitRecord {
  /** Strictly increasing, positive safe integer. */
  readonly txnId: number
  /** Wall-clock milliseconds since the epoch (stored as a float64). */
  readonly timestamp: number
  /** `app`, `plugin:<name>`, `autonomy`... */
  readonly origin: string
  readonly ops: readonly LogOperation[]
}

/**
 * When `append()` resolves:
 * - `strict`: after the record's own write and fdatasync;
 * - `group`: after one shared fdatasync of every record appended before that fsync started;
 * - `relaxed`: after the write; an fsync runs every `relaxedIntervalMs` (a crash may lose that window, never corrupts);
 * - `none`: after the write (fsync only on segment roll-over and close).
 */
export type DurabilityMode = 'strict' | 'group' | 'relaxed' | 'none'

/** Options of {@link CommitLog.open}. */
export interface CommitLogOptions {
  /** All I/O goes through this file system (swap in a fault-injecting one in tests). */
  readonly fs: FileSystem
  /** The log directory (created when missing). Holds `<20-digit first txn id>.log` segments. */
  readonly directory: string
  readonly durability: DurabilityMode
  /** Roll over to a new segment when the active one would exceed this size (default 64 MiB). */
  readonly segmentBytes?: number
  /** fsync period in `relaxed` mode (default 100 ms). */
  readonly relaxedIntervalMs?: number
}
