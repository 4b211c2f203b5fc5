import type { ZodType } from 'zod'
import type { CartridgeReader } from './cartridge-storage.js'

/** Arguments of a query operation's `run`. */
export interface CartridgeQueryRunArgs<Input> {
  /** The input, already parsed by the operation's `input` schema. */
  readonly input: Input
  /** The database at the version asked for (latest, or `asOf`). */
  readonly reader: CartridgeReader
}

/**
 * A typed query operation. The input and output are zod schemas, so a planner can list
 * every operation (name, description, schemas as JSON Schema) and validate plans.
 *
 * @example
 * const count: CartridgeQueryOperation<{ prefix: string }, number> = {
 *   name: 'count',
 *   description: 'How many indexed records start with a prefix.',
 *   input: z.object({ prefix: z.string() }),
 *   output: z.number().int(),
 *   run: ({ input, reader }) => [...reader.keyspace('mine').scan({ prefix: `doc/${input.prefix}` })].length,
 * }
 */
export interface CartridgeQueryOperation<Input = unknown, Output = unknown> {
  /** camelCase, unique within the cartridge. */
  readonly name: string
  readonly description: string
  readonly input: ZodType<Input>
  readonly output: ZodType<Output>
  /** Answers from the reader only (synchronously, so it runs inside one snapshot). */
  run(args: CartridgeQueryRunArgs<Input>): Output
}

/** Declares a query operation with its types inferred from the schemas. */
export function defineCartridgeQuery<Input, Output>(operation: CartridgeQueryOperation<Input, Output>): CartridgeQueryOperation<Input, Output> {
  return Object.freeze({ ...operation })
}
