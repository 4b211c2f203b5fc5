import type { Database } from '../core/index.js'
import type { PluginHost } from '../plugins/host/create-plugin-host.js'
import type { PluginRegistration } from '../plugins/host/plugin-host-options.js'
import type { PluginStatus } from '../plugins/host/plugin-status.js'
import type { PluginManifest } from '../plugins/host/worker-protocol.js'

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
export interface LivingDatabase extends Database {
  /** list, status, idle, enable, disable, add, remove. */
  readonly plugins: LivingDatabasePlugins
  /** The plugin host itself (the query layer dispatches `onQuery` through it). */
  readonly pluginHost: PluginHost
}

/** Turns an open engine into a {@link LivingDatabase} driven by `host` (used by `open()`). */
export function attachPluginHost(args: { readonly engine: Database; readonly host: PluginHost }): LivingDatabase {
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
    close: { value: close },
  })
  return engine as LivingDatabase
}
