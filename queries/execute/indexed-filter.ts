import type { Cartridge } from '../../cartridges/spec/index.js'
import { MAX_INDEXED_STRING } from '../field-index/apply-field-index.js'
import type { Predicate, ScanNode } from '../plan/plan-node.js'
import { type Candidate, candidate } from './candidate.js'
import type { ExecutionContext } from './execution-context.js'
import { matchesPredicate } from './field-path.js'

/** Use the index only when its best value holds at most this share of the scanned records. */
const MAX_SELECTIVITY = 0.5
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/

function indexes(cartridge: Cartridge, field: string): boolean {
  if (field.includes('.') || field === '$key') return false
  const fields = (cartridge.fingerprint as { fields?: unknown } | undefined)?.fields
  return fields === 'scalars' || (Array.isArray(fields) && fields.includes(field))
}

function indexableValue(value: unknown): boolean {
  return (typeof value === 'string' && value.length > 0 && value.length <= MAX_INDEXED_STRING) || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean'
}

function recordsScanned(context: ExecutionContext, scan: ScanNode): number {
  const space = context.catalog.keyspaces.find((item) => item.name === scan.keyspace)
  if (space === undefined) return 0
  if (scan.prefix === undefined || scan.prefix === '') return space.count
  return space.prefixes.filter((entry) => entry.prefix !== '' && (scan.prefix!.startsWith(entry.prefix) || entry.prefix.startsWith(scan.prefix!))).reduce((sum, entry) => sum + entry.count, 0)
}

/**
 * A filter over a whole-prefix scan, served by the field index when one is attached and
 * a predicate is selective: the keys of the predicate's least frequent value (or of an
 * ISO-date range) are read from the index, then each record is read and checked against
 * every predicate. Undefined when the index cannot serve it (the caller scans).
 */
export function indexedFilter(context: ExecutionContext, scan: ScanNode, where: readonly Predicate[]): { candidates: Candidate[]; servedBy: string } | undefined {
  const index = context.cartridge('fields')
  if (index === undefined || scan.range !== undefined || scan.limit !== undefined) return undefined
  const source = index.sources[0]
  if (source === undefined || source.keyspace !== scan.keyspace || !(scan.prefix ?? '').startsWith(source.prefix ?? '')) return undefined
  const scanned = recordsScanned(context, scan)
  let best: { input: { field: string; values?: readonly (string | number | boolean)[]; range?: object }; estimate: number } | undefined
  for (const predicate of where) {
    if (!indexes(index, predicate.field)) continue
    if (predicate.op === 'eq' || predicate.op === 'in') {
      const values = predicate.op === 'eq' ? [predicate.value] : predicate.values
      if (!values.every(indexableValue)) continue
      const estimate = context.query(index, 'count', { field: predicate.field, values }) as number
      if (best === undefined || estimate < best.estimate) best = { input: { field: predicate.field, values: values as (string | number | boolean)[] }, estimate }
    } else if (predicate.op === 'range' && best === undefined) {
      const bounds = { gte: predicate.gte, gt: predicate.gt, lte: predicate.lte, lt: predicate.lt }
      const defined = Object.entries(bounds).filter(([, value]) => value !== undefined)
      if (defined.length > 0 && defined.every(([, value]) => typeof value === 'string' && ISO_DATE.test(value))) {
        best = { input: { field: predicate.field, range: Object.fromEntries(defined) }, estimate: scanned * MAX_SELECTIVITY }
      }
    }
  }
  if (best === undefined || best.estimate > scanned * MAX_SELECTIVITY) return undefined
  const { keys } = context.query(index, 'match', { ...best.input, prefix: scan.prefix ?? '' }) as { keys: string[] }
  const reader = context.snapshot.keyspace(scan.keyspace)
  const found: Candidate[] = []
  for (const key of keys) {
    if (!context.spend()) break
    const value = reader.get(key)
    if (value === undefined) continue
    const record = { key, value }
    if (where.every((predicate) => matchesPredicate(record, predicate))) found.push(candidate({ keyspace: scan.keyspace, key, score: 1, source: `filter:${index.name}`, value }))
  }
  return { candidates: found, servedBy: `${index.name} index` }
}
