export { open, type LivingOpenOptions } from './open.js'
export { attachPluginHost, type LivingDatabase, type LivingDatabasePlugins } from './living-database.js'
