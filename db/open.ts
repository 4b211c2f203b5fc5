import { attachCartridges, type Cartridge } from '../cartridges/index.js'
import { open as openEngine, type OpenOptions } from '../core/index.js'
import type { LanguageModelV1, ModelMiddleware } from '../llm/index.js'
import { createPluginHost, resolveModuleUrl } from '../plugins/host/create-plugin-host.js'
import type { PluginHostPolicy, PluginRegistration } from '../plugins/host/plugin-host-options.js'
import type { PluginModelAccess } from '../plugins/host/plugin-model-access.js'
import type { PluginLogRecord } from '../plugins/host/plugin-status.js'
import { readStoredPlugins } from '../plugins/host/stored-plugins.js'
import { attachAsk, attachPluginHost, type LivingDatabase, type PluginDatabase } from './living-database.js'

/** Options of {@link open}: the engine's options plus the plugins. */
export interface LivingOpenOptions extends OpenOptions {
  /**
   * Plugins registered in code: module paths/URLs or `{ module, config?, trusted? }`.
   * Plugins registered in the database itself (`db.plugins.add`) start as well.
   */
  readonly plugins?: readonly (string | URL | PluginRegistration)[]
  /** Failure, batching and resource policy of the plugin host. */
  readonly pluginPolicy?: Partial<PluginHostPolicy>
  /** The guarded model client plugins call through (scope `plugin:<name>`). */
  readonly models?: PluginModelAccess
  /** Plugin log records. Default: warnings and errors go to stderr. */
  readonly onPluginLog?: (record: PluginLogRecord) => void
  /** `false` starts no plugin at all (tools that only inspect a database). Default true. */
  readonly startPlugins?: boolean
  /**
   * Cartridges kept current on the commit stream (exactly-once, each batch and cursor in one
   * transaction) and used by `db.ask()`: e.g. `createTopicsCartridge()`, `createHistoryCartridge()`.
   * A missing or stale index is rebuilt in the background after `open()` resolves;
   * `db.cartridges.idle()` waits for it.
   */
  readonly cartridges?: readonly Cartridge[]
  /** The model `db.ask()` plans and answers with (`provider:model` id or object). Default: offline. */
  readonly askModel?: string | LanguageModelV1
  /** Guards around `db.ask()`'s model calls (default: the default guards; `[]` for none). */
  readonly askGuards?: readonly ModelMiddleware[]
}

/**
 * Opens (or creates) a livingdb database: the storage engine, then the plugin host with
 * the plugins registered in code and those registered in the database itself (stored in
 * `sys`). If a plugin fails to start, the engine is closed again and the error is thrown
 * (`PLUGIN_LOAD_FAILED`, `PLUGIN_INVALID`, ...).
 *
 * @example
 * import { open } from 'livingdb'
 * const db = await open({ path: './data', durability: 'group', plugins: ['./plugins/topics.js'] })
 * await db.put('notes/1', { text: 'hello' })
 * await db.plugins.idle()
 * await db.close()
 */
export async function open(options: LivingOpenOptions = {}): Promise<LivingDatabase> {
  const { plugins, pluginPolicy, models, onPluginLog, startPlugins, cartridges, askModel, askGuards, ...engineOptions } = options
  const engine = await openEngine(engineOptions)
  let living: PluginDatabase | undefined
  try {
    const registrations = startPlugins === false ? [] : await allRegistrations(engine, plugins ?? [])
    const host = await createPluginHost({
      db: engine,
      plugins: registrations,
      ...(pluginPolicy === undefined ? {} : { policy: pluginPolicy }),
      ...(models === undefined ? {} : { models }),
      ...(onPluginLog === undefined ? {} : { onLog: onPluginLog }),
    })
    living = attachPluginHost({ engine, host })
    const attached = await attachCartridges({ db: living, cartridges: cartridges ?? [], background: true })
    return attachAsk({ db: living, cartridges: attached, ...(askModel === undefined ? {} : { model: askModel }), ...(askGuards === undefined ? {} : { guards: askGuards }) })
  } catch (error) {
    await (living ?? engine).close()
    throw error
  }
}

/** Code registrations, then stored ones whose module is not already registered in code. */
async function allRegistrations(engine: Parameters<typeof readStoredPlugins>[0], code: readonly (string | URL | PluginRegistration)[]): Promise<(string | URL | PluginRegistration)[]> {
  const stored = (await readStoredPlugins(engine)).flatMap((plugin) => (plugin.registration === null ? [] : [plugin.registration]))
  if (stored.length === 0) return [...code]
  const codeModules = new Set(code.map((entry) => resolveModuleUrl(typeof entry === 'string' || entry instanceof URL ? entry : entry.module)))
  return [...code, ...stored.filter((registration) => !codeModules.has(registration.module))]
}
