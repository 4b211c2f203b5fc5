import type { EntityLookupNode, GetNode, Predicate, ScanNode, TopicSearchNode, VectorSearchNode } from '../plan/plan-node.js'
import { matchesPredicate } from './field-path.js'
import { type Candidate, byScore, candidate, candidateId } from './candidate.js'
import type { ExecutionContext } from './execution-context.js'
import { nameTable, resolveName } from './name-table.js'
import { incomingReferences } from './reference-index.js'
import { scanTermSearch } from './scan-term-search.js'
import { relationshipHits, searchCartridgeHits, type CartridgeHit } from './cartridge-adapters.js'
import type { Cartridge } from '../../cartridges/spec/index.js'

/** A prefixed full-text search first asks for this many times its limit over every record, then keeps the prefix. */
const PREFIX_OVERFETCH = 4

/** Reads the named keys (missing keys are skipped). */
export function executeGet(context: ExecutionContext, node: GetNode): Candidate[] {
  const reader = context.snapshot.keyspace(node.keyspace)
  const found: Candidate[] = []
  for (const key of node.keys) {
    context.spend()
    const value = reader.get(key)
    if (value !== undefined) found.push(candidate({ keyspace: node.keyspace, key, score: 1, source: 'get', value }))
  }
  return found
}

/**
 * Reads keys in order under a prefix / within a range, within the candidates budget.
 * With `where` (a filter pushed down into the scan), only matching records become candidates.
 */
export function executeScan(context: ExecutionContext, node: ScanNode, where?: readonly Predicate[]): Candidate[] {
  const found: Candidate[] = []
  const range = { ...(node.prefix === undefined ? {} : { prefix: node.prefix }), ...node.range, ...(node.limit === undefined ? {} : { limit: node.limit }) }
  for (const entry of context.snapshot.keyspace(node.keyspace).scan(range)) {
    if (!context.spend()) break
    if (typeof entry.key !== 'string') continue
    if (where !== undefined) {
      const record = { key: entry.key, value: entry.value }
      if (!where.every((predicate) => matchesPredicate(record, predicate))) continue
    }
    found.push(candidate({ keyspace: node.keyspace, key: entry.key, score: 1, source: 'scan', value: entry.value }))
  }
  return found
}

/** The data keyspace results of a cartridge live in: its source keyspace when it holds data (the catalog lists it), else the first data keyspace. */
function resultKeyspace(context: ExecutionContext, cartridge: Cartridge): string {
  const source = context.sourceKeyspace(cartridge)
  const data = context.catalog.keyspaces.map((space) => space.name)
  return data.includes(source) || data.length === 0 ? source : data[0]!
}

function fromHits(hits: readonly CartridgeHit[], keyspace: string, source: string): Candidate[] {
  return hits.map((hit) => candidate({ keyspace: hit.keyspace ?? keyspace, key: hit.key, score: hit.score, source }))
}

/** BM25 through the topics cartridge; a budgeted scan when none is attached. */
export function executeTopicSearch(context: ExecutionContext, node: TopicSearchNode): { candidates: Candidate[]; servedBy: string } {
  const topics = context.cartridge('topics', node.cartridge)
  if (topics === undefined) {
    context.warn('QUERY_FALLBACK', 'No topics cartridge is attached: full-text search scanned the records instead (slower, and bounded by budget.candidates). Attach createTopicsCartridge() for BM25.')
    return { candidates: scanTermSearch(context, { keyspace: 'default', query: node.query, prefix: node.prefix, limit: node.limit }), servedBy: 'scan' }
  }
  let hits = context.query(topics, 'search', { query: node.query, limit: node.prefix === undefined ? node.limit : node.limit * PREFIX_OVERFETCH }) as CartridgeHit[]
  if (node.prefix !== undefined) {
    // The best hits overall, kept under the prefix, are usually enough and cheaper than a prefix search (which ranks every matching record).
    const full = hits.length === node.limit * PREFIX_OVERFETCH
    hits = hits.filter((hit) => hit.key.startsWith(node.prefix!)).slice(0, node.limit)
    if (hits.length < node.limit && full) hits = context.query(topics, 'search', { query: node.query, limit: node.limit, prefix: node.prefix }) as CartridgeHit[]
  }
  return { candidates: fromHits(hits, context.sourceKeyspace(topics), `topicSearch:${topics.name}`), servedBy: topics.name }
}

/** Nearest neighbours through a vectors cartridge; full-text search when none is attached. */
export function executeVectorSearch(context: ExecutionContext, node: VectorSearchNode): { candidates: Candidate[]; servedBy: string } {
  const vectors = context.cartridge('vectors', node.cartridge)
  if (vectors !== undefined) {
    const hits = searchCartridgeHits(context, vectors, 'vectors', { text: node.text, limit: node.limit, prefix: node.prefix })
    if (hits !== undefined) return { candidates: fromHits(hits, resultKeyspace(context, vectors), `vectorSearch:${vectors.name}`), servedBy: vectors.name }
  }
  context.warn('QUERY_FALLBACK', 'No usable vectors cartridge is attached: "similar to" used full-text search instead. Attach a vectors cartridge (fed by the embedder plugin) for semantic search.')
  const fallback = executeTopicSearch(context, { kind: 'topicSearch', query: node.text, limit: node.limit, ...(node.prefix === undefined ? {} : { prefix: node.prefix }) })
  return { candidates: fallback.candidates, servedBy: `${fallback.servedBy} (fallback)` }
}

/**
 * The records that are, or mention, an entity: through an entities cartridge when one
 * is attached, else by resolving the name against the records that have a name field
 * and following the key references that point at them.
 */
export function executeEntityLookup(context: ExecutionContext, node: EntityLookupNode, cacheOwner: object): { candidates: Candidate[]; servedBy: string } {
  const found = new Map<string, Candidate>()
  const add = (item: Candidate): void => {
    const id = candidateId(item)
    const existing = found.get(id)
    if (existing === undefined) found.set(id, item)
    else existing.score = Math.max(existing.score, item.score)
  }
  const table = nameTable({ snapshot: context.snapshot, catalog: context.catalog, cacheOwner, spend: () => context.spend() })
  const resolved = resolveName(table, node.name, { ...(node.entityPrefix === undefined ? {} : { prefix: node.entityPrefix }) })
  let servedBy = 'names+references'
  let referenced = 0
  for (const { record, score } of resolved) {
    add(candidate({ keyspace: record.keyspace, key: record.key, score: 2 * score, source: 'entityLookup:name' }))
    for (const reference of incomingReferences(context, record.keyspace, record.key, cacheOwner, node.limit)) {
      referenced++
      add(candidate({ keyspace: record.keyspace, key: reference.from, score: score * (reference.field === 'mentions' ? 0.8 : 1), source: `entityLookup:${reference.field}` }))
    }
  }
  // Records that reference the entity by key already fill the step: the text mentions the entity cartridges add would not fit.
  if (resolved.length === 0 || referenced < node.limit) {
    const entities = context.cartridge('entities', node.cartridge)
    if (entities !== undefined) {
      // A name the records already resolve needs no fuzzy search in the entities cartridge (the slow part of its lookup).
      const hits = searchCartridgeHits(context, entities, 'entities', { text: node.name, limit: node.limit, fuzzy: resolved.length === 0 })
      if (hits !== undefined) {
        for (const item of fromHits(hits, resultKeyspace(context, entities), `entityLookup:${entities.name}`)) add(item)
        servedBy = entities.name
      }
    }
    const graph = context.cartridge('relationships')
    const related = graph === undefined ? undefined : relationshipHits(context, graph, { text: node.name, limit: node.limit, fuzzy: resolved.length === 0 })
    if (related !== undefined) {
      for (const item of fromHits(related, resultKeyspace(context, graph!), `entityLookup:${graph!.name}`)) add(item)
      servedBy = servedBy === 'names+references' ? graph!.name : `${servedBy}+${graph!.name}`
    }
  }
  if (resolved.length === 0 && found.size === 0) context.warn('QUERY_ENTITY_UNRESOLVED', `No record is named "${node.name}": the entity lookup found nothing. Check the spelling, or ask by topic instead.`)
  return { candidates: [...found.values()].sort(byScore).slice(0, node.limit), servedBy }
}
