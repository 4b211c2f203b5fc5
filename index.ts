/**
 * livingdb: an embedded, plugin-first living database for TypeScript.
 *
 * @example
 * import { open } from 'livingdb'
 * const db = await open({ path: './data', durability: 'strict' })
 * await db.put('notes/1', { text: 'hi' })
 */
export * from './core/index.js'
// The package's open(): the engine plus the plugin host (shadows core's open, which stays available as openEngine).
export { open, attachPluginHost, attachAsk, type LivingDatabase, type LivingDatabasePlugins, type LivingOpenOptions, type PluginDatabase } from './db/index.js'
export { open as openEngine } from './core/index.js'
export {
  definePlugin,
  PluginError,
  createPluginHost,
  readStoredPlugins,
  setStoredPluginEnabled,
  DEFAULT_PLUGIN_HOST_POLICY,
  type PluginDefinition,
  type PluginPermissions,
  type PluginHooks,
  type PluginHost,
  type PluginHostPolicy,
  type PluginRegistration,
  type PluginManifest,
  type PluginStatus,
  type PluginState,
  type PluginViolation,
  type StoredPlugin,
} from './plugins/index.js'
export {
  attachCartridges,
  defineCartridge,
  defineCartridgeQuery,
  createTopicsCartridge,
  createHistoryCartridge,
  createTasksCartridge,
  createVectorsCartridge,
  createEntitiesCartridge,
  createRelationshipsCartridge,
  type Cartridge,
  type AttachedCartridges,
} from './cartridges/index.js'
export type { AskOptions, AskResult, AskResultItem, Citation } from './queries/index.js'
export { LivingDbError, StorageError, CorruptionError, ERROR_CODES, type ErrorCode } from './errors/index.js'
