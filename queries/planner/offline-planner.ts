import type { Catalog, CatalogField, CatalogPrefix } from '../catalog/catalog-types.js'
import { createPlan, planNodes } from '../plan/create-plan.js'
import type { Plan, PlanNode, Predicate } from '../plan/plan-node.js'
import { type NameLookup, type QuestionAnalysis, analyzeQuestion, catalogPrefixes } from './analyze-question.js'
import { FIELD_ALIASES, stemWord } from './question-words.js'

/** Arguments of {@link planOffline}. */
export interface PlanOfflineArgs {
  readonly question: string
  readonly catalog: Catalog
  /** "Now" for relative times, ms since the epoch. */
  readonly now: number
  /** Which records a phrase names (people, customers, projects, ids); without it, names are searched as text. */
  readonly lookup?: NameLookup
  /** Results wanted (default 10). */
  readonly limit?: number
  /** Add an answer node (`auto` writes with a model when one is given). */
  readonly answer?: 'auto' | 'extractive' | 'model'
}

/** Weight of the "every record of the kind" scan in a fusion: it only makes sure filtered records are there. */
const SCAN_WEIGHT = 0.01
/** Candidates each ranked retriever contributes to a fusion (RRF only needs the head of each list). */
const RETRIEVAL_LIMIT = 30
/** Weight of an entity lookup next to a full-text search for other words. */
const ENTITY_WEIGHT = 0.25
const PREFERRED_DATE_FIELDS = ['date', 'createdOn', 'createdAt', 'openedOn', 'startedOn', 'timestamp', 'updatedAt']

function prefixEntry(catalog: Catalog, prefix: string | undefined): CatalogPrefix | undefined {
  return prefix === undefined ? undefined : catalogPrefixes(catalog).find(({ entry }) => entry.prefix === prefix)?.entry
}

function wordStems(analysis: QuestionAnalysis): Map<string, number> {
  const stems = new Map<string, number>()
  for (const word of analysis.words) {
    stems.set(stemWord(word.lower), word.index)
    for (const alias of FIELD_ALIASES[word.lower] ?? []) stems.set(stemWord(alias), word.index)
  }
  return stems
}

/** The field a question word names (`assigned` → `assignee`), among `fields`. */
function fieldNamedByWord(analysis: QuestionAnalysis, fields: readonly CatalogField[]): CatalogField | undefined {
  const stems = wordStems(analysis)
  return fields.find((field) => stems.has(stemWord(field.path)))
}

/** The date field a time range applies to: one the question names ("due" → dueOn), else the usual record date. */
function dateField(analysis: QuestionAnalysis, catalog: Catalog): string | undefined {
  const entries = analysis.target === undefined ? catalogPrefixes(catalog).map(({ entry }) => entry) : [prefixEntry(catalog, analysis.target.prefix)!]
  const dates = entries.flatMap((entry) => entry.fields.filter((field) => field.types[0] === 'date'))
  if (dates.length === 0) return undefined
  const named = fieldNamedByWord(analysis, dates)
  if (named !== undefined) return named.path
  for (const name of PREFERRED_DATE_FIELDS) if (dates.some((field) => field.path === name)) return name
  return [...dates].filter((field) => !/due|end|until/i.test(field.path)).sort((left, right) => right.present - left.present)[0]?.path ?? dates[0]!.path
}

/** The key field of the target records that points at `entityPrefix` records, preferring one the question names. */
function referenceField(analysis: QuestionAnalysis, target: CatalogPrefix, entityPrefix: string): CatalogField | undefined {
  const fields = target.fields.filter((field) => field.refersTo?.includes(entityPrefix))
  if (fields.length <= 1) return fields[0]
  return fieldNamedByWord(analysis, fields) ?? [...fields].sort((left, right) => Number(left.types.includes('array')) - Number(right.types.includes('array')) || right.present - left.present)[0]
}

function ranked(sources: { node: PlanNode; weight: number }[]): PlanNode | undefined {
  if (sources.length === 0) return undefined
  if (sources.length === 1) return sources[0]!.node
  return planNodes.fuse({ inputs: sources.map((source) => source.node), weights: sources.map((source) => source.weight) })
}

/**
 * The rule-based planner (the offline default). It recognises named things (lookup by
 * entity), "about X", "how many" (and "per <field>"), field values as filters ("open
 * tasks", "priority high"), time ("last week", "since March", "as of txn 12",
 * "before/after <date>", "changed since txn 15"), "similar to", and combinations, and
 * writes them in the plan language: hybrid retrieval (BM25 + vectors + entities) fused
 * with RRF, filters over the kind of record asked for, aggregates, as-of reads.
 *
 * @example
 * const plan = planOffline({ question: 'open high priority tasks for Omar', catalog, now: Date.now() })
 */
export function planOffline(args: PlanOfflineArgs): Plan {
  const { catalog } = args
  const analysis = analyzeQuestion({ question: args.question, catalog, now: args.now, ...(args.lookup === undefined ? {} : { lookup: args.lookup }) })
  const target = prefixEntry(catalog, analysis.target?.prefix)
  const keyspace = analysis.target?.keyspace ?? catalog.keyspaces[0]?.name ?? 'default'
  const filters: Predicate[] = [...analysis.filters]
  const usedWords = new Set<number>()
  const textPhrases: string[] = []
  const sources: { node: PlanNode; weight: number }[] = []
  const getKeys: string[] = []
  /** Records that are the entities a question is about (not filtered on). */
  const entityKeys: string[] = []
  const asksWho = /^\s*(who|whom|whose)\b/i.test(args.question)
  for (const entity of analysis.entities) {
    if (target !== undefined && entity.prefix === target.prefix) {
      getKeys.push(entity.key)
      continue
    }
    if (target !== undefined) {
      const field = referenceField(analysis, target, entity.prefix)
      if (field !== undefined) {
        filters.push({ op: 'eq', field: field.path, value: entity.key })
        const word = wordStems(analysis).get(stemWord(field.path))
        if (word !== undefined) usedWords.add(word)
      } else textPhrases.push(entity.phrase)
      continue
    }
    const own = prefixEntry(catalog, entity.prefix)
    const relation = asksWho && own !== undefined ? fieldNamedByWord(analysis, own.fields.filter((field) => field.types.includes('key'))) : undefined
    if (relation !== undefined) {
      sources.push({ node: planNodes.traverse({ input: planNodes.get({ keyspace: entity.keyspace, keys: [entity.key] }), direction: 'out', relation: relation.path, depth: 1 }), weight: 2 })
      usedWords.add(wordStems(analysis).get(stemWord(relation.path))!)
      continue
    }
    entityKeys.push(entity.key)
    // Things with a name (people, customers, projects) are entities; a record named by its id (T-1104) is not: follow what references it.
    const mention = own?.nameField === 'name' || own?.nameField === 'label'
      ? planNodes.entityLookup({ name: entity.phrase, entityPrefix: entity.prefix, limit: RETRIEVAL_LIMIT })
      : planNodes.traverse({ input: planNodes.get({ keyspace: entity.keyspace, keys: [entity.key] }), direction: 'in', depth: 1, limit: RETRIEVAL_LIMIT })
    sources.push({ node: mention, weight: ENTITY_WEIGHT })
    textPhrases.push(entity.phrase)
  }
  const range = analysis.time.range
  if (range !== undefined) {
    const field = dateField(analysis, catalog)
    if (field !== undefined) {
      filters.push({ op: 'range', field, ...range })
      const word = wordStems(analysis).get(stemWord(field))
      if (word !== undefined) usedWords.add(word)
    }
  }
  const topicWords = analysis.words.filter((word) => analysis.topicWords.includes(word.text) && !usedWords.has(word.index)).map((word) => word.text)
  const text = analysis.similarTo ?? [...topicWords, ...textPhrases].join(' ').trim()
  // With other words to search for, the records linked to a name only boost the text matches: the name alone says little about "what about it".
  if (topicWords.length === 0) {
    // A question that only names something ("who is Dana?", "T-1104"): the record that is the entity first.
    for (const source of sources) if (source.node.kind === 'entityLookup') source.weight = 1
    getKeys.push(...entityKeys)
  }
  if (getKeys.length > 0) sources.unshift({ node: planNodes.get({ keyspace, keys: [...new Set(getKeys)] }), weight: 3 })
  const prefix = analysis.target?.prefix
  const prefixOption = prefix === undefined ? {} : { prefix }
  const setBased = filters.length > 0 || analysis.count || analysis.time.changedSince !== undefined
  if (text !== '' && !(analysis.count && setBased && filters.length > 0)) {
    const limit = analysis.count ? 1_000 : RETRIEVAL_LIMIT
    sources.push({ node: planNodes.topicSearch({ query: text, limit, ...prefixOption }), weight: 1 })
    if (analysis.similarTo !== undefined || catalog.cartridges.some((cartridge) => cartridge.role === 'vectors')) sources.push({ node: planNodes.vectorSearch({ text, limit: RETRIEVAL_LIMIT, ...prefixOption }), weight: 1 })
  }
  let root: PlanNode
  const retrieval = ranked(sources)
  const scan = planNodes.scan({ keyspace, ...prefixOption })
  if (setBased && (filters.length > 0 || retrieval === undefined)) {
    const base = retrieval === undefined || analysis.count ? scan : planNodes.fuse({ inputs: [...sources.map((source) => source.node), scan], weights: [...sources.map((source) => source.weight), SCAN_WEIGHT] })
    root = filters.length > 0 ? planNodes.filter({ input: base, where: filters }) : base
  } else if (retrieval !== undefined) {
    root = filters.length > 0 ? planNodes.filter({ input: retrieval, where: filters }) : retrieval
  } else {
    root = scan
  }
  const changed = analysis.time.changedSince
  if (changed !== undefined) {
    root = 'txnId' in changed
      ? planNodes.between({ input: root, by: 'txn', from: changed.txnId, to: catalog.timeRange.lastTxnId })
      : planNodes.between({ input: root, by: 'time', from: changed.time, to: new Date(args.now).toISOString() })
  }
  // Records found by filters alone have no rank: newest keys first (keys usually grow with time: ids, dated slugs), which needs no values.
  if (retrieval === undefined && !analysis.count && target !== undefined) root = planNodes.sort({ input: root, by: 'key', direction: 'desc' })
  if (analysis.count) root = planNodes.aggregate({ input: root, ...(analysis.groupBy === undefined ? {} : { groupBy: analysis.groupBy }), metrics: [{ op: 'count' }] })
  const asOf = analysis.time.asOf
  if (asOf !== undefined) root = 'txnId' in asOf ? planNodes.asOf({ input: root, txnId: asOf.txnId }) : planNodes.asOf({ input: root, time: asOf.time })
  if (!analysis.count) root = planNodes.limit({ input: root, count: args.limit ?? 10 })
  if (args.answer !== undefined) root = planNodes.answer({ input: root, mode: args.answer })
  return createPlan(root, { question: args.question, planner: 'offline' })
}
