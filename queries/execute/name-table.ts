import type { AskSnapshot } from '../ask-types.js'
import type { Catalog } from '../catalog/catalog-types.js'

/** A record that names something (a person, a customer, a project) and the names it goes by. */
export interface NamedRecord {
  readonly keyspace: string
  readonly key: string
  /** Lower-case names: the name field, the handle without `@`, the id, the key's last segment as words. */
  readonly names: readonly string[]
}

/** Prefixes small enough to list every name of (default at most 5,000 records). */
const MAX_NAMED_PREFIX = 5_000
const HANDLE_FIELDS = ['handle', 'id', 'alias', 'aliases', 'code']

/** Lower-case words of a name: `Hollis & Wren` → `hollis wren`, `billing-migration` → `billing migration`. */
export function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/** The named records and, per word, the records with a name containing it. */
export interface NameTable {
  readonly records: readonly NamedRecord[]
  readonly byWord: ReadonlyMap<string, readonly NamedRecord[]>
  readonly byName: ReadonlyMap<string, readonly NamedRecord[]>
}

const cache = new WeakMap<object, { txnId: number; table: NameTable }>()

/** Arguments of {@link nameTable}. */
export interface NameTableArgs {
  readonly snapshot: AskSnapshot
  readonly catalog: Catalog
  /** The table is cached per owner (the database) and snapshot txn id. */
  readonly cacheOwner: object
  /** Called per record read; false stops the build (a budget). */
  readonly spend?: () => boolean
}

/** Every named record of the catalog's small named prefixes at the snapshot (cached per version). */
export function nameTable(args: NameTableArgs): NameTable {
  const hit = cache.get(args.cacheOwner)
  if (hit !== undefined && hit.txnId === args.snapshot.txnId) return hit.table
  const records = buildNameTable(args)
  const byWord = new Map<string, NamedRecord[]>()
  const byName = new Map<string, NamedRecord[]>()
  for (const record of records) {
    for (const name of record.names) byName.set(name, [...(byName.get(name) ?? []), record])
    for (const word of new Set(record.names.flatMap((name) => name.split(' ')))) {
      let list = byWord.get(word)
      if (list === undefined) byWord.set(word, (list = []))
      list.push(record)
    }
  }
  const table = { records, byWord, byName }
  cache.set(args.cacheOwner, { txnId: args.snapshot.txnId, table })
  return table
}

function buildNameTable({ snapshot, catalog, spend }: NameTableArgs): NamedRecord[] {
  const table: NamedRecord[] = []
  for (const space of catalog.keyspaces) {
    for (const prefix of space.prefixes) {
      if (prefix.prefix === '' || prefix.count > MAX_NAMED_PREFIX) continue
      // Records named by a `name` are things (people, customers, projects); a title or subject describes a record, so only its id or handle names it.
      const namedByName = prefix.nameField === 'name' || prefix.nameField === 'label'
      if (!namedByName && !prefix.fields.some((field) => HANDLE_FIELDS.includes(field.path))) continue
      for (const entry of snapshot.keyspace(space.name).scan({ prefix: prefix.prefix })) {
        if (spend !== undefined && !spend()) return table
        if (typeof entry.key !== 'string' || typeof entry.value !== 'object' || entry.value === null) continue
        const value = entry.value as Record<string, unknown>
        const names = new Set<string>()
        const name = namedByName ? value[prefix.nameField!] : undefined
        if (typeof name === 'string') names.add(normalizeName(name))
        for (const field of HANDLE_FIELDS) {
          const handle = value[field]
          for (const item of Array.isArray(handle) ? handle : [handle]) if (typeof item === 'string' && item.length <= 60) names.add(normalizeName(item))
        }
        if (namedByName) names.add(normalizeName(entry.key.slice(prefix.prefix.length)))
        names.delete('')
        table.push({ keyspace: space.name, key: entry.key, names: [...names] })
      }
    }
  }
  return table
}

/**
 * How well `query` names a record, in [0, 1]: 1 for an exact name, 0.9 when every
 * query word is in one name, 0.75 when the query is the first word of a person-like
 * name (`Dana` → `dana okafor`); 0 otherwise.
 */
export function nameMatchScore(query: string, record: NamedRecord): number {
  const wanted = normalizeName(query)
  if (wanted === '') return 0
  const words = wanted.split(' ')
  let best = 0
  for (const name of record.names) {
    if (name === wanted) return 1
    const nameWords = name.split(' ')
    if (words.length > 1 && words.every((word) => nameWords.includes(word))) best = Math.max(best, 0.9)
    else if (words.length === 1 && nameWords.length > 1 && nameWords[0] === wanted) best = Math.max(best, 0.75)
    else if (words.length === 1 && nameWords.length > 1 && nameWords.includes(wanted) && wanted.length >= 4) best = Math.max(best, 0.6)
  }
  return best
}

/** The records `name` refers to, best first (at most `limit`). */
export function resolveName(table: NameTable, name: string, options: { readonly prefix?: string; readonly limit?: number } = {}): { record: NamedRecord; score: number }[] {
  const matches: { record: NamedRecord; score: number }[] = []
  const wanted = normalizeName(name)
  const exact = (table.byName.get(wanted) ?? []).filter((record) => options.prefix === undefined || record.key.startsWith(options.prefix))
  if (exact.length > 0) return exact.slice(0, options.limit ?? 5).map((record) => ({ record, score: 1 }))
  // Every other match shares the query's first word with one of the record's names.
  const first = wanted.split(' ')[0] ?? ''
  for (const record of table.byWord.get(first) ?? []) {
    if (options.prefix !== undefined && !record.key.startsWith(options.prefix)) continue
    const score = nameMatchScore(name, record)
    if (score > 0) matches.push({ record, score })
  }
  matches.sort((left, right) => right.score - left.score || left.record.key.localeCompare(right.record.key))
  const top = matches[0]?.score ?? 0
  return matches.filter((match) => match.score >= top - 0.05).slice(0, options.limit ?? 5)
}
