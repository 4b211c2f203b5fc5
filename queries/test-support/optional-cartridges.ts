import type { Cartridge } from '../../cartridges/spec/index.js'

/** The entities, relationships and vectors cartridges, when their modules exist in this tree. */
export async function optionalCartridges(): Promise<Cartridge[]> {
  return []
}
