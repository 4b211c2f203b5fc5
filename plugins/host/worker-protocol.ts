import type { JsonValue } from '../spec/json-value.js'
import type { PluginLogLevel } from '../spec/plugin-logger.js'
import type { PluginPermissions } from '../spec/plugin-permissions.js'

/**
 * The messages between the host and a plugin worker. Every message is plain JSON and
 * travels as a JSON string, so nothing but data crosses the boundary. The worker asks
 * (`capability`), the host answers (`capability-result`); the host invokes hooks
 * (`invoke`), the worker answers (`result`).
 */

/** An error as it crosses the boundary. */
export interface WireError {
  readonly name: string
  readonly code?: string
  readonly message: string
  readonly details?: Readonly<Record<string, unknown>>
  readonly stack?: string
}

/** What the worker reports about the plugin it loaded. */
export interface PluginManifest {
  readonly name: string
  readonly version: string
  readonly apiVersion: 1
  readonly description?: string
  readonly trusted: boolean
  readonly permissions: PluginPermissions
  readonly hooks: {
    readonly onCommit?: { readonly maxCommits?: number; readonly maxWaitMs?: number; readonly timeoutMs?: number }
    readonly onQuery?: { readonly order?: 'pre' | 'post'; readonly timeoutMs?: number }
    readonly onSchedule?: { readonly everyMs: number; readonly timeoutMs?: number }
  }
}

/** The capabilities a worker can ask for. */
export type CapabilityName = 'read.get' | 'read.scan' | 'model.generate' | 'model.embed'

/** Host to worker. */
export type HostToWorkerMessage =
  | { readonly kind: 'init'; readonly moduleUrl: string; readonly exportName?: string; readonly config: JsonValue | null }
  | { readonly kind: 'invoke'; readonly invocationId: number; readonly hook: 'onCommit' | 'onQuery' | 'onSchedule'; readonly input: JsonValue }
  /** Liveness check while no hook runs: the plugin answers `pong` unless its event loop is stuck. */
  | { readonly kind: 'ping'; readonly pingId: number }
  | { readonly kind: 'capability-result'; readonly requestId: number; readonly ok: true; readonly value: JsonValue | null }
  | { readonly kind: 'capability-result'; readonly requestId: number; readonly ok: false; readonly error: WireError }

/** Worker to host. */
export type WorkerToHostMessage =
  | { readonly kind: 'ready'; readonly manifest: PluginManifest }
  | { readonly kind: 'init-failed'; readonly error: WireError }
  | { readonly kind: 'result'; readonly invocationId: number; readonly ok: true; readonly value: JsonValue | null }
  | { readonly kind: 'result'; readonly invocationId: number; readonly ok: false; readonly error: WireError }
  | { readonly kind: 'capability'; readonly requestId: number; readonly invocationId: number; readonly name: CapabilityName; readonly args: JsonValue }
  | { readonly kind: 'log'; readonly level: PluginLogLevel; readonly message: string; readonly fields?: Readonly<Record<string, JsonValue>> }
  | { readonly kind: 'pong'; readonly pingId: number }
  /** Sandbox only: the plugin tried something the sandbox refused (reported even if the plugin caught the error). */
  | { readonly kind: 'violation'; readonly action: string; readonly message: string }

/** Turns anything thrown into a {@link WireError}. */
export function toWireError(error: unknown): WireError {
  if (typeof error === 'object' && error !== null) {
    const record = error as { name?: unknown; code?: unknown; message?: unknown; details?: unknown; stack?: unknown }
    return {
      name: typeof record.name === 'string' ? record.name : 'Error',
      ...(typeof record.code === 'string' ? { code: record.code } : {}),
      message: typeof record.message === 'string' ? record.message : String(error),
      ...(typeof record.details === 'object' && record.details !== null ? { details: safeJson(record.details) as Record<string, unknown> } : {}),
      ...(typeof record.stack === 'string' ? { stack: record.stack } : {}),
    }
  }
  return { name: 'Error', message: String(error) }
}

function safeJson(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown
  } catch {
    return {}
  }
}
