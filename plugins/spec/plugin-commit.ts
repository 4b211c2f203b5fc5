import type { JsonValue } from './json-value.js'

/**
 * One operation of a commit, as a plugin sees it. Only operations on keys the plugin
 * may read are delivered; a commit with no visible operation is not delivered at all.
 *
 * `keyspace` is `'default'` for the app's default keyspace. Keys are strings (UTF-8
 * decoded); binary values arrive as `{ "$base64": "..." }`.
 */
export interface PluginCommitOperation {
  readonly type: 'put' | 'delete'
  readonly keyspace: string
  readonly key: string
  /** The new value of a `put`; absent for a `delete`. */
  readonly value?: JsonValue
}

/** A commit from the commit stream, delivered to `onCommit` in txn order. */
export interface PluginCommit {
  readonly txnId: number
  /** Wall-clock commit time, milliseconds since the epoch. */
  readonly timestamp: number
  /** `'app'`, `'plugin:<name>'`, `'autonomy'`... */
  readonly origin: string
  readonly operations: readonly PluginCommitOperation[]
}
