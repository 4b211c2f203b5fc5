/**
 * Runs inside the sandbox process, before the plugin module loads. Node's permission
 * model (`--experimental-permission`) already refuses file access outside the granted
 * paths, child processes, worker threads, native addons, the inspector and WASI; this
 * file closes what Node 20's permission model does not cover and makes every refused
 * attempt visible to the host:
 * - network: every export of `net`, `http`, `https`, `http2`, `tls`, `dgram`, `dns` and
 *   `dns/promises` throws, and so do the globals `fetch`, `WebSocket` and `EventSource`;
 * - `process.kill` (it could signal the host), `process.exit`/`abort`/`reallyExit`,
 *   `os.setPriority` (it could renice the host), `trace_events` (it writes a log file
 *   even without a write grant), `v8.setFlagsFromString` (natives syntax) and
 *   `process.env` reads (reported; the env is empty);
 * - file, process and worker calls refused by the permission model are reported too,
 *   even when the plugin catches the error.
 * It imports nothing but `node:` modules: it runs with no read access to the project.
 */
import { syncBuiltinESMExports } from 'node:module'

/** Reports one refused attempt to the host (`action`: e.g. `net.connect`, `fs.readFileSync`). */
export type ReportViolation = (action: string, message: string) => void

const DENIED_CODE = 'PLUGIN_SANDBOX_VIOLATION'
const ERROR_MARKER = Symbol.for('livingdb.error')
const NETWORK_MODULES = ['net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises'] as const
const DENIED_MODULES = ['child_process', 'worker_threads', 'cluster', 'trace_events', 'inspector', 'wasi'] as const
const PERMISSION_CHECKED_MODULES = ['fs', 'fs/promises'] as const
const NETWORK_GLOBALS = ['fetch', 'WebSocket', 'EventSource'] as const
/** Environment names Node itself reads lazily; a read of any other name is the plugin's. */
const NODE_OWN_ENV = /^(NODE_|UV_|WATCH_REPORT_DEPENDENCIES$|TZ$|FORCE_COLOR$|NO_COLOR$|TERM$|COLORTERM$|CI$|TEAMCITY_VERSION$|TMUX$|DEBUG$)/

function denial(action: string, message: string): Error {
  return Object.assign(new Error(`The sandbox refused ${action}: ${message}`), { name: 'LivingDbError', code: DENIED_CODE, details: { action }, [ERROR_MARKER]: true })
}

/** A function that reports and throws, usable with and without `new`. */
function denier(action: string, message: string, report: ReportViolation): () => never {
  return function denied(): never {
    report(action, message)
    throw denial(action, message)
  }
}

function replaceExports(moduleName: string, exports: Record<string, unknown>, replacement: (name: string, value: unknown) => unknown): void {
  for (const name of Object.getOwnPropertyNames(exports)) {
    const descriptor = Object.getOwnPropertyDescriptor(exports, name)
    if (descriptor === undefined || !('value' in descriptor)) continue
    const next = replacement(name, descriptor.value)
    if (next === descriptor.value) continue
    if (descriptor.configurable) Object.defineProperty(exports, name, { value: next, writable: false, configurable: false, enumerable: descriptor.enumerable ?? true })
    else if (descriptor.writable) exports[name] = next
    else throw new Error(`sandbox lockdown could not replace ${moduleName}.${name}`)
  }
}

function isAccessDenied(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_ACCESS_DENIED'
}

/** Wraps a permission-checked function so a refusal by Node is reported even if the plugin catches it. */
function reportingWrapper(action: string, original: (...args: unknown[]) => unknown, report: ReportViolation): (...args: unknown[]) => unknown {
  const refused = (error: unknown) => report(action, `${(error as Error).message} (${describeTarget(error)})`)
  return function wrapped(this: unknown, ...args: unknown[]): unknown {
    const last = args.length - 1
    if (last >= 0 && typeof args[last] === 'function') {
      const callback = args[last] as (...callbackArgs: unknown[]) => unknown
      args[last] = (...callbackArgs: unknown[]) => {
        if (isAccessDenied(callbackArgs[0])) refused(callbackArgs[0])
        return callback(...callbackArgs)
      }
    }
    let result: unknown
    try {
      result = original.apply(this, args)
    } catch (error) {
      if (isAccessDenied(error)) refused(error)
      throw error
    }
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        if (isAccessDenied(error)) refused(error)
        throw error
      })
    }
    return result
  }
}

function describeTarget(error: unknown): string {
  const record = error as { resource?: unknown; permission?: unknown }
  return [typeof record.permission === 'string' ? record.permission : undefined, typeof record.resource === 'string' ? record.resource : undefined].filter(Boolean).join(' ') || 'outside the grants'
}

/**
 * Locks the process down. `exit` receives the real `process.exit`, which the sandbox
 * keeps for itself (to leave when the host goes away).
 */
export function lockDownSandbox(args: { readonly report: ReportViolation }): { readonly exit: (code: number) => never } {
  const { report } = args
  const builtin = (name: string) => process.getBuiltinModule(name) as Record<string, unknown>
  // The original classes stay reachable through instances (`someSocket.constructor`), so their
  // connecting methods are closed on the prototypes too, not only the module exports.
  const net = builtin('net') as { Socket: { prototype: object }; Server: { prototype: object } }
  const dgram = builtin('dgram') as { Socket: { prototype: object } }
  const prototypes: readonly [string, object, readonly string[]][] = [
    ['net.Socket', net.Socket.prototype, ['connect']],
    ['net.Server', net.Server.prototype, ['listen']],
    ['dgram.Socket', dgram.Socket.prototype, ['bind', 'connect', 'send']],
  ]
  for (const [owner, prototype, methods] of prototypes) {
    for (const method of methods) Object.defineProperty(prototype, method, { value: denier(`${owner}.${method}`, 'untrusted plugins have no network access.', report), configurable: false, writable: false })
  }
  for (const name of NETWORK_MODULES) {
    replaceExports(name, builtin(name), (exportName, value) => (typeof value === 'function' ? denier(`${name}.${exportName}`, 'untrusted plugins have no network access; models are reached through the model capability.', report) : value))
  }
  for (const name of DENIED_MODULES) {
    replaceExports(name, builtin(name), (exportName, value) => (typeof value === 'function' ? denier(`${name}.${exportName}`, 'untrusted plugins may not start processes, threads or tracing.', report) : value))
  }
  for (const name of PERMISSION_CHECKED_MODULES) {
    replaceExports(name, builtin(name), (exportName, value) => (typeof value === 'function' && /^[a-z]/.test(exportName) ? reportingWrapper(`${name}.${exportName}`, value as (...values: unknown[]) => unknown, report) : value))
  }
  const os = builtin('os')
  replaceExports('os', os, (exportName, value) => (exportName === 'setPriority' ? denier('os.setPriority', 'untrusted plugins may not change process priorities.', report) : value))
  // V8 flags set at run time could enable natives syntax (%-intrinsics, reachable through vm).
  replaceExports('v8', builtin('v8'), (exportName, value) => (exportName === 'setFlagsFromString' ? denier('v8.setFlagsFromString', 'untrusted plugins may not change V8 flags.', report) : value))
  syncBuiltinESMExports()

  for (const name of NETWORK_GLOBALS) {
    Object.defineProperty(globalThis, name, { value: denier(name, 'untrusted plugins have no network access.', report), configurable: false, writable: false })
  }
  const realExit = process.exit.bind(process) as (code: number) => never
  const lifecycle = { kill: 'signal other processes (the host included)', exit: 'end the sandbox; return or throw from the hook instead', reallyExit: 'end the sandbox', abort: 'end the sandbox', dlopen: 'load native code', chdir: 'change directory' }
  for (const [name, what] of Object.entries(lifecycle)) {
    Object.defineProperty(process, name, { value: denier(`process.${name}`, `untrusted plugins may not ${what}.`, report), configurable: false, writable: false })
  }
  const env = Object.create(null) as Record<string, string>
  Object.defineProperty(process, 'env', {
    configurable: false,
    enumerable: true,
    value: new Proxy(env, {
      get: (target, property) => {
        if (typeof property === 'string' && !NODE_OWN_ENV.test(property)) report('process.env', `read of "${property}" (the sandbox environment is empty)`)
        return typeof property === 'string' ? target[property] : undefined
      },
      ownKeys: (target) => {
        report('process.env', 'listed the environment (the sandbox environment is empty)')
        return Reflect.ownKeys(target)
      },
      set: (_target, property) => {
        report('process.env', `write of "${String(property)}"`)
        return true
      },
    }),
  })
  return { exit: realExit }
}
