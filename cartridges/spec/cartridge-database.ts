import type { CartridgeCommit } from './cartridge-commit.js'
import type { CartridgeKeyspaceReader, CartridgeKeyspaceWriter } from './cartridge-storage.js'

/** A snapshot as the cartridge runtime reads it (the engine's `Snapshot`). */
export interface CartridgeSnapshot {
  readonly txnId: number
  keyspace(name: string): CartridgeKeyspaceReader
}

/** A write transaction as the runtime uses it (the engine's `Transaction`). */
export interface CartridgeHostTransaction {
  keyspace(name: string): CartridgeKeyspaceWriter
}

/**
 * What the cartridge runtime needs from an open database, as a structural type. The
 * engine's `Database` (from `open()`) satisfies it.
 */
export interface CartridgeDatabase {
  /** The latest published txn id. */
  readonly txnId: number
  write(callback: (transaction: CartridgeHostTransaction) => unknown, options: { readonly origin: string }): Promise<{ readonly txnId: number }>
  read<T>(reader: (snapshot: CartridgeSnapshot) => T): T
  readAt<T>(txnId: number, reader: (snapshot: CartridgeSnapshot) => T): T
  commits(options: { readonly from?: number }): AsyncIterableIterator<CartridgeCommit>
}
