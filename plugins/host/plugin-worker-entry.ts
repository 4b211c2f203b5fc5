/**
 * The code that runs inside a trusted plugin's worker thread: the shared plugin runtime
 * over `parentPort`, importing the plugin module by URL. Nothing but JSON strings
 * crosses the port.
 */
import { parentPort } from 'node:worker_threads'
import { z } from 'zod'
import { runtimeError, startPluginRuntime } from './plugin-runtime.js'
import type { HostToWorkerMessage } from './worker-protocol.js'

const port = parentPort
if (port === null) throw new Error('plugin-worker-entry must run inside a worker thread')

startPluginRuntime({
  send: (message) => port.postMessage(JSON.stringify(message)),
  listen: (handler) => port.on('message', (raw: string) => handler(JSON.parse(raw) as HostToWorkerMessage)),
  loadModule: async (message) => (await import(message.moduleUrl)) as Record<string, unknown>,
  toJsonSchema: (schema) => z.toJSONSchema(schema as z.ZodType) as Record<string, unknown>,
  afterLoad: (plugin) => {
    if (plugin.permissions.network) return
    // Best effort for trusted worker plugins: the web networking globals throw. The sandbox enforces more.
    const denied = (): never => {
      throw runtimeError('PLUGIN_PERMISSION_DENIED', 'This plugin has no network permission. Declare permissions.network: true to use the network.')
    }
    for (const name of ['fetch', 'WebSocket', 'EventSource']) Object.defineProperty(globalThis, name, { value: denied, configurable: false, writable: false })
  },
})
