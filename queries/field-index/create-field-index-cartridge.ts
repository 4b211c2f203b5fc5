import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import { type CartridgeKeyspaceReader, type CartridgeV1, defineCartridge, defineCartridgeQuery } from '../../cartridges/spec/index.js'
import { applyFieldIndex, type FieldIndexForward, type FieldIndexStats } from './apply-field-index.js'
import { fieldIndexKeys, type IndexedValue } from './field-index-keys.js'

/** Options of {@link createFieldIndexCartridge}. */
export interface FieldIndexCartridgeOptions {
  /** Cartridge name (default `fields`); also its keyspace unless `keyspace` is given. */
  readonly name?: string
  readonly keyspace?: string
  /** The records to index (default: every key of the default keyspace). */
  readonly source?: { readonly keyspace?: string; readonly prefix?: string }
  /** Top-level fields to index (default `'scalars'`: every field holding a short string, a number, a boolean, or an array of them). */
  readonly fields?: 'scalars' | readonly string[]
}

/** The version recorded in provenance (`fields@<version>`). */
export const FIELD_INDEX_CARTRIDGE_VERSION = '1.0.0'

const scalar = z.union([z.string().min(1), z.number(), z.boolean()])
const isoDate = /^\d{4}-\d{2}-\d{2}/

function normalized(value: IndexedValue): IndexedValue {
  return typeof value === 'string' ? value.toLowerCase() : value
}

/** Keys of the records holding any of `values` in `field` under `prefix`, in key order. */
function matchValues(space: CartridgeKeyspaceReader, field: string, values: readonly IndexedValue[], prefix: string, limit: number): string[] {
  const keys = new Set<string>()
  for (const value of values) {
    for (const entry of space.scan({ prefix: fieldIndexKeys.valuePrefix(field, normalized(value)) })) {
      const key = (entry.value as { key: string }).key
      if (key.startsWith(prefix)) keys.add(key)
    }
  }
  return [...keys].sort().slice(0, limit)
}

/** Keys of the records whose ISO-date string `field` is within the bounds, under `prefix`, in key order. */
function matchDateRange(space: CartridgeKeyspaceReader, field: string, range: { gte?: string; gt?: string; lte?: string; lt?: string }, prefix: string, limit: number): string[] {
  const fieldPrefix = fieldIndexKeys.fieldPrefix(field)
  const keys: string[] = []
  const lower = range.gte ?? range.gt
  const scan = lower === undefined ? { prefix: `${fieldPrefix}s:` } : { prefix: `${fieldPrefix}s:`, gte: fieldIndexKeys.valuePrefix(field, lower.toLowerCase()) }
  for (const entry of space.scan(scan)) {
    const stored = String(entry.key)
    const value = decodeURIComponent(stored.slice(fieldPrefix.length + 2, stored.lastIndexOf('/')))
    if (!isoDate.test(value)) continue
    if (range.lt !== undefined && value >= range.lt.toLowerCase()) break
    if (range.lte !== undefined && value > range.lte.toLowerCase() && !value.startsWith(range.lte.toLowerCase())) break
    if (range.gt !== undefined && value <= range.gt.toLowerCase()) continue
    const key = (entry.value as { key: string }).key
    if (key.startsWith(prefix)) keys.push(key)
  }
  return [...new Set(keys)].sort().slice(0, limit)
}

/**
 * A field index: for every record, each top-level field's short scalar values (strings
 * lower-cased, each element of scalar arrays) → the record keys, with a count per value.
 * It lets a filter such as `status = open and assignee = people/omar` read only the
 * records of its most selective value instead of scanning every record of the prefix.
 * Queries: `match` (keys by values or an ISO-date range) and `count`.
 *
 * @example
 * const fields = await openCartridge({ db, cartridge: createFieldIndexCartridge() })
 * fields.query('match', { field: 'status', values: ['open'], prefix: 'tasks/' })  // { keys: ['tasks/T-1004', ...] }
 */
export function createFieldIndexCartridge(options: FieldIndexCartridgeOptions = {}): CartridgeV1 {
  const name = options.name ?? 'fields'
  const keyspace = options.keyspace ?? name
  const source = { keyspace: options.source?.keyspace ?? 'default', prefix: options.source?.prefix ?? '' }
  const fields = options.fields ?? 'scalars'
  if (fields !== 'scalars' && (!Array.isArray(fields) || fields.some((field) => typeof field !== 'string' || field === ''))) {
    throw new LivingDbError('CARTRIDGE_INVALID', `Field index option fields must be 'scalars' or a list of field names, got ${JSON.stringify(fields)}.`, { details: { option: 'fields' } })
  }
  const match = defineCartridgeQuery({
    name: 'match',
    description: 'Keys (in key order) of the records whose field holds one of the values (strings compare case-insensitively), or an ISO date within a range; optionally only keys under a prefix.',
    input: z
      .object({
        field: z.string().min(1),
        values: z.array(scalar).min(1).max(1_000).optional(),
        range: z.object({ gte: z.string().optional(), gt: z.string().optional(), lte: z.string().optional(), lt: z.string().optional() }).strict().optional(),
        prefix: z.string().default(''),
        limit: z.number().int().min(1).max(1_000_000).default(100_000),
      })
      .strict()
      .refine((input) => (input.values === undefined) !== (input.range === undefined), { message: 'give exactly one of values or range' }),
    output: z.object({ keys: z.array(z.string()) }),
    run: ({ input, reader }) => {
      const space = reader.keyspace(keyspace)
      return { keys: input.values !== undefined ? matchValues(space, input.field, input.values, input.prefix, input.limit) : matchDateRange(space, input.field, input.range!, input.prefix, input.limit) }
    },
  })
  const count = defineCartridgeQuery({
    name: 'count',
    description: 'How many records hold each of the values in the field (all prefixes), summed.',
    input: z.object({ field: z.string().min(1), values: z.array(scalar).min(1).max(1_000) }).strict(),
    output: z.number().int().min(0),
    run: ({ input, reader }) => input.values.reduce<number>((sum, value) => sum + ((reader.keyspace(keyspace).get(fieldIndexKeys.count(input.field, normalized(value))) as number | undefined) ?? 0), 0),
  })
  return defineCartridge({
    specificationVersion: 'v1',
    name,
    version: FIELD_INDEX_CARTRIDGE_VERSION,
    formatVersion: 1,
    modelId: null,
    fingerprint: { source, fields: fields === 'scalars' ? 'scalars' : [...fields] },
    // Register createFieldIndexCartridge under the kind `fields` (cartridgeFromRecipe) so tools without the app's code can rebuild it.
    recipe: { kind: 'fields', options: { name, keyspace, source, fields: fields === 'scalars' ? 'scalars' : [...fields] } },
    keyspaces: [keyspace],
    sources: [source],
    apply: (args) => applyFieldIndex({ keyspace, fields }, args),
    queries: [match, count],
    stats({ reader }) {
      const stats = (reader.keyspace(keyspace).get(fieldIndexKeys.stats) as unknown as FieldIndexStats | undefined) ?? { records: 0, entries: 0 }
      return { records: stats.records, entries: stats.entries, fields: fields === 'scalars' ? 'scalars' : [...fields] }
    },
    *listFacts({ reader }) {
      for (const entry of reader.keyspace(keyspace).scan({ prefix: fieldIndexKeys.forwardPrefix })) {
        yield { keyspace, key: String(entry.key), provenance: (entry.value as unknown as FieldIndexForward).provenance }
      }
    },
  })
}
