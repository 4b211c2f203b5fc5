import { CartridgeWriteCache, type CartridgeApplyArgs, type CartridgeJson, type Provenance, sourceKeyString } from '../../cartridges/spec/index.js'
import { fieldIndexKeys, type IndexedValue } from './field-index-keys.js'

/** Strings longer than this are text, not values to filter on, and are not indexed. */
export const MAX_INDEXED_STRING = 64
/** Arrays with more elements than this are not indexed, so an index-served filter does not find values inside them (a documented limit). */
const MAX_INDEXED_ELEMENTS = 1_000

/** What the index keeps per source record. */
export interface FieldIndexForward {
  readonly key: string
  /** The (field, value) pairs indexed for the record, as `[field, value]`. */
  readonly pairs: readonly (readonly [string, IndexedValue])[]
  readonly provenance: Provenance
}

function indexable(value: unknown): value is IndexedValue {
  return (typeof value === 'string' && value.length > 0 && value.length <= MAX_INDEXED_STRING) || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean'
}

/** The (field, value) pairs of a record: its top-level scalar fields (or the chosen ones), each element of short scalar arrays. */
export function indexedPairs(value: unknown, fields: 'scalars' | readonly string[]): [string, IndexedValue][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) return []
  const record = value as Record<string, unknown>
  const names = fields === 'scalars' ? Object.keys(record).sort() : [...fields]
  const pairs: [string, IndexedValue][] = []
  for (const name of names) {
    const field = record[name]
    const items = Array.isArray(field) ? (field.length <= MAX_INDEXED_ELEMENTS ? field : []) : [field]
    const seen = new Set<string>()
    for (const item of items) {
      if (!indexable(item)) continue
      const id = typeof item === 'string' ? `s${item.toLowerCase()}` : `${typeof item}${String(item)}`
      if (seen.has(id)) continue
      seen.add(id)
      pairs.push([name, typeof item === 'string' ? item.toLowerCase() : item])
    }
  }
  return pairs
}

function adjustCount(cache: CartridgeWriteCache, field: string, value: IndexedValue, delta: number): void {
  const key = fieldIndexKeys.count(field, value)
  const next = ((cache.get(key) as number | undefined) ?? 0) + delta
  if (next === 0) cache.delete(key)
  else cache.put(key, next)
}

/** Counts kept under the `stats` key: indexed records and (field, value) entries. */
export interface FieldIndexStats {
  readonly records: number
  readonly entries: number
}

/** Applies a batch: each write replaces its record's entries; a delete removes them. */
export function applyFieldIndex(config: { readonly keyspace: string; readonly fields: 'scalars' | readonly string[] }, args: CartridgeApplyArgs): void {
  const cache = new CartridgeWriteCache(args.transaction.keyspace(config.keyspace))
  const stats = { ...((cache.get(fieldIndexKeys.stats) as unknown as FieldIndexStats | undefined) ?? { records: 0, entries: 0 }) }
  for (const commit of args.commits) {
    for (const operation of commit.ops) {
      const sourceKey = sourceKeyString(operation.key)
      if (sourceKey === undefined) continue
      const forwardKey = fieldIndexKeys.forward(sourceKey)
      const previous = cache.get(forwardKey) as unknown as FieldIndexForward | undefined
      if (previous !== undefined) {
        for (const [field, value] of previous.pairs) {
          cache.delete(fieldIndexKeys.entry(field, value, sourceKey))
          adjustCount(cache, field, value, -1)
        }
        cache.delete(forwardKey)
        stats.records--
        stats.entries -= previous.pairs.length
      }
      if (operation.type !== 'put') continue
      const pairs = indexedPairs(operation.value, config.fields)
      if (pairs.length === 0) continue
      const provenance: Provenance = { sourceKeyspace: operation.keyspace, sourceKey, txnId: commit.txnId, plugin: args.plugin, ledgerEntryId: null }
      for (const [field, value] of pairs) {
        cache.put(fieldIndexKeys.entry(field, value, sourceKey), { key: sourceKey })
        adjustCount(cache, field, value, 1)
      }
      cache.put(forwardKey, { key: sourceKey, pairs, provenance } as unknown as CartridgeJson)
      stats.records++
      stats.entries += pairs.length
    }
  }
  if (stats.records === 0) cache.delete(fieldIndexKeys.stats)
  else cache.put(fieldIndexKeys.stats, stats)
  cache.flush()
}
