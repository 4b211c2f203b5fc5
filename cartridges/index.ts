/**
 * livingdb cartridges: the spec v1 and its runtime (`attachCartridges`,
 * `openCartridge`, `rebuildCartridge`, typed queries), and the built-in cartridges.
 * The conformance suite (`cartridges/conformance/`) imports vitest and is not exported here.
 *
 * @example
 * const cartridges = await attachCartridges({ db, cartridges: [createTopicsCartridge({ source: { prefix: 'notes/' } })] })
 * await cartridges.idle()
 * cartridges.query('topics', 'search', { query: 'oslo' })
 */
import { createEntitiesCartridge } from './entities/index.js'
import { createRelationshipsCartridge } from './relationships/index.js'
import type { CartridgeFactory } from './spec/index.js'
import { createTasksCartridge } from './tasks/index.js'
import { createHistoryCartridge } from './temporal/index.js'
import { createTopicsCartridge } from './topics/index.js'
import { createVectorsCartridge } from './vectors/index.js'

export * from './spec/index.js'
export * from './topics/index.js'
export * from './temporal/index.js'
export * from './tasks/index.js'
export * from './entities/index.js'
export * from './relationships/index.js'
export * from './vectors/index.js'

/**
 * The built-in cartridge kinds by recipe kind: what `livingdb cartridges` can recreate
 * from a database's records without the app's code. Pass an extended copy to
 * `cartridgeFromRecipe` to add your own kinds.
 */
export const BUILTIN_CARTRIDGE_FACTORIES: Readonly<Record<string, CartridgeFactory>> = Object.freeze({
  topics: createTopicsCartridge as CartridgeFactory,
  history: createHistoryCartridge as CartridgeFactory,
  pending_tasks_by_type: createTasksCartridge as CartridgeFactory,
  entities: createEntitiesCartridge as CartridgeFactory,
  relationships: createRelationshipsCartridge as CartridgeFactory,
  vectors: createVectorsCartridge as CartridgeFactory,
})
