import type { CatalogField, FieldType } from './catalog-types.js'

const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/
const KEY_LIKE = /^[a-z0-9_-]+\/\S+$/i
const MAX_DEPTH = 2
const MAX_CATEGORICAL = 16
const MAX_TAG_VALUES = 60
const NAME_FIELDS = ['name', 'title', 'subject', 'label', 'headline']

/** True for an ISO date or date-time string. */
export function isDateString(value: unknown): boolean {
  return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value))
}

interface FieldStats {
  present: number
  types: Map<FieldType, number>
  examples: unknown[]
  distinct: Map<string | number | boolean, number>
  tooMany: boolean
  longest: number
  isArray: boolean
  refersTo: Set<string>
  min?: number | string
  max?: number | string
}

/** The type of one scalar or container value; `key` when a string names a record under a known prefix. */
export function fieldTypeOf(value: unknown, prefixes: ReadonlySet<string>): FieldType {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'string') {
    if (isDateString(value)) return 'date'
    if (KEY_LIKE.test(value) && prefixes.has(value.slice(0, value.indexOf('/') + 1))) return 'key'
    return 'string'
  }
  if (typeof value === 'number') return 'number'
  if (typeof value === 'boolean') return 'boolean'
  return 'object'
}

function record(stats: Map<string, FieldStats>, path: string, value: unknown, prefixes: ReadonlySet<string>): void {
  let entry = stats.get(path)
  if (entry === undefined) {
    entry = { present: 0, types: new Map(), examples: [], distinct: new Map(), tooMany: false, longest: 0, isArray: false, refersTo: new Set() }
    stats.set(path, entry)
  }
  entry.present++
  const type = fieldTypeOf(value, prefixes)
  const elementTypes = Array.isArray(value) ? value.map((item) => fieldTypeOf(item, prefixes)) : []
  entry.types.set(type, (entry.types.get(type) ?? 0) + 1)
  // An array of keys is a `key` field too: the planner follows both.
  if (elementTypes.length > 0 && elementTypes.every((item) => item === 'key')) entry.types.set('key', (entry.types.get('key') ?? 0) + 1)
  if (entry.examples.length < 3 && value !== null && typeof value !== 'object') entry.examples.push(typeof value === 'string' && value.length > 60 ? `${value.slice(0, 57)}...` : value)
  const scalars = Array.isArray(value) ? value.filter((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') : [value]
  if (Array.isArray(value)) entry.isArray = true
  if (Array.isArray(value) && entry.examples.length < 3 && scalars.length > 0) entry.examples.push(scalars.slice(0, 3))
  for (const scalar of scalars) {
    if (typeof scalar === 'string' && fieldTypeOf(scalar, prefixes) === 'key') entry.refersTo.add(scalar.slice(0, scalar.indexOf('/') + 1))
    if (typeof scalar === 'string' || typeof scalar === 'number' || typeof scalar === 'boolean') {
      if (!entry.tooMany) {
        entry.distinct.set(scalar, (entry.distinct.get(scalar) ?? 0) + 1)
        if (entry.distinct.size > MAX_TAG_VALUES) entry.tooMany = true
      }
      if (typeof scalar === 'string') entry.longest = Math.max(entry.longest, scalar.length)
      if (typeof scalar === 'number' || (typeof scalar === 'string' && isDateString(scalar))) {
        if (entry.min === undefined || scalar < entry.min) entry.min = scalar
        if (entry.max === undefined || scalar > entry.max) entry.max = scalar
      }
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && path.split('.').length < MAX_DEPTH) {
    for (const [name, child] of Object.entries(value)) record(stats, `${path}.${name}`, child, prefixes)
  }
}

/** What field inference found for a sample of records. */
export interface InferredFields {
  readonly fields: CatalogField[]
  readonly nameField?: string
}

/**
 * Infers the fields of sampled record values: types (most frequent first), examples,
 * distinct values of categorical fields (few distinct short values, or tag arrays),
 * min/max of numbers and dates, and the field that names a record.
 */
export function inferFields(values: readonly unknown[], prefixes: ReadonlySet<string>): InferredFields {
  const stats = new Map<string, FieldStats>()
  let objects = 0
  for (const value of values) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) continue
    objects++
    for (const [name, child] of Object.entries(value)) record(stats, name, child, prefixes)
  }
  const fields: CatalogField[] = []
  for (const [path, entry] of stats) {
    const types = [...entry.types.entries()].sort((a, b) => b[1] - a[1]).map(([type]) => type)
    const limit = entry.isArray ? MAX_TAG_VALUES : MAX_CATEGORICAL
    const categorical = !entry.tooMany && entry.distinct.size > 0 && entry.distinct.size <= limit && entry.longest <= 40 && !types.includes('key') && types[0] !== 'date' && types[0] !== 'number'
      && (entry.isArray || entry.distinct.size <= Math.max(3, objects * 0.6))
    fields.push({
      path,
      types,
      present: entry.present,
      examples: entry.examples,
      ...(categorical ? { values: [...entry.distinct.entries()].sort((a, b) => b[1] - a[1]).map(([value]) => value) } : {}),
      ...(entry.min === undefined ? {} : { min: entry.min, max: entry.max }),
      ...(entry.refersTo.size === 0 ? {} : { refersTo: [...entry.refersTo].sort() }),
    })
  }
  fields.sort((a, b) => b.present - a.present || a.path.localeCompare(b.path))
  const nameField = NAME_FIELDS.find((name) => (stats.get(name)?.present ?? 0) >= objects * 0.8 && stats.get(name)?.types.has('string'))
  return { fields, ...(nameField === undefined ? {} : { nameField }) }
}
