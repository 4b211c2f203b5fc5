import type { AttachedCartridges } from '../cartridges/index.js'
import type { Database } from '../core/index.js'
import type { LanguageModelV1, ModelMiddleware } from '../llm/index.js'
import type { PluginHost } from '../plugins/host/create-plugin-host.js'
import type { PluginRegistration } from '../plugins/host/plugin-host-options.js'
import type { PluginStatus } from '../plugins/host/plugin-status.js'
import type { PluginManifest } from '../plugins/host/worker-protocol.js'
import { ask, type AskOptions, type AskResult } from '../queries/index.js'

/** The plugins of an open {@link LivingDatabase}: `db.plugins`. */
export interface LivingDatabasePlugins {
  /** Manifests of the running plugins (name, version, permissions, hooks, trusted). */
  list(): readonly PluginManifest[]
  /** Per plugin: state, cursor, lag, errors, restarts, dead letters, model spend, sandbox violations. */
  status(): Promise<readonly PluginStatus[]>
  /** Resolves when every enabled plugin has caught up to the head. */
  idle(): Promise<void>
  /** Turns a plugin on (persisted in `sys`); also lifts a halt after a dead letter. */
  enable(name: string): Promise<void>
  /** Turns a plugin off (persisted in `sys`; survives a reopen). */
  disable(name: string): Promise<void>
  /**
   * Registers a plugin in the database itself: it starts now and on every later `open()`
   * of this database, without being named in code. Untrusted plugins: `{ module, trusted: false }`.
   */
  add(entry: string | URL | PluginRegistration): Promise<PluginManifest>
  /** Stops a plugin and forgets its stored registration (its cursor and dead letters stay). */
  remove(name: string): Promise<void>
}

/**
 * An open livingdb database, as `open()` from the package root returns it: the storage
 * engine's `Database` itself (every engine method, `instanceof Database` holds) plus
 * `plugins`, the plugin host on its commit stream. `close()` stops the plugins (their
 * cursors are durable) before it closes the engine.
 *
 * `ask(question, options)` (natural-language queries) is attached here by the queries
 * layer when the package root wires it; the engine and the plugins need nothing from it.
 *
 * @example
 * const db = await open({ path: './data', plugins: ['./plugins/topics.js'] })
 * await db.put('notes/1', { text: 'living databases grow' })
 * await db.plugins.idle()
 * console.table(await db.plugins.status())
 * await db.close()
 */
export interface LivingDatabase extends PluginDatabase {
  /** The cartridges given to `open({ cartridges })`: status, idle, rebuild, query. */
  readonly cartridges: AttachedCartridges
  /**
   * Answers a natural-language question over the records and the cartridges: a validated,
   * costed plan, scored results with citations, and an answer when `answer: true`.
   * Indexes follow the commit stream; `await db.plugins.idle(); await db.cartridges.idle()`
   * first to see your own latest writes in cartridge-backed steps.
   *
   * @example
   * const { results, answer } = await db.ask('open high priority tasks', { limit: 5, answer: true })
   */
  ask(question: string, options?: AskOptions): Promise<AskResult>
}

/** The engine's `Database` with its plugin host attached (before cartridges and `ask`). */
export interface PluginDatabase extends Database {
  /** list, status, idle, enable, disable, add, remove. */
  readonly plugins: LivingDatabasePlugins
  /** The plugin host itself (the query layer dispatches `onQuery` through it). */
  readonly pluginHost: PluginHost
}

/**
 * Adds `cartridges` and `ask()` to a database with its plugin host (used by `open()`);
 * `close()` then detaches the cartridges (cursors persisted) before the plugins and the engine.
 */
export function attachAsk(args: { readonly db: PluginDatabase; readonly cartridges: AttachedCartridges; readonly model?: string | LanguageModelV1; readonly guards?: readonly ModelMiddleware[] }): LivingDatabase {
  const { db, cartridges } = args
  const closeRest = db.close.bind(db)
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await cartridges.close()
      } finally {
        await closeRest()
      }
    })()
    return closing
  }
  const askQuestion = (question: string, options: AskOptions = {}): Promise<AskResult> =>
    ask({
      db,
      cartridges: cartridges.names.map((name) => cartridges.get(name).cartridge),
      plugins: db.pluginHost,
      question,
      options,
      ...(args.model === undefined ? {} : { model: args.model }),
      ...(args.guards === undefined ? {} : { guards: args.guards }),
    })
  Object.defineProperties(db, {
    cartridges: { value: cartridges, enumerable: true },
    ask: { value: askQuestion },
    close: { value: close },
  })
  return db as LivingDatabase
}

/** Turns an open engine into a {@link LivingDatabase} driven by `host` (used by `open()`). */
export function attachPluginHost(args: { readonly engine: Database; readonly host: PluginHost }): PluginDatabase {
  const { engine, host } = args
  const closeEngine = engine.close.bind(engine)
  let closing: Promise<void> | undefined
  const plugins: LivingDatabasePlugins = Object.freeze({
    list: () => host.list(),
    status: () => host.status(),
    idle: () => host.idle(),
    enable: (name: string) => host.enable(name),
    disable: (name: string) => host.disable(name),
    add: (entry: string | URL | PluginRegistration) => host.add(entry, { persist: true }),
    remove: (name: string) => host.remove(name),
  })
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await host.close()
      } finally {
        await closeEngine()
      }
    })()
    return closing
  }
  Object.defineProperties(engine, {
    plugins: { value: plugins, enumerable: true },
    pluginHost: { value: host },
    // configurable: attachAsk wraps close() again so the cartridges detach first.
    close: { value: close, configurable: true },
  })
  return engine as PluginDatabase
}
