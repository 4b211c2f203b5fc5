import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import type { Cartridge } from './cartridge-definition.js'

const CARTRIDGE_MARKER = Symbol.for('livingdb.cartridge-definition')
const keyspaceName = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'a keyspace name is 1-64 lower-case letters, digits, "_", "." or "-", starting with a letter')
  .refine((name) => name !== 'sys' && name !== 'default', 'a cartridge cannot own the reserved keyspaces "sys" or "default"')
const isFunction = (value: unknown): boolean => typeof value === 'function'
const isZod = (value: unknown): boolean => typeof value === 'object' && value !== null && isFunction((value as { safeParse?: unknown }).safeParse)

/** Validates a cartridge definition (functions and zod schemas are checked by kind). */
export const cartridgeDefinitionSchema = z.object({
  specificationVersion: z.literal('v1', { message: 'specificationVersion must be "v1" (this runtime implements cartridge spec v1)' }),
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'name must be 1-64 lower-case letters, digits, "_" or "-", starting with a letter'),
  version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, 'version must be semver, e.g. "1.0.0"'),
  formatVersion: z.number().int().positive(),
  modelId: z.string().min(1).nullable().optional(),
  fingerprint: z.unknown().optional(),
  recipe: z.object({ kind: z.string().min(1), options: z.unknown() }).optional(),
  keyspaces: z.array(keyspaceName).min(1).refine((names) => new Set(names).size === names.length, 'keyspaces must be distinct'),
  sources: z.array(z.object({ keyspace: z.string().min(1), prefix: z.string().optional() }).strict()).min(1),
  apply: z.custom(isFunction, 'apply must be a function'),
  queries: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'a query name is camelCase'),
        description: z.string().min(1),
        input: z.custom(isZod, 'input must be a zod schema'),
        output: z.custom(isZod, 'output must be a zod schema'),
        run: z.custom(isFunction, 'run must be a function'),
      }),
    )
    .refine((queries) => new Set(queries.map((query) => query.name)).size === queries.length, 'query names must be distinct'),
  stats: z.custom(isFunction, 'stats must be a function'),
  listFacts: z.custom(isFunction, 'listFacts must be a function'),
})

/**
 * Declares a cartridge: checks the definition and returns it frozen. Throws
 * `CARTRIDGE_INVALID` naming every problem. See {@link CartridgeV1} for an example.
 */
export function defineCartridge<Definition extends Cartridge>(definition: Definition): Definition {
  const parsed = cartridgeDefinitionSchema.safeParse(definition)
  if (!parsed.success) {
    const name = typeof (definition as { name?: unknown } | null)?.name === 'string' ? (definition as { name: string }).name : '(unnamed)'
    throw new LivingDbError('CARTRIDGE_INVALID', `Cartridge "${name}" has an invalid definition: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Fix the fields named above (see docs/cartridges.md).`, {
      details: { cartridge: name, issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })) },
    })
  }
  return Object.freeze({ ...definition, [CARTRIDGE_MARKER]: true })
}

/** True when `value` came from {@link defineCartridge} (works across module copies). */
export function isCartridge(value: unknown): value is Cartridge {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CARTRIDGE_MARKER] === true
}

/** `<name>@<version>`: what the cartridge records as provenance `plugin` when no plugin feeds it. */
export function cartridgeProducer(cartridge: Pick<Cartridge, 'name' | 'version'>): string {
  return `${cartridge.name}@${cartridge.version}`
}

/** The commit origin of the cartridge runtime's own writes (`cartridge:<name>`); such commits are never fed back. */
export function cartridgeOrigin(cartridge: Pick<Cartridge, 'name'>): string {
  return `cartridge:${cartridge.name}`
}
