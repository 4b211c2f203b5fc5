/**
 * The code that runs inside a plugin's worker thread. It imports the plugin module,
 * parses the config, reports the manifest, runs hooks on request and turns every
 * capability call (read, model, log) into a request message to the host. Nothing but
 * JSON strings crosses `parentPort`.
 */
import { parentPort } from 'node:worker_threads'
import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import type { ErrorCode } from '../../errors/index.js'
import { isPluginDefinition } from '../spec/define-plugin.js'
import type { JsonValue } from '../spec/json-value.js'
import type { PluginDefinition } from '../spec/plugin-definition.js'
import type { PluginHookContext } from '../spec/plugin-hook-context.js'
import type { PluginLogLevel } from '../spec/plugin-logger.js'
import type { PluginModelClient } from '../spec/plugin-model-client.js'
import type { PluginReader } from '../spec/plugin-reader.js'
import { manifestOf } from './plugin-manifest.js'
import { toWireError, type CapabilityName, type HostToWorkerMessage, type WireError, type WorkerToHostMessage } from './worker-protocol.js'

const port = parentPort
if (port === null) throw new Error('plugin-worker-entry must run inside a worker thread')

let plugin: PluginDefinition | undefined
let config: unknown
let nextRequestId = 1
const pending = new Map<number, { resolve: (value: JsonValue | null) => void; reject: (error: unknown) => void }>()

function send(message: WorkerToHostMessage): void {
  port!.postMessage(JSON.stringify(message))
}

function fromWire(error: WireError): LivingDbError {
  const code = (error.code ?? 'PLUGIN_HOOK_FAILED') as ErrorCode
  return new LivingDbError(code, error.message, { details: error.details ?? {} })
}

function request(invocationId: number, name: CapabilityName, args: JsonValue): Promise<JsonValue | null> {
  const requestId = nextRequestId++
  return new Promise((resolve, reject) => {
    pending.set(requestId, { resolve, reject })
    send({ kind: 'capability', requestId, invocationId, name, args: toJson(args) })
  })
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue)
}

function contextFor(invocationId: number): PluginHookContext<unknown> {
  const definition = plugin!
  const read: PluginReader = {
    get: async (args) => (await request(invocationId, 'read.get', toJson(args))) ?? undefined,
    scan: async (args) => (await request(invocationId, 'read.scan', toJson(args))) as never,
  }
  const model: PluginModelClient = {
    generateText: async (args) => (await request(invocationId, 'model.generate', toJson(args))) as never,
    generateObject: async (args) => {
      const { schema, schemaName, ...rest } = args
      const reply = (await request(invocationId, 'model.generate', toJson({ ...rest, responseSchema: { name: schemaName ?? 'result', schema: z.toJSONSchema(schema) } }))) as {
        text: string
        usage: { inputTokens: number; outputTokens: number }
      }
      let candidate: unknown
      try {
        candidate = JSON.parse(reply.text)
      } catch {
        candidate = undefined
      }
      const parsed = schema.safeParse(candidate)
      if (!parsed.success) {
        throw new LivingDbError('MODEL_OUTPUT_INVALID', `The model reply does not match the requested schema: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Simplify the schema or retry with a stronger model.`)
      }
      return { object: parsed.data, usage: reply.usage }
    },
    embed: async (args) => (await request(invocationId, 'model.embed', toJson(args))) as never,
  }
  const logAt = (level: PluginLogLevel) => (message: string, fields?: Readonly<Record<string, JsonValue>>) =>
    send({ kind: 'log', level, message: String(message), ...(fields === undefined ? {} : { fields: toJson(fields) as Record<string, JsonValue> }) })
  return {
    plugin: { name: definition.name, version: definition.version },
    config,
    read,
    model,
    log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
  }
}

function handlerOf(hook: 'onCommit' | 'onQuery' | 'onSchedule'): ((args: never) => unknown) | undefined {
  const declared = plugin?.hooks[hook] as unknown
  if (typeof declared === 'function') return declared as (args: never) => unknown
  if (typeof declared === 'object' && declared !== null) return (declared as { handler: (args: never) => unknown }).handler
  return undefined
}

async function invoke(invocationId: number, hook: 'onCommit' | 'onQuery' | 'onSchedule', input: JsonValue): Promise<void> {
  try {
    const handler = handlerOf(hook)
    if (handler === undefined) throw new LivingDbError('PLUGIN_HOOK_FAILED', `The plugin has no ${hook} hook; the host should not have called it.`)
    const value = await handler({ ...contextFor(invocationId), ...(input as Record<string, unknown>) } as never)
    send({ kind: 'result', invocationId, ok: true, value: toJson(value) })
  } catch (error) {
    send({ kind: 'result', invocationId, ok: false, error: toWireError(error) })
  }
}

async function init(message: Extract<HostToWorkerMessage, { kind: 'init' }>): Promise<void> {
  try {
    let module: Record<string, unknown>
    try {
      module = (await import(message.moduleUrl)) as Record<string, unknown>
    } catch (error) {
      throw new LivingDbError('PLUGIN_LOAD_FAILED', `Could not import plugin module ${message.moduleUrl}: ${(error as Error).message}. Check the path and that the module loads with node.`, { cause: error })
    }
    const candidates = message.exportName !== undefined ? [module[message.exportName]] : [module.default, ...Object.values(module)]
    const found = candidates.find((value) => isPluginDefinition(value))
    if (found === undefined) {
      throw new LivingDbError('PLUGIN_LOAD_FAILED', `Module ${message.moduleUrl} exports no plugin${message.exportName === undefined ? '' : ` named "${message.exportName}"`}. Export the result of definePlugin(...) (as default or named export).`)
    }
    plugin = found
    const schema = plugin.configSchema
    if (schema !== undefined) {
      const parsed = schema.safeParse(message.config ?? {})
      if (!parsed.success) {
        throw new LivingDbError('PLUGIN_CONFIG_INVALID', `Plugin "${plugin.name}" rejects its config: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Pass a config matching its configSchema.`)
      }
      config = parsed.data
    } else {
      config = message.config ?? {}
    }
    if (!plugin.permissions.network) withdrawNetwork()
    send({ kind: 'ready', manifest: manifestOf(plugin) })
  } catch (error) {
    send({ kind: 'init-failed', error: toWireError(error) })
  }
}

/** Best effort for trusted worker plugins: the web networking globals throw. The sandbox enforces more. */
function withdrawNetwork(): void {
  const denied = (): never => {
    throw new LivingDbError('PLUGIN_PERMISSION_DENIED', 'This plugin has no network permission. Declare permissions.network: true to use the network.')
  }
  for (const name of ['fetch', 'WebSocket', 'EventSource']) {
    Object.defineProperty(globalThis, name, { value: denied, configurable: false, writable: false })
  }
}

port.on('message', (raw: string) => {
  const message = JSON.parse(raw) as HostToWorkerMessage
  if (message.kind === 'init') void init(message)
  else if (message.kind === 'invoke') void invoke(message.invocationId, message.hook, message.input)
  else if (message.kind === 'capability-result') {
    const waiter = pending.get(message.requestId)
    if (waiter === undefined) return
    pending.delete(message.requestId)
    if (message.ok) waiter.resolve(message.value)
    else waiter.reject(fromWire(message.error))
  }
})
