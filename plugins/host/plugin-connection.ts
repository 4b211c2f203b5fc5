import { LivingDbError, type ErrorCode } from '../../errors/index.js'
import type { JsonValue } from '../spec/json-value.js'
import { PluginError } from '../spec/plugin-error.js'
import type { PluginHookName } from '../spec/plugin-hooks.js'
import type { PluginLogLevel } from '../spec/plugin-logger.js'
import { checkManifest } from './check-manifest.js'
import type { PluginChannel } from './plugin-channel.js'
import { toWireError, type CapabilityName, type HostToWorkerMessage, type PluginManifest, type WorkerToHostMessage } from './worker-protocol.js'

/** Answers one capability request of a running hook; throws to refuse it. */
export type CapabilityHandler<Scope> = (args: { readonly scope: Scope; readonly name: CapabilityName; readonly args: JsonValue }) => Promise<JsonValue | null>

/** Arguments of {@link PluginConnection.start}. */
export interface PluginConnectionStartArgs<Scope> {
  /** Used in error messages until the manifest names the plugin. */
  readonly label: string
  /** The running worker or sandbox process to talk to. */
  readonly channel: PluginChannel
  /** The init message: which module to load, with which config. */
  readonly init: Extract<HostToWorkerMessage, { kind: 'init' }>
  /** How long importing the module may take, in ms. */
  readonly loadTimeoutMs: number
  readonly onCapability: CapabilityHandler<Scope>
  readonly onLog: (record: { readonly level: PluginLogLevel; readonly message: string; readonly fields?: Readonly<Record<string, JsonValue>> }) => void
  /** A sandboxed plugin tried something the sandbox refused. */
  readonly onViolation?: (violation: { readonly action: string; readonly message: string }) => void
  /**
   * Liveness check while no hook runs: every `intervalMs` the plugin must answer a ping
   * within `timeoutMs`, else it is terminated (`PLUGIN_UNRESPONSIVE`). This stops an
   * endless loop started outside a hook (a timer), which no hook timeout would see.
   */
  readonly liveness?: { readonly intervalMs: number; readonly timeoutMs: number }
  /** The plugin runs in the sandbox: its manifest says `trusted: false` whatever the plugin reported. */
  readonly sandboxed?: boolean
  /** The plugin died while no hook was running (crash, exit, liveness); pending hooks learn it from their rejection instead. */
  readonly onIdleExit?: (reason: LivingDbError) => void
}

/** Arguments of {@link PluginConnection.invoke}. */
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

/**
 * One running plugin (in a worker thread or a sandbox process), seen from the host:
 * start it, invoke hooks with a timeout, answer its capability requests, terminate it.
 * A timed-out hook terminates the plugin (this stops even an endless loop); a plugin
 * that throws at top level, runs out of memory or exits rejects every pending
 * invocation with `PLUGIN_CRASHED`.
 */
export class PluginConnection<Scope> {
  readonly manifest: PluginManifest
  readonly #channel: PluginChannel
  readonly #pending = new Map<number, PendingInvocation<Scope>>()
  readonly #onCapability: CapabilityHandler<Scope>
  #nextInvocationId = 1
  #alive = true
  #exitReason: LivingDbError | undefined
  #terminating = false
  #livenessTimer: NodeJS.Timeout | undefined
  #awaitedPong: { readonly pingId: number; readonly timer: NodeJS.Timeout } | undefined
  #nextPingId = 1
  #onIdleExit: ((reason: LivingDbError) => void) | undefined

  private constructor(channel: PluginChannel, manifest: PluginManifest, onCapability: CapabilityHandler<Scope>) {
    this.#channel = channel
    this.manifest = manifest
    this.#onCapability = onCapability
  }

  #startLiveness(liveness: NonNullable<PluginConnectionStartArgs<Scope>['liveness']>): void {
    this.#livenessTimer = setInterval(() => {
      if (!this.#alive || this.#pending.size > 0 || this.#awaitedPong !== undefined) return
      const pingId = this.#nextPingId++
      const timer = setTimeout(() => {
        if (this.#awaitedPong?.pingId !== pingId || this.#pending.size > 0) return (this.#awaitedPong = undefined)
        const reason = new PluginError('PLUGIN_UNRESPONSIVE', `did not answer a liveness check within ${liveness.timeoutMs} ms while no hook was running (an endless loop outside a hook?); it was terminated and will be restarted.`, {
          plugin: this.manifest.name,
          details: { timeoutMs: liveness.timeoutMs },
        })
        this.#die(reason)
        void this.#channel.terminate()
      }, liveness.timeoutMs)
      timer.unref()
      this.#awaitedPong = { pingId, timer }
      this.#channel.send(JSON.stringify({ kind: 'ping', pingId } satisfies HostToWorkerMessage))
    }, liveness.intervalMs)
    this.#livenessTimer.unref()
  }

  /** Sends `init` on a started channel and resolves once the plugin reported a valid manifest. */
  static async start<Scope>(args: PluginConnectionStartArgs<Scope>): Promise<PluginConnection<Scope>> {
    const channel = args.channel
    let instance: PluginConnection<Scope> | undefined
    let loading = true
    const manifest = await new Promise<PluginManifest>((resolve, reject) => {
      const fail = (error: unknown) => {
        if (!loading) return
        loading = false
        clearTimeout(timer)
        void channel.terminate()
        reject(error)
      }
      const timer = setTimeout(() => fail(new LivingDbError('PLUGIN_LOAD_FAILED', `Plugin ${args.label} did not finish loading within ${args.loadTimeoutMs} ms. Move slow work out of the module's top level.`)), args.loadTimeoutMs)
      channel.onExit((reason) => {
        if (loading) fail(new LivingDbError('PLUGIN_LOAD_FAILED', `Plugin ${args.label} stopped while loading: ${reason.message}`, { details: reason.details }))
        else if (instance !== undefined) instance.#die(new PluginError('PLUGIN_CRASHED', reason.message, { plugin: instance.manifest.name, details: reason.details }))
      })
      channel.onMessage((raw) => {
        let message: WorkerToHostMessage
        try {
          message = JSON.parse(raw) as WorkerToHostMessage
        } catch {
          return
        }
        if (message.kind === 'violation') return args.onViolation?.({ action: String(message.action), message: String(message.message) })
        if (instance !== undefined) return instance.#receive(message, args.onLog)
        if (!loading) return
        if (message.kind === 'ready') {
          try {
            const reported = checkManifest(message.manifest)
            const checked = args.sandboxed === true ? { ...reported, trusted: false } : reported
            loading = false
            clearTimeout(timer)
            resolve(checked)
          } catch (error) {
            fail(error)
          }
        } else if (message.kind === 'init-failed') {
          fail(new LivingDbError((message.error.code ?? 'PLUGIN_LOAD_FAILED') as ErrorCode, message.error.message, { details: message.error.details ?? {} }))
        } else if (message.kind === 'log') args.onLog(message)
      })
      channel.send(JSON.stringify(args.init))
    })
    instance = new PluginConnection(channel, manifest, args.onCapability)
    instance.#onIdleExit = args.onIdleExit
    if (args.liveness !== undefined) instance.#startLiveness(args.liveness)
    return instance
  }

  /** False once the plugin crashed, exited or was terminated. */
  get alive(): boolean {
    return this.#alive
  }

  /** Why the plugin is gone, when it is. */
  get exitReason(): LivingDbError | undefined {
    return this.#exitReason
  }

  /**
   * Runs a hook. Rejects with `PLUGIN_HOOK_TIMEOUT` (after terminating the worker),
   * `PLUGIN_CRASHED`, or the plugin's own error wrapped as `PLUGIN_HOOK_FAILED`.
   */
  invoke(args: PluginInvokeArgs<Scope>): Promise<JsonValue | null> {
    const name = this.manifest.name
    if (!this.#alive) return Promise.reject(this.#exitReason ?? new PluginError('PLUGIN_CRASHED', 'it is not running.', { plugin: name, hook: args.hook }))
    const invocationId = this.#nextInvocationId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(invocationId)
        reject(new PluginError('PLUGIN_HOOK_TIMEOUT', `did not finish within ${args.timeoutMs} ms; it was terminated and will be restarted. Make the hook faster, smaller batches, or raise its timeoutMs.`, {
          plugin: name,
          hook: args.hook,
          details: { timeoutMs: args.timeoutMs },
        }))
        void this.terminate()
      }, args.timeoutMs)
      this.#pending.set(invocationId, { hook: args.hook, scope: args.scope, resolve, reject, timer })
      this.#channel.send(JSON.stringify({ kind: 'invoke', invocationId, hook: args.hook as 'onCommit', input: args.input } satisfies HostToWorkerMessage))
    })
  }

  /** Stops the plugin (also an endless loop) and fails whatever is pending. */
  async terminate(): Promise<void> {
    this.#terminating = true
    this.#die(new PluginError('PLUGIN_CRASHED', 'it was terminated.', { plugin: this.manifest.name }))
    await this.#channel.terminate()
  }

  #die(reason: LivingDbError): void {
    clearInterval(this.#livenessTimer)
    if (this.#awaitedPong !== undefined) clearTimeout(this.#awaitedPong.timer)
    this.#awaitedPong = undefined
    if (this.#alive) {
      this.#alive = false
      this.#exitReason = reason
      if (this.#pending.size === 0 && !this.#terminating) this.#onIdleExit?.(reason)
    }
    for (const [id, invocation] of this.#pending) {
      clearTimeout(invocation.timer)
      this.#pending.delete(id)
      invocation.reject(this.#exitReason ?? reason)
    }
  }

  #receive(message: WorkerToHostMessage, onLog: PluginConnectionStartArgs<Scope>['onLog']): void {
    if (message.kind === 'log') return onLog({ level: message.level, message: String(message.message), ...(message.fields === undefined ? {} : { fields: message.fields }) })
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
    if (message.kind === 'pong') {
      if (this.#awaitedPong?.pingId === message.pingId) {
        clearTimeout(this.#awaitedPong.timer)
        this.#awaitedPong = undefined
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
    if (this.#alive) this.#channel.send(JSON.stringify(reply))
  }
}
