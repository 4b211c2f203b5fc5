import { open as openEngine, type OpenOptions } from '../core/index.js'
import { createPluginHost, resolveModuleUrl } from '../plugins/host/create-plugin-host.js'
import type { PluginHostPolicy, PluginRegistration } from '../plugins/host/plugin-host-options.js'
import type { PluginModelAccess } from '../plugins/host/plugin-model-access.js'
import type { PluginLogRecord } from '../plugins/host/plugin-status.js'
import { readStoredPlugins } from '../plugins/host/stored-plugins.js'
import { attachPluginHost, type LivingDatabase } from './living-database.js'

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
  const { plugins, pluginPolicy, models, onPluginLog, startPlugins, ...engineOptions } = options
  const engine = await openEngine(engineOptions)
  try {
    const registrations = startPlugins === false ? [] : await allRegistrations(engine, plugins ?? [])
    const host = await createPluginHost({
      db: engine,
      plugins: registrations,
      ...(pluginPolicy === undefined ? {} : { policy: pluginPolicy }),
      ...(models === undefined ? {} : { models }),
      ...(onPluginLog === undefined ? {} : { onLog: onPluginLog }),
    })
    return attachPluginHost({ engine, host })
  } catch (error) {
    await engine.close()
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
