import type { CartridgeQueryDescription, CartridgeSource } from '../../cartridges/spec/index.js'

/** The JSON type of a field's values, as sampled. `date` is an ISO date or date-time string. */
export type FieldType = 'string' | 'date' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'key'

/** One inferred field of the records under a prefix. */
export interface CatalogField {
  /** Dotted path, e.g. `status` or `owner.name`. */
  readonly path: string
  /** Types seen, most frequent first. `key` means a string naming another record's key. */
  readonly types: readonly FieldType[]
  /** How many sampled records have it. */
  readonly present: number
  /** A few example values (strings trimmed to 60 characters). */
  readonly examples: readonly unknown[]
  /** Every distinct value seen, when there are few (a categorical field such as `status`). */
  readonly values?: readonly (string | number | boolean)[]
  /** Smallest and largest sampled value of a number or date field. */
  readonly min?: number | string
  readonly max?: number | string
  /** For `key` fields: the prefixes of the records they name, e.g. `['people/']`. */
  readonly refersTo?: readonly string[]
}

/** The records under one key prefix (the key up to and including its first `/`). */
export interface CatalogPrefix {
  readonly prefix: string
  /** Records under the prefix (exact up to `countLimit`, then a lower bound). */
  readonly count: number
  readonly countIsExact: boolean
  /** How many records the fields were inferred from. */
  readonly sampled: number
  readonly fields: readonly CatalogField[]
  /** The field that names a record (`name`, `title`...), when there is one. */
  readonly nameField?: string
}

/** One data keyspace. */
export interface CatalogKeyspace {
  readonly name: string
  readonly count: number
  readonly countIsExact: boolean
  readonly prefixes: readonly CatalogPrefix[]
}

/** One attached cartridge and the query operations it answers. */
export interface CatalogCartridge {
  readonly name: string
  readonly version: string
  readonly keyspaces: readonly string[]
  readonly sources: readonly CartridgeSource[]
  /** What the query executor can use it for (`topics`, `vectors`, `entities`, `relationships`, `history`, `tasks`, `fields`, `other`). */
  readonly role: CartridgeRole
  readonly queries: readonly CartridgeQueryDescription[]
}

/** What a cartridge serves in a plan. */
export type CartridgeRole = 'topics' | 'vectors' | 'entities' | 'relationships' | 'history' | 'tasks' | 'fields' | 'other'

/** The time range the database covers. */
export interface CatalogTimeRange {
  readonly firstTxnId: number
  readonly lastTxnId: number
  /** Commit times (ms since the epoch) of the first and last txn; null when unknown. */
  readonly firstCommitTime: number | null
  readonly lastCommitTime: number | null
  /** Smallest and largest date found in the records' date fields (ISO), null when none. */
  readonly earliestDate: string | null
  readonly latestDate: string | null
}

/**
 * What a planner may use and what a plan is validated against: data keyspaces,
 * prefixes with inferred fields, attached cartridges with their query operations,
 * counts and the time range covered. Plain JSON (the model planner sends it).
 */
export interface Catalog {
  /** The txn id the catalog was built at. */
  readonly txnId: number
  readonly keyspaces: readonly CatalogKeyspace[]
  readonly cartridges: readonly CatalogCartridge[]
  readonly timeRange: CatalogTimeRange
}
