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

/** Intersect another value's keys only when it holds at most this many times the keys kept so far (reading a record costs a few index entries). */
const MAX_INTERSECT_RATIO = 3

function intersect(left: readonly string[], right: readonly string[]): string[] {
  const wanted = new Set(right)
  return left.filter((key) => wanted.has(key))
}

/**
 * A filter over a whole-prefix scan, served by the field index when one is attached and
 * a predicate is selective: the keys of the least frequent value (intersected with the
 * keys of other values that are not much more frequent), or of an ISO-date range, are
 * read from the index; records are read only to check the predicates the index did not
 * answer (otherwise lazily, when a later step needs them). Undefined when the index
 * cannot serve the filter (the caller scans).
 */
export function indexedFilter(context: ExecutionContext, scan: ScanNode, where: readonly Predicate[]): { candidates: Candidate[]; servedBy: string } | undefined {
  const index = context.cartridge('fields')
  if (index === undefined || scan.range !== undefined || scan.limit !== undefined) return undefined
  const source = index.sources[0]
  if (source === undefined || source.keyspace !== scan.keyspace || !(scan.prefix ?? '').startsWith(source.prefix ?? '')) return undefined
  const scanned = recordsScanned(context, scan)
  const prefix = scan.prefix ?? ''
  const equalities: { predicate: Predicate; values: (string | number | boolean)[]; estimate: number }[] = []
  let range: { predicate: Predicate; bounds: Record<string, string> } | undefined
  for (const predicate of where) {
    if (!indexes(index, predicate.field)) continue
    if (predicate.op === 'eq' || predicate.op === 'in') {
      const values = predicate.op === 'eq' ? [predicate.value] : predicate.values
      if (!values.every(indexableValue)) continue
      const typed = values as (string | number | boolean)[]
      equalities.push({ predicate, values: typed, estimate: context.query(index, 'count', { field: predicate.field, values: typed }) as number })
    } else if (predicate.op === 'range' && range === undefined) {
      const defined = Object.entries({ gte: predicate.gte, gt: predicate.gt, lte: predicate.lte, lt: predicate.lt }).filter(([, value]) => value !== undefined)
      if (defined.length > 0 && defined.every(([, value]) => typeof value === 'string' && ISO_DATE.test(value))) range = { predicate, bounds: Object.fromEntries(defined) as Record<string, string> }
    }
  }
  equalities.sort((left, right) => left.estimate - right.estimate)
  const answered = new Set<Predicate>()
  let keys: string[]
  if (equalities.length > 0 && equalities[0]!.estimate <= scanned * MAX_SELECTIVITY) {
    keys = (context.query(index, 'match', { field: equalities[0]!.predicate.field, values: equalities[0]!.values, prefix }) as { keys: string[] }).keys
    answered.add(equalities[0]!.predicate)
    for (const next of equalities.slice(1)) {
      if (next.estimate > keys.length * MAX_INTERSECT_RATIO) break
      keys = intersect(keys, (context.query(index, 'match', { field: next.predicate.field, values: next.values, prefix }) as { keys: string[] }).keys)
      answered.add(next.predicate)
    }
  } else if (range !== undefined && equalities.length === 0) {
    keys = (context.query(index, 'match', { field: range.predicate.field, range: range.bounds, prefix }) as { keys: string[] }).keys
  } else {
    return undefined
  }
  // Strings compare case-insensitively in both the index and the predicates, so an answered eq/in needs no second look.
  const remaining = where.filter((predicate) => !answered.has(predicate))
  const reader = context.snapshot.keyspace(scan.keyspace)
  const found: Candidate[] = []
  for (const key of keys) {
    if (!context.spend()) break
    if (remaining.length === 0) {
      found.push(candidate({ keyspace: scan.keyspace, key, score: 1, source: `filter:${index.name}` }))
      continue
    }
    const value = reader.get(key)
    if (value === undefined) continue
    const record = { key, value }
    if (remaining.every((predicate) => matchesPredicate(record, predicate))) found.push(candidate({ keyspace: scan.keyspace, key, score: 1, source: `filter:${index.name}`, value }))
  }
  return { candidates: found, servedBy: `${index.name} index` }
}
