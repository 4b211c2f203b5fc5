import { type Cartridge, CURSOR_KEYSPACE, listCartridgeQueries } from '../../cartridges/spec/index.js'
import type { AskDatabase, AskSnapshot } from '../ask-types.js'
import type { CartridgeRole, Catalog, CatalogCartridge, CatalogKeyspace, CatalogPrefix } from './catalog-types.js'
import { inferFields, isDateString } from './infer-fields.js'

/** Options of {@link buildCatalog}. */
export interface BuildCatalogArgs {
  readonly db: AskDatabase
  readonly cartridges?: readonly Cartridge[]
  /** Records sampled per prefix for field inference (default 200). */
  readonly sampleSize?: number
  /** Records counted per prefix before the count becomes a lower bound (default 20,000). */
  readonly countLimit?: number
  /** Most prefixes listed per keyspace (default 200). */
  readonly maxPrefixes?: number
}

const SYSTEM_KEYSPACES = new Set(['sys', CURSOR_KEYSPACE])

const roles = new WeakMap<Cartridge, CartridgeRole>()

/** The role a cartridge plays in plans, from its recipe kind, name and query names (computed once per cartridge). */
export function cartridgeRole(cartridge: Cartridge): CartridgeRole {
  let role = roles.get(cartridge)
  if (role === undefined) {
    role = detectRole(cartridge)
    roles.set(cartridge, role)
  }
  return role
}

function detectRole(cartridge: Cartridge): CartridgeRole {
  const label = `${cartridge.recipe?.kind ?? ''} ${cartridge.name}`.toLowerCase()
  const queries = new Set(cartridge.queries.map((query) => query.name))
  if (/vector|embed/.test(label)) return 'vectors'
  if (/field/.test(label) || (queries.has('match') && queries.has('count'))) return 'fields'
  if (/relation|graph|edge/.test(label) || queries.has('neighbors') || queries.has('neighbours')) return 'relationships'
  if (/entit/.test(label)) return 'entities'
  if (/topic|bm25|fulltext|full-text/.test(label)) return 'topics'
  if (/history|temporal/.test(label) || (queries.has('asOf') && queries.has('versions'))) return 'history'
  if (/task/.test(label) || queries.has('pending')) return 'tasks'
  if (queries.has('search')) return 'topics'
  return 'other'
}

/** The smallest string greater than every string that starts with `prefix`. */
export function prefixSuccessor(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1)
  return prefix.slice(0, -1) + String.fromCharCode(last + 1)
}

function keyspaceNamesOf(snapshot: AskSnapshot, excluded: ReadonlySet<string>): string[] {
  const names = snapshot.keyspaces?.() ?? ['default']
  return names.filter((name) => !excluded.has(name) && !SYSTEM_KEYSPACES.has(name))
}

/** Keyspaces the database records as cartridge-owned (`sys` definition records), so they are not listed as data. */
function recordedCartridgeKeyspaces(snapshot: AskSnapshot): string[] {
  const names: string[] = []
  try {
    for (const entry of snapshot.keyspace('sys').scan({ prefix: 'cartridges/' })) {
      const keyspaces = (entry.value as { keyspaces?: unknown } | undefined)?.keyspaces
      if (Array.isArray(keyspaces)) for (const name of keyspaces) if (typeof name === 'string') names.push(name)
    }
  } catch {
    // A database without a sys keyspace has no recorded cartridges.
  }
  return names
}

interface PrefixScan {
  readonly prefix: string
  readonly count: number
  readonly countIsExact: boolean
  readonly samples: unknown[]
}

function scanPrefixes(snapshot: AskSnapshot, keyspace: string, args: Required<Pick<BuildCatalogArgs, 'sampleSize' | 'countLimit' | 'maxPrefixes'>>): PrefixScan[] {
  const reader = snapshot.keyspace(keyspace)
  const found: PrefixScan[] = []
  const loose: PrefixScan = { prefix: '', count: 0, countIsExact: true, samples: [] }
  let cursor: string | undefined
  while (found.length < args.maxPrefixes) {
    const [first] = reader.scan(cursor === undefined ? { limit: 1 } : { gte: cursor, limit: 1 })
    if (first === undefined) break
    const key = typeof first.key === 'string' ? first.key : new TextDecoder().decode(first.key)
    const slash = key.indexOf('/')
    if (slash < 0) {
      if (loose.count >= args.countLimit) {
        ;(loose as { countIsExact: boolean }).countIsExact = false
        break
      }
      ;(loose as { count: number }).count++
      if (loose.samples.length < args.sampleSize) loose.samples.push(first.value)
      cursor = `${key}\u0000`
      continue
    }
    const prefix = key.slice(0, slash + 1)
    const samples: unknown[] = []
    let count = 0
    for (const entry of reader.scan({ prefix, limit: args.countLimit + 1 })) {
      if (count < args.sampleSize) samples.push(entry.value)
      count++
    }
    found.push({ prefix, count: Math.min(count, args.countLimit), countIsExact: count <= args.countLimit, samples })
    cursor = prefixSuccessor(prefix)
  }
  return loose.count > 0 ? [...found, loose] : found
}

function describeCartridge(cartridge: Cartridge): CatalogCartridge {
  return { name: cartridge.name, version: cartridge.version, keyspaces: [...cartridge.keyspaces], sources: [...cartridge.sources], role: cartridgeRole(cartridge), queries: listCartridgeQueries([cartridge]) }
}

/**
 * Builds the catalog at the latest commit: data keyspaces with their key prefixes,
 * counts and fields inferred from a sample, the attached cartridges with their query
 * operations, and the txn / commit-time / record-date range covered.
 *
 * @example
 * const catalog = buildCatalog({ db, cartridges })
 * catalog.keyspaces[0].prefixes.map((prefix) => `${prefix.prefix} ${prefix.count}`)
 */
export function buildCatalog(args: BuildCatalogArgs): Catalog {
  const options = { sampleSize: args.sampleSize ?? 200, countLimit: args.countLimit ?? 20_000, maxPrefixes: args.maxPrefixes ?? 200 }
  const cartridges = args.cartridges ?? []
  const catalog = args.db.read((snapshot): Catalog => {
    // Cartridge keyspaces, and keyspaces plugins derive for cartridges (embeddings, extractions), are not app data.
    const derivedSources = cartridges.filter((cartridge) => ['vectors', 'entities', 'relationships'].includes(cartridgeRole(cartridge))).flatMap((cartridge) => cartridge.sources.map((source) => source.keyspace)).filter((name) => name !== 'default')
    const excluded = new Set([...cartridges.flatMap((cartridge) => cartridge.keyspaces), ...recordedCartridgeKeyspaces(snapshot), ...derivedSources])
    const keyspaces: CatalogKeyspace[] = []
    let earliestDate: string | null = null
    let latestDate: string | null = null
    for (const name of keyspaceNamesOf(snapshot, excluded)) {
      const scans = scanPrefixes(snapshot, name, options)
      const known = new Set(scans.map((scan) => scan.prefix).filter((prefix) => prefix !== ''))
      const prefixes: CatalogPrefix[] = scans.map((scan) => {
        const inferred = inferFields(scan.samples, known)
        for (const field of inferred.fields) {
          if (field.types[0] !== 'date') continue
          if (typeof field.min === 'string' && isDateString(field.min) && (earliestDate === null || field.min < earliestDate)) earliestDate = field.min
          if (typeof field.max === 'string' && isDateString(field.max) && (latestDate === null || field.max > latestDate)) latestDate = field.max
        }
        return { prefix: scan.prefix, count: scan.count, countIsExact: scan.countIsExact, sampled: scan.samples.length, fields: inferred.fields, ...(inferred.nameField === undefined ? {} : { nameField: inferred.nameField }) }
      })
      if (prefixes.length === 0) continue
      keyspaces.push({ name, count: prefixes.reduce((sum, prefix) => sum + prefix.count, 0), countIsExact: prefixes.every((prefix) => prefix.countIsExact), prefixes })
    }
    return {
      txnId: snapshot.txnId,
      keyspaces,
      cartridges: cartridges.map(describeCartridge),
      timeRange: { firstTxnId: snapshot.txnId === 0 ? 0 : 1, lastTxnId: snapshot.txnId, firstCommitTime: null, lastCommitTime: snapshot.timestamp ?? null, earliestDate, latestDate },
    }
  })
  return { ...catalog, timeRange: { ...catalog.timeRange, firstCommitTime: firstCommitTime(args.db, catalog.txnId) } }
}

function firstCommitTime(db: AskDatabase, head: number): number | null {
  if (head === 0) return null
  try {
    return db.readAt(1, (snapshot) => snapshot.timestamp ?? null)
  } catch {
    // The log's history may start later (logRetention): the first time is then unknown.
    return null
  }
}

const cache = new WeakMap<object, { readonly txnId: number; readonly builtAt: number; readonly cartridges: readonly Cartridge[]; readonly catalog: Catalog }>()

/** How long a catalog serves newer txns before it is rebuilt (building one reads every prefix up to `countLimit`). */
export const CATALOG_MAX_AGE_MS = 1_000

/**
 * The catalog of `db`, rebuilt when the cartridges changed, or when the txn id changed and
 * the cached one is older than `maxAgeMs` (default {@link CATALOG_MAX_AGE_MS}; 0 rebuilds
 * after every commit). A catalog older than the head has `txnId` below `db.txnId`.
 */
export function cachedCatalog(args: BuildCatalogArgs & { readonly maxAgeMs?: number }): Catalog {
  const cartridges = args.cartridges ?? []
  const hit = cache.get(args.db)
  const sameCartridges = hit !== undefined && hit.cartridges.length === cartridges.length && hit.cartridges.every((cartridge, index) => cartridge === cartridges[index])
  if (hit !== undefined && sameCartridges && (hit.txnId === args.db.txnId || performance.now() - hit.builtAt < (args.maxAgeMs ?? CATALOG_MAX_AGE_MS))) return hit.catalog
  const catalog = buildCatalog(args)
  cache.set(args.db, { txnId: catalog.txnId, builtAt: performance.now(), cartridges: [...cartridges], catalog })
  return catalog
}
