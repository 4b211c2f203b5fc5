import type { CartridgeKey, CartridgeValue } from './cartridge-storage.js'

/** One operation of a commit, as a cartridge sees it (the engine's `CommitOperation`). */
export interface CartridgeCommitOperation {
  readonly type: 'put' | 'delete'
  /** `default` for the app's default keyspace. */
  readonly keyspace: string
  readonly key: CartridgeKey
  /** The new value of a put; absent for a delete. */
  readonly value?: CartridgeValue
}

/** One commit of the commit stream (the engine's `Commit`). */
export interface CartridgeCommit {
  readonly txnId: number
  /** Wall-clock commit time, ms since the epoch. Use this, never `Date.now()`, so rebuilds are deterministic. */
  readonly timestamp: number
  /** `app`, `plugin:<name>`, `cartridge:<name>`... */
  readonly origin: string
  readonly ops: readonly CartridgeCommitOperation[]
}
