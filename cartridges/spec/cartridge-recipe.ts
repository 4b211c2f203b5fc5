import { LivingDbError } from '../../errors/index.js'
import { CURSOR_KEYSPACE } from './cartridge-cursor.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeHostTransaction } from './cartridge-database.js'
import type { CartridgeJson, CartridgeKeyspaceReader } from './cartridge-storage.js'

/**
 * How to make a cartridge again from plain JSON: a registered kind and its options.
 * Built-in cartridges set it, so tools that open a database without the app's code
 * (`livingdb cartridges stats|rebuild`) can recreate them exactly as configured.
 */
export interface CartridgeRecipe {
  /** A kind known to the runtime, e.g. `topics`, `history`, `pending_tasks_by_type`. */
  readonly kind: string
  /** The options the factory of that kind takes (plain JSON). */
  readonly options: CartridgeJson
}

/** Makes a cartridge of one kind from its JSON options (e.g. `createTopicsCartridge`). */
export type CartridgeFactory = (options: never) => Cartridge

/** What the database records about an attached or built cartridge (in `sys`). */
export interface CartridgeDefinitionRecord {
  readonly name: string
  readonly version: string
  readonly formatVersion: number
  readonly keyspaces: readonly string[]
  /** Null for a cartridge without a recipe: only the app that defines it can open it. */
  readonly recipe: CartridgeRecipe | null
}

/** The `sys` key of a cartridge's definition record. */
export function definitionKey(name: string): string {
  return `cartridges/${name}/definition`
}

/** The definition record of `cartridge`. */
export function definitionRecord(cartridge: Cartridge): CartridgeDefinitionRecord {
  return { name: cartridge.name, version: cartridge.version, formatVersion: cartridge.formatVersion, keyspaces: [...cartridge.keyspaces], recipe: cartridge.recipe ?? null }
}

/** Writes the definition record inside a transaction (unless it is already there, unchanged). */
export function writeDefinitionRecord(cartridge: Cartridge, transaction: CartridgeHostTransaction): void {
  const sys = transaction.keyspace(CURSOR_KEYSPACE)
  const record = definitionRecord(cartridge)
  if (JSON.stringify(sys.get(definitionKey(cartridge.name))) !== JSON.stringify(record)) sys.put(definitionKey(cartridge.name), record as unknown as CartridgeJson)
}

/** Every cartridge definition recorded in a database's `sys` keyspace, by name. */
export function readDefinitionRecords(sys: CartridgeKeyspaceReader): CartridgeDefinitionRecord[] {
  const records: CartridgeDefinitionRecord[] = []
  for (const entry of sys.scan({ prefix: 'cartridges/' })) {
    if (typeof entry.key === 'string' && entry.key.endsWith('/definition')) records.push(entry.value as unknown as CartridgeDefinitionRecord)
  }
  return records
}

/**
 * Recreates a cartridge from its recipe with one of `factories` (kind → factory).
 * Throws `CARTRIDGE_NOT_FOUND` naming the known kinds when the kind is not among them.
 *
 * @example
 * cartridgeFromRecipe({ kind: 'topics', options: { source: { prefix: 'notes/' } } }, { topics: createTopicsCartridge })
 */
export function cartridgeFromRecipe(recipe: CartridgeRecipe, factories: Readonly<Record<string, CartridgeFactory>>): Cartridge {
  const factory = Object.hasOwn(factories, recipe.kind) ? factories[recipe.kind] : undefined
  if (factory === undefined) {
    throw new LivingDbError('CARTRIDGE_NOT_FOUND', `No cartridge kind "${recipe.kind}" is known here (known: ${Object.keys(factories).join(', ') || 'none'}). Open the database from the app that defines it, or register the kind.`, {
      details: { kind: recipe.kind },
    })
  }
  return factory(recipe.options as never)
}
