import type { PluginHostDatabase } from './host-database.js'
import type { PluginModelAccess } from './plugin-model-access.js'
import type { PluginLogRecord } from './plugin-status.js'

/**
 * How to register a plugin: its module (path, `file:` URL or URL object), optionally the
 * export to use, its config and per-plugin limits. A bare string or URL is the module.
 */
export interface PluginRegistration {
  readonly module: string | URL
  /** The export holding the definition; default: the default export, else the first plugin export. */
  readonly exportName?: string
  /** Parsed by the plugin's configSchema inside the worker. Plain JSON. */
  readonly config?: unknown
  /** Override the host's heap limit for this plugin, MB. */
  readonly heapLimitMb?: number
  /**
   * `false` runs the plugin in the untrusted sandbox: a separate process under Node's
   * permission model with no ambient authority (see docs/plugin-sandbox.md). Everything
   * installed from a marketplace is registered this way. Default: trusted (worker thread),
   * unless the plugin itself declares `trusted: false`.
   */
  readonly trusted?: boolean
  /** Sandbox only: resident memory limit of the sandbox process, MB. Default `2 * heapLimitMb + 128`. */
  readonly memoryLimitMb?: number
}

/** Failure, batching and resource policy of the host (every field has a default). */
export interface PluginHostPolicy {
  /** Attempts per batch (after splitting down to one commit) before it is dead-lettered. Default 3. */
  readonly maxAttempts: number
  /** What a dead-lettered batch does: `skip` it (advance the cursor) or `halt` the plugin. Default `skip`. */
  readonly deadLetter: 'skip' | 'halt'
  /** Restart/retry backoff. Default 100 ms doubling to 30 s. */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number }
  /** Default per-hook timeout, ms (a hook's own timeoutMs wins). Default 30,000. */
  readonly timeoutMs: number
  /** Worker heap limit, MB. Default 128. */
  readonly heapLimitMb: number
  /** How long a module may take to load, ms. Default 10,000. */
  readonly loadTimeoutMs: number
  /** Default batching (a hook's own `batch` wins). Default 256 commits / 5 ms. */
  readonly batch: { readonly maxCommits: number; readonly maxWaitMs: number }
  /** Commits read ahead per plugin before the feed pauses (backpressure). Default 4,096. */
  readonly maxBufferedCommits: number
  /** A cursor that moved without writes is persisted after this long, ms. Default 1,000. */
  readonly cursorFlushMs: number
  /** At the head of the log, read new commits at most this often, ms (0: on every commit). Default 5. */
  readonly tailIntervalMs: number
  /** Liveness check while no hook runs: ping every `intervalMs`, terminate after `timeoutMs` without an answer. Default 5,000 / 5,000. */
  readonly liveness: { readonly intervalMs: number; readonly timeoutMs: number }
}

/** Arguments of `createPluginHost`. */
export interface PluginHostOptions {
  readonly db: PluginHostDatabase
  /** Plugins registered in code: module paths/URLs or registrations. */
  readonly plugins?: readonly (string | URL | PluginRegistration)[]
  /** The guarded model client plugins call through (scope `plugin:<name>`). */
  readonly models?: PluginModelAccess
  readonly policy?: Partial<PluginHostPolicy>
  /** Receives plugin log records and host messages about plugins. Default: drop debug/info, print warn/error. */
  readonly onLog?: (record: PluginLogRecord) => void
}

/** The defaults of {@link PluginHostPolicy}. */
export const DEFAULT_PLUGIN_HOST_POLICY: PluginHostPolicy = {
  maxAttempts: 3,
  deadLetter: 'skip',
  backoff: { initialMs: 100, maxMs: 30_000 },
  timeoutMs: 30_000,
  heapLimitMb: 128,
  loadTimeoutMs: 10_000,
  batch: { maxCommits: 256, maxWaitMs: 5 },
  maxBufferedCommits: 4_096,
  cursorFlushMs: 1_000,
  tailIntervalMs: 5,
  liveness: { intervalMs: 5_000, timeoutMs: 5_000 },
}
