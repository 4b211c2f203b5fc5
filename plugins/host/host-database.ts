/**
 * The part of the engine's `Database` the plugin host uses, as a structural type so the
 * host depends on the engine contract, not on its implementation. `open()` returns an
 * object that satisfies it.
 */

/** A key as the engine accepts it. */
export type HostKey = string | Uint8Array

/** One operation of a commit record from the commit stream. */
export interface HostCommitOperation {
  readonly type: 'put' | 'delete' | (string & {})
  /** Absent (or `'default'`) for the app's default keyspace. */
  readonly keyspace?: string
  readonly key: HostKey
  readonly value?: unknown
}

/** One commit record from `db.commits()`. */
export interface HostCommit {
  readonly txnId: number
  readonly timestamp: number
  readonly origin: string
  readonly ops: readonly HostCommitOperation[]
}

/** Reads of one keyspace inside a snapshot. */
export interface HostKeyspaceReader {
  get(key: HostKey): unknown
  scan(options: { readonly prefix?: HostKey; readonly limit?: number }): Iterable<{ readonly key: HostKey; readonly value: unknown }> | AsyncIterable<{ readonly key: HostKey; readonly value: unknown }>
}

/** An immutable snapshot: reads of the default keyspace plus `keyspace(name)`. */
export interface HostSnapshot extends HostKeyspaceReader {
  /** The txn id this snapshot shows (the head, for `db.read`). */
  readonly txnId: number
  keyspace(name: string): HostKeyspaceReader
}

/** Writes of one keyspace inside a write transaction. */
export interface HostKeyspaceWriter {
  put(key: HostKey, value: unknown): void
  delete(key: HostKey): void
}

/** The write transaction handed to `db.write()`'s callback. */
export interface HostWriteTransaction extends HostKeyspaceWriter {
  keyspace(name: string): HostKeyspaceWriter
}

/** What the plugin host needs from an open database. */
export interface PluginHostDatabase {
  /** The database directory (absent in memory); the sandbox keeps it out of every plugin's reach. */
  readonly path?: string | undefined
  write(build: (transaction: HostWriteTransaction) => void, options: { readonly origin: string }): Promise<{ readonly txnId: number }>
  read<T>(use: (snapshot: HostSnapshot) => T): T | Promise<T>
  readAt<T>(txnId: number, use: (snapshot: HostSnapshot) => T): T | Promise<T>
  /** Tails the commit stream from `from` (inclusive), waiting for new commits at the head. */
  commits(options: { readonly from: number; readonly signal?: AbortSignal }): AsyncIterable<HostCommit>
}
