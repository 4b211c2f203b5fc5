import type { JsonValue } from './json-value.js'

/** Arguments of {@link PluginReader.get}. */
export interface PluginReadGetArgs {
  readonly keyspace: string
  readonly key: string
  /**
   * Read as of this commit. Defaults to the snapshot of the commit being processed (the
   * last commit of the batch for `onCommit`, the head for `onQuery`/`onSchedule`).
   * Ignored for the plugin's own write keyspaces, which are always read at the head.
   */
  readonly atTxnId?: number
}

/** Arguments of {@link PluginReader.scan}. */
export interface PluginReadScanArgs {
  readonly keyspace: string
  /** Only keys starting with this prefix (must lie inside a read grant). */
  readonly prefix?: string
  /** At most this many entries (default and maximum 1,000). */
  readonly limit?: number
  readonly atTxnId?: number
}

/** One key/value pair returned by a scan. */
export interface PluginReadEntry {
  readonly key: string
  readonly value: JsonValue
}

/**
 * The read capability: every read goes to the host, which checks it against the
 * plugin's grants (`PLUGIN_PERMISSION_DENIED` otherwise) and answers from a snapshot.
 *
 * @example
 * const note = await read.get({ keyspace: 'default', key: 'notes/1' })
 * const topics = await read.scan({ keyspace: 'topics', prefix: 'term/' })
 */
export interface PluginReader {
  get(args: PluginReadGetArgs): Promise<JsonValue | undefined>
  scan(args: PluginReadScanArgs): Promise<readonly PluginReadEntry[]>
}
