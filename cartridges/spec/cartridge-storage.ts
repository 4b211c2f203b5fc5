/**
 * The storage shapes a cartridge sees, as structural types so the cartridge spec depends
 * on the engine's contract, not on its implementation (the engine's `Snapshot` and
 * `Transaction` satisfy them).
 */

/** A key: a UTF-8 string or raw bytes, compared bytewise. */
export type CartridgeKey = string | Uint8Array

/** A stored JSON value. */
export type CartridgeJson = null | boolean | number | string | readonly CartridgeJson[] | { readonly [key: string]: CartridgeJson }

/** A stored value: JSON or raw bytes (bytes come back as a `Uint8Array`). */
export type CartridgeValue = CartridgeJson | Uint8Array

/** Range options of a scan, combined with AND (the engine's `ScanOptions`). */
export interface CartridgeScanOptions {
  readonly gt?: CartridgeKey
  readonly gte?: CartridgeKey
  readonly lt?: CartridgeKey
  readonly lte?: CartridgeKey
  readonly prefix?: CartridgeKey
  readonly reverse?: boolean
  readonly limit?: number
}

/** Reads of one keyspace at one version. */
export interface CartridgeKeyspaceReader {
  get(key: CartridgeKey): CartridgeValue | undefined
  scan(options?: CartridgeScanOptions): IterableIterator<{ readonly key: CartridgeKey; readonly value: CartridgeValue }>
}

/** Reads and buffered writes of one keyspace inside a write transaction. */
export interface CartridgeKeyspaceWriter extends CartridgeKeyspaceReader {
  put(key: CartridgeKey, value: CartridgeValue): void
  delete(key: CartridgeKey): void
}

/** A read-only view of the database at one version (a `db.read()`/`db.readAt()` snapshot). */
export interface CartridgeReader {
  /** The txn id this view shows. */
  readonly txnId: number
  /** Reads of a keyspace at this version (a cartridge reads only its own keyspaces). */
  keyspace(name: string): CartridgeKeyspaceReader
}

/** The write transaction a cartridge's `apply` gets: only its own keyspaces are reachable. */
export interface CartridgeTransaction {
  keyspace(name: string): CartridgeKeyspaceWriter
}
