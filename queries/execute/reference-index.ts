import type { AskSnapshot } from '../ask-types.js'
import type { Catalog } from '../catalog/catalog-types.js'
import type { ExecutionContext } from './execution-context.js'

/** One key reference: `from` names `to` in `field`. */
export interface Reference {
  readonly from: string
  readonly to: string
  readonly field: string
}

/** Key references between records: the graph the executor follows when no relationships cartridge is attached. */
export interface ReferenceIndex {
  readonly outgoing: ReadonlyMap<string, readonly Reference[]>
  readonly incoming: ReadonlyMap<string, readonly Reference[]>
  /** False when the candidates budget stopped the build. */
  readonly complete: boolean
}

const KEY_LIKE = /^[a-z0-9_-]+\/\S+$/i

function collect(value: unknown, prefixes: ReadonlySet<string>, path: string, found: { to: string; field: string }[], depth: number): void {
  if (typeof value === 'string') {
    if (KEY_LIKE.test(value) && prefixes.has(value.slice(0, value.indexOf('/') + 1))) found.push({ to: value, field: path })
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, prefixes, path, found, depth)
  } else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && depth < 2) {
    for (const [name, child] of Object.entries(value)) collect(child, prefixes, path === '' ? name : `${path}.${name}`, found, depth + 1)
  }
}

/** The string fields that hold keys, per prefix, from the catalog. */
function referencePrefixes(catalog: Catalog, keyspace: string): Set<string> {
  const space = catalog.keyspaces.find((item) => item.name === keyspace)
  return new Set((space?.prefixes ?? []).map((prefix) => prefix.prefix).filter((prefix) => prefix !== ''))
}

const cache = new WeakMap<object, Map<string, ReferenceIndex>>()

/**
 * The reference index of one keyspace at the context's snapshot: every string value
 * that names an existing prefix's record. Built once per (database version, keyspace)
 * by one scan, within the candidates budget, and cached.
 */
export function referenceIndex(context: ExecutionContext, keyspace: string, cacheOwner: object): ReferenceIndex {
  const id = `${context.snapshot.txnId}\u0000${keyspace}`
  let perOwner = cache.get(cacheOwner)
  const hit = perOwner?.get(id)
  if (hit !== undefined && hit.complete) return hit
  const built = buildReferenceIndex(context, context.snapshot, keyspace)
  if (perOwner === undefined) {
    perOwner = new Map()
    cache.set(cacheOwner, perOwner)
  }
  if (perOwner.size > 8) perOwner.clear()
  perOwner.set(id, built)
  return built
}

function buildReferenceIndex(context: ExecutionContext, snapshot: AskSnapshot, keyspace: string): ReferenceIndex {
  const prefixes = referencePrefixes(context.catalog, keyspace)
  const outgoing = new Map<string, Reference[]>()
  const incoming = new Map<string, Reference[]>()
  let complete = true
  for (const entry of snapshot.keyspace(keyspace).scan()) {
    if (!context.spend()) {
      complete = false
      break
    }
    if (typeof entry.key !== 'string') continue
    const found: { to: string; field: string }[] = []
    collect(entry.value, prefixes, '', found, 0)
    for (const { to, field } of found) {
      if (to === entry.key) continue
      const reference = { from: entry.key, to, field }
      let out = outgoing.get(entry.key)
      if (out === undefined) outgoing.set(entry.key, (out = []))
      out.push(reference)
      let into = incoming.get(to)
      if (into === undefined) incoming.set(to, (into = []))
      into.push(reference)
    }
  }
  return { outgoing, incoming, complete }
}

/** The references a record's own value makes (its key-valued fields). */
export function outgoingReferences(context: ExecutionContext, keyspace: string, key: string, value?: unknown): Reference[] {
  const record = value ?? context.snapshot.keyspace(keyspace).get(key)
  const found: { to: string; field: string }[] = []
  collect(record, referencePrefixes(context.catalog, keyspace), '', found, 0)
  return found.filter((item) => item.to !== key).map((item) => ({ from: key, to: item.to, field: item.field }))
}

/**
 * The records that reference `key` (at most `limit`, in key order per field): through the field index (one `match` per top-level
 * key field that points at the key's prefix, each hit checked against the record) when
 * one is attached for the keyspace, else the reference index built by one scan.
 */
export function incomingReferences(context: ExecutionContext, keyspace: string, key: string, cacheOwner: object, limit = Number.MAX_SAFE_INTEGER): readonly Reference[] {
  const index = context.cartridge('fields')
  const indexed = index !== undefined && index.sources[0]?.keyspace === keyspace && (index.sources[0]?.prefix ?? '') === '' && (index.fingerprint as { fields?: unknown } | undefined)?.fields === 'scalars'
  if (!indexed) return (referenceIndex(context, keyspace, cacheOwner).incoming.get(key) ?? []).slice(0, limit)
  const targetPrefix = key.slice(0, key.indexOf('/') + 1)
  const space = context.catalog.keyspaces.find((item) => item.name === keyspace)
  const fields = new Set((space?.prefixes ?? []).flatMap((entry) => entry.fields.filter((field) => !field.path.includes('.') && field.refersTo?.includes(targetPrefix)).map((field) => field.path)))
  const reader = context.snapshot.keyspace(keyspace)
  const references: Reference[] = []
  for (const field of [...fields].sort()) {
    if (references.length >= limit) break
    const { keys } = context.query(index!, 'match', { field, values: [key], limit: limit - references.length + 1 }) as { keys: string[] }
    for (const from of keys) {
      if (from === key || !context.spend()) continue
      const value = readTopLevel(reader.get(from), field)
      const holds = Array.isArray(value) ? value.includes(key) : value === key
      if (holds) references.push({ from, to: key, field })
    }
  }
  return references.slice(0, limit)
}

function readTopLevel(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) ? (value as Record<string, unknown>)[field] : undefined
}
