import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeDatabase, CartridgeSnapshot } from './cartridge-database.js'
import type { CartridgeQueryOperation } from './cartridge-query.js'
import type { CartridgeJson } from './cartridge-storage.js'
import { scopeSnapshot } from './scoped-access.js'

/** Arguments of {@link queryCartridge}. */
export interface QueryCartridgeArgs {
  readonly db: CartridgeDatabase
  readonly cartridge: Cartridge
  /** The query operation's name. */
  readonly name: string
  /** Parsed with the operation's input schema. */
  readonly input: unknown
  /** Answer as of this txn id (`db.readAt`); default the latest commit. */
  readonly asOf?: number
}

/** The named query operation, or `CARTRIDGE_QUERY_NOT_FOUND` listing the ones that exist. */
export function findQuery(cartridge: Cartridge, name: string): CartridgeQueryOperation<unknown, unknown> {
  const operation = cartridge.queries.find((query) => query.name === name)
  if (operation === undefined) {
    throw new LivingDbError('CARTRIDGE_QUERY_NOT_FOUND', `Cartridge "${cartridge.name}" has no query "${name}". Its queries are: ${cartridge.queries.map((query) => query.name).join(', ') || '(none)'}.`, {
      details: { cartridge: cartridge.name, query: name },
    })
  }
  return operation
}

/** Runs one query operation on a snapshot: input and output are checked against the schemas. */
export function runQueryOnSnapshot(cartridge: Cartridge, operation: CartridgeQueryOperation<unknown, unknown>, input: unknown, snapshot: CartridgeSnapshot): unknown {
  const parsed = operation.input.safeParse(input)
  if (!parsed.success) {
    throw new LivingDbError('CARTRIDGE_QUERY_INVALID', `Input of ${cartridge.name}.${operation.name} is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Pass what the input schema describes (listCartridgeQueries shows it).`, {
      details: { cartridge: cartridge.name, query: operation.name },
    })
  }
  const output = operation.run({ input: parsed.data, reader: scopeSnapshot(cartridge, snapshot) })
  const checked = operation.output.safeParse(output)
  if (!checked.success) {
    throw new LivingDbError('CARTRIDGE_QUERY_INVALID', `Output of ${cartridge.name}.${operation.name} does not match its schema (${z.prettifyError(checked.error).replaceAll('\n', '; ')}); this is a bug in the cartridge.`, {
      details: { cartridge: cartridge.name, query: operation.name },
    })
  }
  return checked.data
}

/**
 * Runs a cartridge query at the latest commit or as of `asOf`, e.g.
 * `queryCartridge({ db, cartridge: topics, name: 'search', input: { query: 'oslo', limit: 10 } })`.
 */
export function queryCartridge(args: QueryCartridgeArgs): unknown {
  const operation = findQuery(args.cartridge, args.name)
  const run = (snapshot: CartridgeSnapshot): unknown => runQueryOnSnapshot(args.cartridge, operation, args.input, snapshot)
  return args.asOf === undefined ? args.db.read(run) : args.db.readAt(args.asOf, run)
}

/** One query operation as a planner lists it: name, description, JSON Schemas. */
export interface CartridgeQueryDescription {
  readonly cartridge: string
  readonly name: string
  readonly description: string
  readonly inputSchema: CartridgeJson
  readonly outputSchema: CartridgeJson
}

/** Every query operation of the cartridges, with input/output as JSON Schema (for a planner or `cartridges list`). */
export function listCartridgeQueries(cartridges: readonly Cartridge[]): CartridgeQueryDescription[] {
  return cartridges.flatMap((cartridge) =>
    cartridge.queries.map((query) => ({
      cartridge: cartridge.name,
      name: query.name,
      description: query.description,
      inputSchema: z.toJSONSchema(query.input, { unrepresentable: 'any' }) as CartridgeJson,
      outputSchema: z.toJSONSchema(query.output, { unrepresentable: 'any' }) as CartridgeJson,
    })),
  )
}
