import type { PluginLogger } from './plugin-logger.js'
import type { PluginModelClient } from './plugin-model-client.js'
import type { PluginReader } from './plugin-reader.js'

/**
 * What every hook receives: capabilities only. A plugin reaches data, models and logs
 * through these objects and nothing else; each call is a request message to the host,
 * which checks it against the plugin's permissions.
 */
export interface PluginHookContext<Config> {
  readonly plugin: { readonly name: string; readonly version: string }
  /** The plugin's config, parsed by its `configSchema`. */
  readonly config: Config
  /** Reads restricted to the granted keyspaces/prefixes, at the snapshot of the work item. */
  readonly read: PluginReader
  /** The guarded model client (scope `plugin:<name>`); every call fails without `permissions.model`. */
  readonly model: PluginModelClient
  readonly log: PluginLogger
}
