export { open, type LivingOpenOptions } from './open.js'
export { attachAsk, attachPluginHost, type LivingDatabase, type LivingDatabasePlugins, type PluginDatabase } from './living-database.js'
