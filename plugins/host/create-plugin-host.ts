import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { LivingDbError } from '../../errors/index.js'
import type { JsonValue } from '../spec/json-value.js'
import { PluginError } from '../spec/plugin-error.js'
import type { PluginQueryCandidate } from '../spec/plugin-hooks.js'
import type { PluginHostDatabase } from './host-database.js'
import { DEFAULT_PLUGIN_HOST_POLICY, type PluginHostOptions, type PluginHostPolicy, type PluginRegistration } from './plugin-host-options.js'
import type { PluginManifest } from './worker-protocol.js'
import type { PluginModelAccess } from './plugin-model-access.js'
import { PluginRunner } from './plugin-runner.js'
import { deleteRegistration, storeRegistration } from './stored-plugins.js'
import { PluginViolations } from './plugin-violations.js'
import { startPlugin, type ResolvedRegistration } from './start-plugin.js'
import type { PluginLogRecord, PluginStatus } from './plugin-status.js'

/** Arguments of {@link PluginHost.query}. */
export interface PluginQueryArgs {
  readonly question: string
  /** The query plan so far (plain JSON); plugins may rewrite it. */
  readonly plan: JsonValue
  readonly candidates?: readonly PluginQueryCandidate[]
}

/** What {@link PluginHost.query} returns: the final plan and candidates, and who changed what. */
export interface PluginQueryOutcome {
  readonly plan: JsonValue
  readonly candidates: readonly PluginQueryCandidate[]
  readonly contributions: readonly { readonly plugin: string; readonly addedCandidates: number; readonly rewrotePlan: boolean; readonly error?: { readonly code: string; readonly message: string } }[]
}

/**
 * The plugin host attached to one open database. See {@link createPluginHost}.
 */
export interface PluginHost {
  /** The manifests of the registered plugins (name, version, permissions, hooks). */
  list(): readonly PluginManifest[]
  /** Per plugin: state, durable cursor, lag, errors, restarts, dead letters, model spend. */
  status(): Promise<readonly PluginStatus[]>
  /** Resolves when every enabled, running plugin has processed every commit up to the head. */
  idle(): Promise<void>
  /** Turns a plugin on (persisted in `sys`); also lifts a halt after a dead letter. */
  enable(name: string): Promise<void>
  /** Turns a plugin off (persisted in `sys`; survives a reopen). */
  disable(name: string): Promise<void>
  /** Runs the `onQuery` hooks one after another (pre, normal, post); a failing plugin is skipped. */
  query(args: PluginQueryArgs): Promise<PluginQueryOutcome>
  /**
   * Starts one more plugin. With `persist: true` its registration is stored in `sys`, so
   * it starts again on every `open()` of this database (a plugin enabled in the database itself).
   */
  add(entry: string | URL | PluginRegistration, options?: { readonly persist?: boolean }): Promise<PluginManifest>
  /** Stops a plugin and deletes its stored registration (its cursor and dead letters stay). */
  remove(name: string): Promise<void>
  /** Stops every plugin (terminating its worker). Cursors are already durable. */
  close(): Promise<void>
}

/**
 * Starts the plugin host on an open database: loads each plugin in its own worker thread
 * (untrusted ones, `trusted: false`, in the sandbox process), checks the plugins against
 * each other (unique names and owned keyspaces), and starts delivering commits after each
 * plugin's durable cursor. Throws `PLUGIN_LOAD_FAILED`, `PLUGIN_CONFIG_INVALID`,
 * `PLUGIN_INVALID` or `PLUGIN_PERMISSION_DENIED` without leaving workers behind.
 *
 * @example
 * const db = await open({ path: './data', durability: 'group' })
 * const host = await createPluginHost({ db, plugins: [{ module: './plugins/topics.js', config: { limit: 5 } }] })
 * await db.write((tx) => tx.put('notes/1', { text: 'hello' }))
 * await host.idle()
 * console.log(await host.status())
 */
export async function createPluginHost(options: PluginHostOptions): Promise<PluginHost> {
  const context: HostContext = {
    db: options.db,
    policy: { ...DEFAULT_PLUGIN_HOST_POLICY, ...options.policy },
    onLog: options.onLog ?? defaultLog,
    ...(options.models === undefined ? {} : { models: options.models }),
  }
  const runners = await launch(context, (options.plugins ?? []).map(normalizeRegistration), [])
  await Promise.all(runners.map((runner) => runner.start()))
  return new RunningPluginHost(context, runners)
}

/** What every plugin of one host shares. */
interface HostContext {
  readonly db: PluginHostDatabase
  readonly policy: PluginHostPolicy
  readonly models?: PluginModelAccess
  readonly onLog: (record: PluginLogRecord) => void
}

/**
 * Starts the plugins of `registrations` side by side, checks them against each other and
 * against the `running` manifests, and returns their runners (not started yet). On any
 * failure every plugin it started is terminated before the error is rethrown.
 */
async function launch(context: HostContext, registrations: readonly ResolvedRegistration[], running: readonly PluginManifest[]): Promise<PluginRunner[]> {
  const violations = registrations.map(() => new PluginViolations())
  const runners: (PluginRunner | undefined)[] = registrations.map(() => undefined)
  const started = await Promise.allSettled(
    registrations.map((registration, index) =>
      startPlugin({ registration, policy: context.policy, databasePath: context.db.path, capabilities: () => runners[index]?.capabilities, violations: violations[index]!, onLog: context.onLog, onIdleExit: (reason) => runners[index]?.recordError(reason) }),
    ),
  )
  const workers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))
  const failure = started.find((outcome) => outcome.status === 'rejected')
  try {
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason
    checkManifests([...running, ...workers.map((worker) => worker.manifest)])
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()))
    throw error
  }
  return workers.map((worker, index) => {
    const runner = new PluginRunner({ db: context.db, registration: registrations[index]!, worker, violations: violations[index]!, policy: context.policy, onLog: context.onLog, ...(context.models === undefined ? {} : { models: context.models }) })
    runners[index] = runner
    return runner
  })
}

class RunningPluginHost implements PluginHost {
  #closed = false
  readonly db: PluginHostDatabase

  constructor(
    private readonly context: HostContext,
    private readonly runners: PluginRunner[],
  ) {
    this.db = context.db
  }

  async add(entry: string | URL | PluginRegistration, options: { readonly persist?: boolean } = {}): Promise<PluginManifest> {
    this.#assertOpen()
    const [runner] = await launch(this.context, [normalizeRegistration(entry)], this.list())
    this.runners.push(runner!)
    if (options.persist === true) await storeRegistration(this.db, { name: runner!.name, registration: runner!.registration })
    await runner!.start()
    return runner!.manifest
  }

  async remove(name: string): Promise<void> {
    this.#assertOpen()
    const runner = this.#runner(name)
    this.runners.splice(this.runners.indexOf(runner), 1)
    await runner.close()
    await deleteRegistration(this.db, name)
  }

  list(): readonly PluginManifest[] {
    return this.runners.map((runner) => runner.manifest)
  }

  async status(): Promise<readonly PluginStatus[]> {
    const head = await headTxnId(this.db)
    return this.runners.map((runner) => runner.status(head))
  }

  async idle(): Promise<void> {
    this.#assertOpen()
    for (;;) {
      const head = await headTxnId(this.db)
      await Promise.all(this.runners.map((runner) => runner.caughtUp(head)))
      await Promise.all(this.runners.map((runner) => runner.flush()))
      if ((await headTxnId(this.db)) === head) return
    }
  }

  async enable(name: string): Promise<void> {
    this.#assertOpen()
    await this.#runner(name).setEnabled(true)
  }

  async disable(name: string): Promise<void> {
    this.#assertOpen()
    await this.#runner(name).setEnabled(false)
  }

  async query(args: PluginQueryArgs): Promise<PluginQueryOutcome> {
    this.#assertOpen()
    const rank = (runner: PluginRunner): number => {
      const order = runner.manifest.hooks.onQuery?.order
      return order === 'pre' ? 0 : order === 'post' ? 2 : 1
    }
    const participants = this.runners.filter((runner) => runner.manifest.hooks.onQuery !== undefined && runner.active).sort((left, right) => rank(left) - rank(right))
    let plan = args.plan
    let candidates = [...(args.candidates ?? [])]
    const contributions: PluginQueryOutcome['contributions'][number][] = []
    for (const runner of participants) {
      try {
        const worker = runner.worker
        if (worker === undefined) throw new PluginError('PLUGIN_CRASHED', 'is restarting; skipped for this query.', { plugin: runner.name, hook: 'onQuery' })
        const result = (await worker.invoke({
          hook: 'onQuery',
          input: { question: args.question, plan, candidates } as unknown as JsonValue,
          timeoutMs: runner.manifest.hooks.onQuery?.timeoutMs ?? 2_000,
          scope: { snapshotTxnId: 'head', maxTxnId: 'head' },
        })) as { addCandidates?: PluginQueryCandidate[]; plan?: JsonValue } | null
        const added = parseCandidates(runner.name, result?.addCandidates)
        candidates = [...candidates, ...added]
        const rewrote = result !== null && result.plan !== undefined
        if (rewrote) plan = result.plan!
        contributions.push({ plugin: runner.name, addedCandidates: added.length, rewrotePlan: rewrote })
      } catch (error) {
        runner.recordError(error)
        const code = LivingDbError.isInstance(error) ? error.code : 'PLUGIN_HOOK_FAILED'
        contributions.push({ plugin: runner.name, addedCandidates: 0, rewrotePlan: false, error: { code, message: (error as Error).message } })
      }
    }
    return { plan, candidates, contributions }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all(this.runners.map((runner) => runner.close()))
  }

  #runner(name: string): PluginRunner {
    const runner = this.runners.find((candidate) => candidate.name === name)
    if (runner === undefined) {
      throw new LivingDbError('PLUGIN_NOT_FOUND', `No plugin named "${name}" is registered. Registered: ${this.runners.map((candidate) => candidate.name).join(', ') || '(none)'}.`, { details: { plugin: name } })
    }
    return runner
  }

  #assertOpen(): void {
    if (this.#closed) throw new LivingDbError('PLUGIN_HOST_CLOSED', 'The plugin host is closed. Open the database again to run plugins.')
  }
}

/** The head txn id of the database. */
export async function headTxnId(db: PluginHostDatabase): Promise<number> {
  return db.read((snapshot) => snapshot.txnId)
}

/** A plugin module as the URL the host loads: URLs as they are, paths resolved against the working directory. */
export function resolveModuleUrl(module: string | URL): string {
  return module instanceof URL ? module.href : module.startsWith('file:') ? module : pathToFileURL(isAbsolute(module) ? module : resolve(module)).href
}

function normalizeRegistration(entry: string | URL | PluginRegistration): ResolvedRegistration {
  const registration: PluginRegistration = typeof entry === 'string' || entry instanceof URL ? { module: entry } : entry
  if (typeof registration !== 'object' || registration === null || registration.module === undefined) {
    throw new LivingDbError('PLUGIN_INVALID', 'A plugin registration must be a module path, a URL, or { module, config? }. Plugin objects cannot cross into a worker: export the definePlugin(...) result from a module and pass its path.')
  }
  const moduleUrl = resolveModuleUrl(registration.module)
  try {
    JSON.stringify(registration.config ?? null)
  } catch (error) {
    throw new LivingDbError('PLUGIN_CONFIG_INVALID', `The config of plugin module ${moduleUrl} is not plain JSON. Pass numbers, strings, booleans, arrays and objects only.`, { cause: error })
  }
  return { ...registration, moduleUrl }
}

function checkManifests(manifests: readonly PluginManifest[]): void {
  const names = new Set<string>()
  const owners = new Map<string, string>()
  for (const manifest of manifests) {
    if (names.has(manifest.name)) throw new LivingDbError('PLUGIN_INVALID', `Two registered plugins are named "${manifest.name}". Plugin names must be unique within a database.`, { details: { plugin: manifest.name } })
    names.add(manifest.name)
    for (const keyspace of manifest.permissions.write) {
      const owner = owners.get(keyspace)
      if (owner !== undefined) {
        throw new LivingDbError('PLUGIN_INVALID', `Plugins "${owner}" and "${manifest.name}" both declare keyspace "${keyspace}" in permissions.write. A keyspace has one owning plugin; rename one.`, { details: { keyspace, plugins: [owner, manifest.name] } })
      }
      owners.set(keyspace, manifest.name)
    }
  }
}

function parseCandidates(plugin: string, value: unknown): PluginQueryCandidate[] {
  if (value === undefined || value === null) return []
  const valid = Array.isArray(value) && value.every((candidate) => typeof candidate?.keyspace === 'string' && typeof candidate?.key === 'string' && typeof candidate?.score === 'number' && typeof candidate?.source === 'string')
  if (!valid) throw new PluginError('PLUGIN_HOOK_FAILED', 'returned malformed addCandidates: each needs { keyspace, key, score, source }.', { plugin, hook: 'onQuery' })
  return value as PluginQueryCandidate[]
}

function defaultLog(record: PluginLogRecord): void {
  if (record.level === 'warn' || record.level === 'error') console.error(`[plugin ${record.plugin}] ${record.level}: ${record.message}`)
}
