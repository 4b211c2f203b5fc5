import { open as openEngine } from '../../core/index.js'
import { DEFAULT_PLUGIN_HOST_POLICY } from '../host/plugin-host-options.js'
import type { PluginLogRecord } from '../host/plugin-status.js'
import { PluginViolations } from '../host/plugin-violations.js'
import { startPlugin } from '../host/start-plugin.js'
import { deleteRegistration, readStoredPlugins, setStoredPluginEnabled, storeRegistration } from '../host/stored-plugins.js'
import type { PluginPermissions } from '../spec/plugin-permissions.js'

/** What a plugin's code reports about itself when loaded in the sandbox. */
export interface ReportedPlugin {
  readonly name: string
  readonly version: string
  readonly permissions: PluginPermissions
}

/**
 * How installed plugins are switched on in a database. The marketplace calls
 * `inspect` on staged code (after consent) to compare what the code declares with the
 * manifest the user consented to, then `enable` once the files are in place.
 *
 * @example
 * const activation: PluginActivation = createDatabaseActivation({ databasePath: './data' })
 */
export interface PluginActivation {
  /** Loads the plugin in the untrusted sandbox, reads its reported definition, stops it. */
  inspect(args: { readonly name: string; readonly moduleUrl: string }): Promise<ReportedPlugin>
  /**
   * Registers the plugin in the database as untrusted (`trusted: false`): it runs in the
   * sandbox on every open. `switchOn` (a new install) also clears a disabled flag left from
   * an earlier install; updates keep the user's choice.
   */
  enable(args: { readonly name: string; readonly moduleUrl: string; readonly switchOn?: boolean }): Promise<void>
  /** Removes the plugin's registration (its cursor and derived data stay). */
  disable(args: { readonly name: string }): Promise<void>
}

/**
 * The activation for a database directory: `enable` stores the registration
 * `{ module, trusted: false }` in `sys` (what `db.plugins.add` stores), so the package
 * root's `open()` starts the plugin in the sandbox; `disable` deletes it. The engine is
 * opened only for each change (strict durability) and closed again.
 */
export function createDatabaseActivation(args: { readonly databasePath: string; readonly onLog?: (record: PluginLogRecord) => void }): PluginActivation {
  const withEngine = async <T>(use: (engine: Awaited<ReturnType<typeof openEngine>>) => Promise<T>): Promise<T> => {
    const engine = await openEngine({ path: args.databasePath, durability: 'strict' })
    try {
      return await use(engine)
    } finally {
      await engine.close()
    }
  }
  return {
    async inspect({ moduleUrl }) {
      const connection = await startPlugin({
        registration: { module: moduleUrl, moduleUrl, trusted: false },
        policy: DEFAULT_PLUGIN_HOST_POLICY,
        databasePath: args.databasePath,
        capabilities: () => undefined,
        violations: new PluginViolations(),
        onLog: args.onLog ?? (() => {}),
      })
      try {
        const { name, version, permissions } = connection.manifest
        return { name, version, permissions }
      } finally {
        await connection.terminate()
      }
    },
    async enable({ name, moduleUrl, switchOn }) {
      await withEngine(async (engine) => {
        await storeRegistration(engine, { name, registration: { module: moduleUrl, moduleUrl, trusted: false } })
        if (switchOn === true) await setStoredPluginEnabled(engine, { name, enabled: true })
      })
    },
    async disable({ name }) {
      await withEngine(async (engine) => {
        if ((await readStoredPlugins(engine)).some((plugin) => plugin.name === name && plugin.registration !== null)) await deleteRegistration(engine, name)
      })
    },
  }
}
