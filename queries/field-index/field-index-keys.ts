import { keyComponent } from '../../cartridges/spec/index.js'

/** A value the field index holds: strings (lower-cased), numbers and booleans. */
export type IndexedValue = string | number | boolean

/** The value as one key component: `s:` + lower-cased string, `n:` + number, `b:` + boolean. */
export function valueComponent(value: IndexedValue): string {
  if (typeof value === 'string') return `s:${keyComponent(value.toLowerCase())}`
  if (typeof value === 'number') return `n:${keyComponent(String(value))}`
  return `b:${String(value)}`
}

/** Key layout of the field index keyspace. */
export const fieldIndexKeys = {
  /** Every record of (field, value): `v/<field>/<value>/<source key>` → `{ key }`. */
  entry: (field: string, value: IndexedValue, sourceKey: string) => `v/${keyComponent(field)}/${valueComponent(value)}/${keyComponent(sourceKey)}`,
  valuePrefix: (field: string, value: IndexedValue) => `v/${keyComponent(field)}/${valueComponent(value)}/`,
  fieldPrefix: (field: string) => `v/${keyComponent(field)}/`,
  /** How many records hold (field, value). */
  count: (field: string, value: IndexedValue) => `c/${keyComponent(field)}/${valueComponent(value)}`,
  /** Which entries a source record has (so an update or delete removes them). */
  forward: (sourceKey: string) => `f/${keyComponent(sourceKey)}`,
  forwardPrefix: 'f/',
  stats: 'stats',
} as const
