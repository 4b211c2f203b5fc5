import { BUILTIN_CARTRIDGE_FACTORIES } from '../cartridges/index.js'
import { createFieldIndexCartridge } from '../queries/index.js'

/**
 * Every cartridge kind the command can recreate from the recipe a database records: the
 * built-ins of cartridges/ plus the query layer's field index (kind `fields`), which
 * cartridges/ cannot import because it sits below queries/.
 */
export const CARTRIDGE_FACTORIES: typeof BUILTIN_CARTRIDGE_FACTORIES = Object.freeze({
  ...BUILTIN_CARTRIDGE_FACTORIES,
  fields: createFieldIndexCartridge as (typeof BUILTIN_CARTRIDGE_FACTORIES)[string],
})
