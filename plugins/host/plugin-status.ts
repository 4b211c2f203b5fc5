import type { JsonValue } from '../spec/json-value.js'
import type { PluginLogLevel } from '../spec/plugin-logger.js'

/**
 * The health of a plugin:
 * - `running`: consuming commits (or idle at the head);
 * - `backing-off`: waiting before a retry or a restart after a failure;
 * - `dead-lettered`: halted on a batch that failed every attempt (policy `halt`); `enable()` retries it;
 * - `disabled`: switched off (persisted in `sys`);
 * - `closed`: the host was closed.
 */
export type PluginState = 'running' | 'backing-off' | 'dead-lettered' | 'disabled' | 'closed'

/** One plugin's row of `host.status()`. */
export interface PluginStatus {
  readonly name: string
  readonly version: string
  readonly state: PluginState
  readonly enabled: boolean
  /** Durable cursor: every commit up to this txn id is processed and its effects committed. */
  readonly cursor: number
  /** Processed position (may run ahead of `cursor` when batches produced no writes). */
  readonly position: number
  /** Commits between the position and the head. */
  readonly lag: number
  readonly errors: number
  readonly lastError: { readonly code: string; readonly message: string; readonly at: number } | null
  /** Worker restarts after crashes, timeouts and memory exhaustion. */
  readonly restarts: number
  /** Dead-letter records written for this plugin (since the database was created). */
  readonly deadLetters: number
  /** The dead-lettered batch that halted the plugin, if it is halted. */
  readonly halted: { readonly firstTxnId: number; readonly lastTxnId: number; readonly error: { readonly code: string; readonly message: string } } | null
  readonly modelSpend: { readonly calls: number; readonly inputTokens: number; readonly outputTokens: number; readonly costUsd: number }
  /** True when the plugin runs in the untrusted sandbox (a separate process), false in a worker thread. */
  readonly sandboxed: boolean
  /** Attempts the sandbox refused (file, network, process, environment...), since the host started. */
  readonly violations: number
  /** The latest refused attempts, oldest first (at most 20). */
  readonly recentViolations: readonly { readonly action: string; readonly message: string; readonly at: number }[]
  /** Commits read ahead and held in memory for this plugin. */
  readonly buffered: number
  /** Commits in the batch the plugin is processing right now (0 when idle). */
  readonly inFlight: number
}

/** A log record from a plugin (or about it, from the host). */
export interface PluginLogRecord {
  readonly plugin: string
  readonly level: PluginLogLevel
  readonly message: string
  readonly fields?: Readonly<Record<string, JsonValue>>
}
