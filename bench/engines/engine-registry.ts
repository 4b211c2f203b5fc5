import type { EngineFactory, EngineName } from './bench-engine.js'
import { levelEngine } from './level-engine.js'
import { livingDbEngine } from './livingdb-engine.js'
import { lmdbEngine } from './lmdb-engine.js'
import { sqliteEngine } from './sqlite-engine.js'

/** Every engine factory by name, in the order the report lists them. */
export const ENGINE_FACTORIES: Readonly<Record<EngineName, EngineFactory>> = {
  livingdb: livingDbEngine,
  lmdb: lmdbEngine,
  'better-sqlite3': sqliteEngine,
  'classic-level': levelEngine,
}
