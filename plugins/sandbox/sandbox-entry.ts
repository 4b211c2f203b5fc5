/**
 * The program of an untrusted plugin's sandbox process. The host starts it under Node's
 * permission model with an empty environment and an IPC channel as its only link; it
 * locks the process down (see `sandbox-lockdown.ts`), then runs the shared plugin
 * runtime over the channel. Only JSON strings cross the channel. It imports nothing but
 * `node:` modules and the runtime, so it needs read access to those files only.
 */
import { format } from 'node:util'
import { startPluginRuntime } from '../host/plugin-runtime.js'
import type { HostToWorkerMessage, WorkerToHostMessage } from '../host/worker-protocol.js'
import { lockDownSandbox } from './sandbox-lockdown.js'

const channel = process as unknown as { send?: (message: string) => boolean; on: (event: string, listener: (message: unknown) => void) => void; connected?: boolean }
const send = channel.send?.bind(process)
if (send === undefined) throw new Error('sandbox-entry must be started by the plugin host with an IPC channel')

const post = (message: WorkerToHostMessage) => {
  if (channel.connected !== false) send(JSON.stringify(message))
}
// stdout and stderr are /dev/null (a pipe would hand the plugin a net.Socket): console output goes to the host's log.
const levels = { debug: 'debug', log: 'info', info: 'info', warn: 'warn', error: 'error', trace: 'debug' } as const
for (const [method, level] of Object.entries(levels)) {
  Object.defineProperty(console, method, { value: (...values: unknown[]) => post({ kind: 'log', level, message: format(...values).slice(0, 10_000) }), configurable: true, writable: true })
}
const { exit } = lockDownSandbox({ report: (action, message) => post({ kind: 'violation', action, message }) })
// The host is gone: nobody will ever ask again.
channel.on('disconnect', () => exit(0))

startPluginRuntime({
  send: post,
  listen: (handler) => channel.on('message', (raw) => handler(JSON.parse(String(raw)) as HostToWorkerMessage)),
  loadModule: async (message) => (await import(message.moduleUrl)) as Record<string, unknown>,
  toJsonSchema: (schema) => {
    // No zod here (the sandbox cannot read the project): zod 4 schemas convert themselves.
    const convert = (schema as { toJSONSchema?: () => Record<string, unknown> } | null)?.toJSONSchema
    if (typeof convert !== 'function') throw new Error('generateObject in the sandbox needs a zod 4 schema (one with .toJSONSchema()); bundle zod 4 with the plugin.')
    return convert.call(schema)
  },
})
