/**
 * A grant to read one keyspace, or only the keys of that keyspace starting with `prefix`.
 * `keyspace: 'default'` is the app's default keyspace.
 */
export interface PluginReadGrant {
  readonly keyspace: string
  /** Only keys starting with this prefix; the whole keyspace when absent. */
  readonly prefix?: string
}

/** Model access a plugin asks for, with the budget it must stay within. */
export interface PluginModelPermission {
  readonly budget: {
    /** Total input + output tokens the plugin may spend while the host runs. */
    readonly maxTokens?: number
    /** Total money, in US dollars, as priced by the llm guards. */
    readonly maxCostUsd?: number
  }
}

/**
 * What a plugin may touch. The host grants exactly this and nothing else: reads outside
 * `read` (and the plugin's own `write` keyspaces), writes outside `write`, and model calls
 * without `model` fail with `PLUGIN_PERMISSION_DENIED`.
 *
 * @example
 * const permissions: PluginPermissions = {
 *   read: [{ keyspace: 'default', prefix: 'notes/' }],
 *   write: ['topics'],
 *   model: { budget: { maxTokens: 100_000 } },
 *   network: false,
 * }
 */
export interface PluginPermissions {
  /** Keyspaces/prefixes the plugin reads, and whose commits it receives. */
  readonly read: readonly PluginReadGrant[]
  /**
   * Keyspaces the plugin owns and writes (e.g. its cartridge keyspaces). Never `sys` or
   * `default`; two plugins may not declare the same keyspace. A plugin may always read
   * the keyspaces it writes (at the latest commit: only it writes them).
   */
  readonly write: readonly string[]
  /** Model access and budget; no model access when absent or `false`. */
  readonly model?: PluginModelPermission | false
  /**
   * Whether the plugin may open network connections. Enforced by the untrusted sandbox;
   * a trusted worker-thread plugin only loses `fetch` and `WebSocket` (see docs/plugins.md).
   */
  readonly network: boolean
  /** Deliver commits made by this plugin itself (default false, which prevents loops). */
  readonly receiveOwnCommits?: boolean
}
