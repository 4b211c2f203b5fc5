/**
 * The plugin side of the host protocol, shared by the worker thread (trusted plugins)
 * and the sandbox process (untrusted plugins). It imports nothing but `node:` modules
 * and types, so the sandbox can run this one file with no file-system access at all.
 * It loads the plugin, reports its manifest, runs hooks on request and turns every
 * capability call (read, model, log) into a request message to the host.
 */
import type { JsonValue } from '../spec/json-value.js'
import type { PluginDefinition } from '../spec/plugin-definition.js'
import type { PluginHookContext } from '../spec/plugin-hook-context.js'
import type { PluginLogLevel } from '../spec/plugin-logger.js'
import type { PluginModelClient } from '../spec/plugin-model-client.js'
import type { PluginReader } from '../spec/plugin-reader.js'
import type { CapabilityName, HostToWorkerMessage, PluginManifest, WireError, WorkerToHostMessage } from './worker-protocol.js'

type HookName = 'onCommit' | 'onQuery' | 'onSchedule'

/** How the runtime talks to the host and loads code. */
export interface PluginRuntimeArgs {
  readonly send: (message: WorkerToHostMessage) => void
  /** Registers the handler for host messages. */
  readonly listen: (handler: (message: HostToWorkerMessage) => void) => void
  /** Imports the plugin module named in the init message. */
  readonly loadModule: (message: Extract<HostToWorkerMessage, { kind: 'init' }>) => Promise<Record<string, unknown>>
  /** Turns a zod schema into JSON Schema for `generateObject`. */
  readonly toJsonSchema: (schema: unknown) => Record<string, unknown>
  /** Runs after the plugin loaded, before its hooks may run (e.g. withdraw network globals). */
  readonly afterLoad?: (plugin: PluginDefinition) => void
}

const ERROR_MARKER = Symbol.for('livingdb.error')
const DEFINITION_MARKER = Symbol.for('livingdb.plugin-definition')

/** A LivingDbError look-alike (isInstance() recognises it) that needs no project import. */
export function runtimeError(code: string, message: string, details: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name: 'LivingDbError', code, details, [ERROR_MARKER]: true })
}

/** Turns anything thrown into a wire error. */
export function toWire(error: unknown): WireError {
  if (typeof error === 'object' && error !== null) {
    const record = error as { name?: unknown; code?: unknown; message?: unknown; details?: unknown; stack?: unknown }
    let details: Record<string, unknown> | undefined
    try {
      details = typeof record.details === 'object' && record.details !== null ? (JSON.parse(JSON.stringify(record.details)) as Record<string, unknown>) : undefined
    } catch {
      details = undefined
    }
    return {
      name: typeof record.name === 'string' ? record.name : 'Error',
      ...(typeof record.code === 'string' ? { code: record.code } : {}),
      message: typeof record.message === 'string' ? record.message : String(error),
      ...(details === undefined ? {} : { details }),
      ...(typeof record.stack === 'string' ? { stack: record.stack } : {}),
    }
  }
  return { name: 'Error', message: String(error) }
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue)
}

function isPlugin(value: unknown): value is PluginDefinition {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string | symbol, unknown>
  return candidate[DEFINITION_MARKER] === true || (candidate.apiVersion === 1 && typeof candidate.name === 'string' && typeof candidate.hooks === 'object' && candidate.hooks !== null)
}

function manifestOf(plugin: PluginDefinition): PluginManifest {
  const { onCommit, onQuery, onSchedule } = plugin.hooks
  return {
    name: plugin.name,
    version: plugin.version,
    apiVersion: 1,
    ...(plugin.description === undefined ? {} : { description: plugin.description }),
    trusted: plugin.trusted !== false,
    permissions: toJson(plugin.permissions) as unknown as PluginManifest['permissions'],
    hooks: toJson({
      ...(onCommit === undefined ? {} : { onCommit: typeof onCommit === 'function' ? {} : { maxCommits: onCommit.batch?.maxCommits, maxWaitMs: onCommit.batch?.maxWaitMs, timeoutMs: onCommit.timeoutMs } }),
      ...(onQuery === undefined ? {} : { onQuery: typeof onQuery === 'function' ? {} : { order: onQuery.order, timeoutMs: onQuery.timeoutMs } }),
      ...(onSchedule === undefined ? {} : { onSchedule: { everyMs: onSchedule.everyMs, timeoutMs: onSchedule.timeoutMs } }),
    }) as unknown as PluginManifest['hooks'],
  }
}

/** Starts answering the host: load on `init`, run hooks on `invoke`, settle capability calls. */
export function startPluginRuntime(args: PluginRuntimeArgs): void {
  let plugin: PluginDefinition | undefined
  let config: unknown
  let nextRequestId = 1
  const pending = new Map<number, { resolve: (value: JsonValue | null) => void; reject: (error: unknown) => void }>()

  const request = (invocationId: number, name: CapabilityName, requestArgs: unknown): Promise<JsonValue | null> => {
    const requestId = nextRequestId++
    return new Promise((resolve, reject) => {
      pending.set(requestId, { resolve, reject })
      args.send({ kind: 'capability', requestId, invocationId, name, args: toJson(requestArgs) })
    })
  }

  const contextFor = (invocationId: number): PluginHookContext<unknown> => {
    const definition = plugin!
    const read: PluginReader = {
      get: async (readArgs) => (await request(invocationId, 'read.get', readArgs)) ?? undefined,
      scan: async (scanArgs) => (await request(invocationId, 'read.scan', scanArgs)) as never,
    }
    const model: PluginModelClient = {
      generateText: async (generateArgs) => (await request(invocationId, 'model.generate', generateArgs)) as never,
      generateObject: async (objectArgs) => {
        const { schema, schemaName, ...rest } = objectArgs
        const reply = (await request(invocationId, 'model.generate', { ...rest, responseSchema: { name: schemaName ?? 'result', schema: args.toJsonSchema(schema) } })) as {
          text: string
          usage: { inputTokens: number; outputTokens: number }
          ledgerEntryId?: string | null
          modelId?: string | null
        }
        let candidate: unknown
        try {
          candidate = JSON.parse(reply.text)
        } catch {
          candidate = undefined
        }
        const parsed = schema.safeParse(candidate)
        if (!parsed.success) throw runtimeError('MODEL_OUTPUT_INVALID', `The model reply does not match the requested schema: ${parsed.error.message}. Simplify the schema or retry with a stronger model.`)
        return { object: parsed.data, usage: reply.usage, ledgerEntryId: reply.ledgerEntryId ?? null, modelId: reply.modelId ?? null }
      },
      embed: async (embedArgs) => (await request(invocationId, 'model.embed', embedArgs)) as never,
    }
    const logAt = (level: PluginLogLevel) => (message: string, fields?: Readonly<Record<string, JsonValue>>) =>
      args.send({ kind: 'log', level, message: String(message), ...(fields === undefined ? {} : { fields: toJson(fields) as Record<string, JsonValue> }) })
    return {
      plugin: { name: definition.name, version: definition.version },
      config,
      read,
      model,
      log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    }
  }

  const invoke = async (invocationId: number, hook: HookName, input: JsonValue): Promise<void> => {
    try {
      const declared = plugin?.hooks[hook] as unknown
      const handler = typeof declared === 'function' ? declared : (declared as { handler?: unknown } | undefined)?.handler
      if (typeof handler !== 'function') throw runtimeError('PLUGIN_HOOK_FAILED', `The plugin has no ${hook} hook; the host should not have called it.`)
      const value = await (handler as (hookArgs: unknown) => unknown)({ ...contextFor(invocationId), ...(input as Record<string, unknown>) })
      args.send({ kind: 'result', invocationId, ok: true, value: toJson(value) })
    } catch (error) {
      args.send({ kind: 'result', invocationId, ok: false, error: toWire(error) })
    }
  }

  const init = async (message: Extract<HostToWorkerMessage, { kind: 'init' }>): Promise<void> => {
    try {
      let module: Record<string, unknown>
      try {
        module = await args.loadModule(message)
      } catch (error) {
        throw runtimeError('PLUGIN_LOAD_FAILED', `Could not import plugin module ${message.moduleUrl}: ${(error as Error).message}. Check the path and that the module loads with node.`)
      }
      const candidates = message.exportName !== undefined ? [module[message.exportName]] : [module.default, ...Object.values(module)]
      const found = candidates.find(isPlugin)
      if (found === undefined) {
        throw runtimeError('PLUGIN_LOAD_FAILED', `Module ${message.moduleUrl} exports no plugin${message.exportName === undefined ? '' : ` named "${message.exportName}"`}. Export the result of definePlugin(...) (as default or named export).`)
      }
      plugin = found
      const schema = plugin.configSchema as { safeParse?: (value: unknown) => { success: boolean; data?: unknown; error?: { message: string } } } | undefined
      if (typeof schema?.safeParse === 'function') {
        const parsed = schema.safeParse(message.config ?? {})
        if (!parsed.success) throw runtimeError('PLUGIN_CONFIG_INVALID', `Plugin "${plugin.name}" rejects its config: ${parsed.error?.message ?? 'invalid'}. Pass a config matching its configSchema.`)
        config = parsed.data
      } else {
        config = message.config ?? {}
      }
      args.afterLoad?.(plugin)
      args.send({ kind: 'ready', manifest: manifestOf(plugin) })
    } catch (error) {
      args.send({ kind: 'init-failed', error: toWire(error) })
    }
  }

  args.listen((message) => {
    if (message.kind === 'init') void init(message)
    else if (message.kind === 'invoke') void invoke(message.invocationId, message.hook, message.input)
    else if (message.kind === 'ping') args.send({ kind: 'pong', pingId: message.pingId })
    else if (message.kind === 'capability-result') {
      const waiter = pending.get(message.requestId)
      if (waiter === undefined) return
      pending.delete(message.requestId)
      if (message.ok) waiter.resolve(message.value)
      else waiter.reject(runtimeError(message.error.code ?? 'PLUGIN_HOOK_FAILED', message.error.message, message.error.details ?? {}))
    }
  })
}
