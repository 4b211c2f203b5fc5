import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { LivingDbError, type ErrorCode } from '../../errors/index.js'
import type { JsonValue } from '../spec/json-value.js'
import { PluginError } from '../spec/plugin-error.js'
import type { PluginHookName } from '../spec/plugin-hooks.js'
import type { PluginLogLevel } from '../spec/plugin-logger.js'
import { toWireError, type CapabilityName, type HostToWorkerMessage, type PluginManifest, type WorkerToHostMessage } from './worker-protocol.js'

/** Answers one capability request of a running hook; throws to refuse it. */
export type CapabilityHandler<Scope> = (args: { readonly scope: Scope; readonly name: CapabilityName; readonly args: JsonValue }) => Promise<JsonValue | null>

/** Arguments of {@link PluginWorker.start}. */
export interface PluginWorkerStartArgs<Scope> {
  /** Used in error messages until the manifest names the plugin. */
  readonly label: string
  readonly moduleUrl: string
  readonly exportName?: string
  readonly config: JsonValue | null
  /** V8 old-generation heap limit of the worker, in MB. */
  readonly heapLimitMb: number
  /** How long importing the module may take, in ms. */
  readonly loadTimeoutMs: number
  readonly onCapability: CapabilityHandler<Scope>
  readonly onLog: (record: { readonly level: PluginLogLevel; readonly message: string; readonly fields?: Readonly<Record<string, JsonValue>> }) => void
}

/** Arguments of {@link PluginWorker.invoke}. */
export interface PluginInvokeArgs<Scope> {
  readonly hook: PluginHookName
  readonly input: JsonValue
  readonly timeoutMs: number
  /** What capability calls made during this invocation may see (e.g. the snapshot txn id). */
  readonly scope: Scope
}

interface PendingInvocation<Scope> {
  readonly hook: PluginHookName
  readonly scope: Scope
  readonly resolve: (value: JsonValue | null) => void
  readonly reject: (error: unknown) => void
  readonly timer: NodeJS.Timeout
}

const HERE = import.meta.url
const RUNNING_FROM_SOURCE = HERE.endsWith('.ts')
const ENTRY_URL = new URL(RUNNING_FROM_SOURCE ? './plugin-worker-entry.ts' : './plugin-worker-entry.js', HERE).href

/**
 * One plugin running in a worker thread, seen from the host: start it, invoke hooks with
 * a timeout, answer its capability requests, terminate it. A timed-out hook terminates
 * the worker (this stops even an endless loop); a worker that throws, runs out of
 * memory or exits rejects every pending invocation with `PLUGIN_CRASHED`.
 */
export class PluginWorker<Scope> {
  readonly manifest: PluginManifest
  readonly #worker: Worker
  readonly #pending = new Map<number, PendingInvocation<Scope>>()
  readonly #onCapability: CapabilityHandler<Scope>
  #nextInvocationId = 1
  #alive = true
  #exitReason: LivingDbError | undefined

  private constructor(worker: Worker, manifest: PluginManifest, onCapability: CapabilityHandler<Scope>) {
    this.#worker = worker
    this.manifest = manifest
    this.#onCapability = onCapability
  }

  /** Starts a worker, imports the plugin and resolves once it reported its manifest. */
  static async start<Scope>(args: PluginWorkerStartArgs<Scope>): Promise<PluginWorker<Scope>> {
    const worker = new Worker(bootstrapSource(args.moduleUrl), {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: args.heapLimitMb, maxYoungGenerationSizeMb: Math.max(4, Math.min(32, Math.floor(args.heapLimitMb / 4))) },
    })
    let instance: PluginWorker<Scope> | undefined
    const manifest = await new Promise<PluginManifest>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new LivingDbError('PLUGIN_LOAD_FAILED', `Plugin ${args.label} did not finish loading within ${args.loadTimeoutMs} ms. Move slow work out of the module's top level.`))
        void worker.terminate()
      }, args.loadTimeoutMs)
      const fail = (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      }
      worker.once('error', (error) => fail(new LivingDbError('PLUGIN_LOAD_FAILED', `Plugin ${args.label} crashed while loading: ${error.message}`, { cause: error })))
      worker.once('exit', (code) => fail(new LivingDbError('PLUGIN_LOAD_FAILED', `Plugin ${args.label} exited with code ${code} while loading.`)))
      worker.on('message', (raw: string) => {
        const message = JSON.parse(raw) as WorkerToHostMessage
        if (instance !== undefined) return instance.#receive(message, args.onLog)
        if (message.kind === 'ready') {
          clearTimeout(timer)
          resolve(message.manifest)
        } else if (message.kind === 'init-failed') {
          fail(new LivingDbError((message.error.code ?? 'PLUGIN_LOAD_FAILED') as ErrorCode, message.error.message, { details: message.error.details ?? {} }))
          void worker.terminate()
        }
      })
      worker.postMessage(JSON.stringify({ kind: 'init', moduleUrl: args.moduleUrl, config: args.config, ...(args.exportName === undefined ? {} : { exportName: args.exportName }) } satisfies HostToWorkerMessage))
    })
    instance = new PluginWorker(worker, manifest, args.onCapability)
    worker.removeAllListeners('error')
    worker.removeAllListeners('exit')
    worker.on('error', (error) => instance!.#die(new PluginError('PLUGIN_CRASHED', `crashed: ${error.message}`, { plugin: manifest.name, cause: error, details: { errorCode: (error as { code?: string }).code ?? null } })))
    worker.on('exit', (code) => instance!.#die(new PluginError('PLUGIN_CRASHED', `its worker exited with code ${code}.`, { plugin: manifest.name, details: { exitCode: code } })))
    return instance
  }

  /** False once the worker crashed, exited or was terminated. */
  get alive(): boolean {
    return this.#alive
  }

  /** Why the worker is gone, when it is. */
  get exitReason(): LivingDbError | undefined {
    return this.#exitReason
  }

  /**
   * Runs a hook. Rejects with `PLUGIN_HOOK_TIMEOUT` (after terminating the worker),
   * `PLUGIN_CRASHED`, or the plugin's own error wrapped as `PLUGIN_HOOK_FAILED`.
   */
  invoke(args: PluginInvokeArgs<Scope>): Promise<JsonValue | null> {
    const name = this.manifest.name
    if (!this.#alive) return Promise.reject(this.#exitReason ?? new PluginError('PLUGIN_CRASHED', 'its worker is not running.', { plugin: name, hook: args.hook }))
    const invocationId = this.#nextInvocationId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(invocationId)
        reject(new PluginError('PLUGIN_HOOK_TIMEOUT', `did not finish within ${args.timeoutMs} ms; the worker was terminated and will be restarted. Make the hook faster, smaller batches, or raise its timeoutMs.`, {
          plugin: name,
          hook: args.hook,
          details: { timeoutMs: args.timeoutMs },
        }))
        void this.terminate()
      }, args.timeoutMs)
      this.#pending.set(invocationId, { hook: args.hook, scope: args.scope, resolve, reject, timer })
      this.#worker.postMessage(JSON.stringify({ kind: 'invoke', invocationId, hook: args.hook as 'onCommit', input: args.input } satisfies HostToWorkerMessage))
    })
  }

  /** Stops the worker (also an endless loop) and fails whatever is pending. */
  async terminate(): Promise<void> {
    this.#die(new PluginError('PLUGIN_CRASHED', 'its worker was terminated.', { plugin: this.manifest.name }))
    await this.#worker.terminate()
  }

  #die(reason: LivingDbError): void {
    if (this.#alive) {
      this.#alive = false
      this.#exitReason = reason
    }
    for (const [id, invocation] of this.#pending) {
      clearTimeout(invocation.timer)
      this.#pending.delete(id)
      invocation.reject(this.#exitReason ?? reason)
    }
  }

  #receive(message: WorkerToHostMessage, onLog: PluginWorkerStartArgs<Scope>['onLog']): void {
    if (message.kind === 'log') return onLog({ level: message.level, message: message.message, ...(message.fields === undefined ? {} : { fields: message.fields }) })
    if (message.kind === 'result') {
      const invocation = this.#pending.get(message.invocationId)
      if (invocation === undefined) return
      this.#pending.delete(message.invocationId)
      clearTimeout(invocation.timer)
      if (message.ok) invocation.resolve(message.value)
      else {
        const code = message.error.code === 'PLUGIN_PERMISSION_DENIED' ? 'PLUGIN_PERMISSION_DENIED' : 'PLUGIN_HOOK_FAILED'
        invocation.reject(new PluginError(code, `threw ${message.error.code ?? message.error.name}: ${message.error.message}`, {
          plugin: this.manifest.name,
          hook: invocation.hook,
          details: { thrown: { name: message.error.name, code: message.error.code ?? null, message: message.error.message, stack: message.error.stack ?? null } },
        }))
      }
      return
    }
    if (message.kind === 'capability') void this.#answer(message)
  }

  async #answer(message: Extract<WorkerToHostMessage, { kind: 'capability' }>): Promise<void> {
    const invocation = this.#pending.get(message.invocationId)
    let reply: HostToWorkerMessage
    try {
      if (invocation === undefined) {
        throw new PluginError('PLUGIN_HOOK_FAILED', `called ${message.name} after its hook returned. Await every capability call inside the hook.`, { plugin: this.manifest.name })
      }
      const value = await this.#onCapability({ scope: invocation.scope, name: message.name, args: message.args })
      reply = { kind: 'capability-result', requestId: message.requestId, ok: true, value }
    } catch (error) {
      reply = { kind: 'capability-result', requestId: message.requestId, ok: false, error: toWireError(error) }
    }
    if (this.#alive) this.#worker.postMessage(JSON.stringify(reply))
  }
}

/**
 * The worker's first code: registers tsx when the entry or the plugin is TypeScript
 * (tests, `node --import tsx` apps), then imports the entry module.
 */
function bootstrapSource(moduleUrl: string): string {
  const needsTypeScript = RUNNING_FROM_SOURCE || /\.[mc]?ts$/.test(new URL(moduleUrl).pathname)
  const tsx = needsTypeScript ? tsxApiUrl() : undefined
  const register = tsx === undefined ? '' : `const { register } = await import(${JSON.stringify(tsx)}); register();`
  return `(async () => { ${register} await import(${JSON.stringify(ENTRY_URL)}) })().catch((error) => { process.nextTick(() => { throw error }) })`
}

function tsxApiUrl(): string {
  try {
    const packageJson = createRequire(HERE).resolve('tsx/package.json')
    return pathToFileURL(packageJson.replace(/package\.json$/, 'dist/esm/api/index.mjs')).href
  } catch (error) {
    throw new LivingDbError('PLUGIN_LOAD_FAILED', 'A TypeScript plugin needs the "tsx" package to load in a worker. Install tsx (npm i -D tsx) or compile the plugin to JavaScript.', { cause: error })
  }
}
