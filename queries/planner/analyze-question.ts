import type { Catalog, CatalogField, CatalogPrefix } from '../catalog/catalog-types.js'
import type { Predicate, PlanScalar } from '../plan/plan-node.js'
import { FIELD_ALIASES, NOUN_ALIASES, QUESTION_STOPWORDS, type QuestionWord, questionWords, singular, stemWord, valueWords } from './question-words.js'
import { type TimeExpressions, parseTimeExpressions } from './time-expressions.js'

/** A record a phrase of the question names, as the planner's lexicon finds it. */
export interface NameMatch {
  readonly keyspace: string
  readonly key: string
  /** 1 exact name, 0.9 every word, 0.75 the first name of a person-like name. */
  readonly score: number
}

/** Looks up which records a phrase names (built from the records at the snapshot; see `nameTable`). */
export type NameLookup = (phrase: string) => readonly NameMatch[]

/** A named thing the question mentions. */
export interface MentionedEntity {
  readonly phrase: string
  readonly keyspace: string
  readonly key: string
  readonly prefix: string
  readonly score: number
}

/** What the offline planner understood. */
export interface QuestionAnalysis {
  readonly question: string
  readonly time: TimeExpressions
  readonly count: boolean
  readonly groupBy?: string
  /** The text after "similar to". */
  readonly similarTo?: string
  /** The kind of record asked for (`tasks/`), when the question names one. */
  readonly target?: { readonly keyspace: string; readonly prefix: string }
  readonly filters: Predicate[]
  readonly entities: MentionedEntity[]
  /** Words that were not understood as anything else: the full-text query. */
  readonly topicWords: string[]
  /** Every word in question order, with whether it was used up. */
  readonly words: readonly QuestionWord[]
  readonly consumed: ReadonlySet<number>
}

const STATUS_FIELDS = new Set(['status', 'state', 'stage', 'phase'])
const PRIORITY_FIELDS = new Set(['priority', 'severity', 'urgency', 'importance'])
const KIND_FIELDS = new Set(['type', 'kind', 'category', 'class'])
const AMBIGUOUS_VALUES = new Set(['done', 'new', 'high', 'low', 'medium', 'normal', 'none', 'other', 'yes', 'no', 'true', 'false'])

/** The prefixes of every data keyspace. */
export function catalogPrefixes(catalog: Catalog): { keyspace: string; entry: CatalogPrefix }[] {
  return catalog.keyspaces.flatMap((space) => space.prefixes.filter((entry) => entry.prefix !== '').map((entry) => ({ keyspace: space.name, entry })))
}

function prefixNoun(prefix: string): string {
  return singular(prefix.replace(/\/$/, '').toLowerCase().replace(/[_-]+/g, ' '))
}

const nounCache = new WeakMap<Catalog, Map<string, string>>()

/** Each prefix's noun (`tasks/` → `task`), first prefix wins; cached per catalog. */
function prefixNouns(catalog: Catalog): Map<string, string> {
  let nouns = nounCache.get(catalog)
  if (nouns === undefined) {
    nouns = new Map()
    for (const { entry } of catalogPrefixes(catalog)) if (!nouns.has(prefixNoun(entry.prefix))) nouns.set(prefixNoun(entry.prefix), entry.prefix)
    nounCache.set(catalog, nouns)
  }
  return nouns
}

/** The nouns a word may stand for: itself, its singular, its noun aliases. */
function meanings(word: string): string[] {
  const forms = new Set([word, singular(word)])
  for (const alias of NOUN_ALIASES[word] ?? []) forms.add(alias).add(singular(alias))
  return [...forms]
}

class Analyzer {
  readonly consumed = new Set<number>()
  readonly words: QuestionWord[]
  readonly time: TimeExpressions

  constructor(readonly question: string, readonly catalog: Catalog, now: number) {
    this.time = parseTimeExpressions(question, now)
    this.words = questionWords(this.time.rest)
  }

  free(index: number): boolean {
    return index >= 0 && index < this.words.length && !this.consumed.has(index)
  }

  consume(...indexes: number[]): void {
    for (const index of indexes) this.consumed.add(index)
  }

  /** Index where `phrase` (space-separated lower words) starts among free words; the last word may be plural. */
  findPhrase(phrase: string, from = 0): { start: number; end: number; plural: boolean } | undefined {
    const parts = phrase.split(' ')
    for (let start = from; start + parts.length <= this.words.length; start++) {
      let plural = false
      const matches = parts.every((part, offset) => {
        const word = this.words[start + offset]!
        if (!this.free(start + offset)) return false
        if (word.lower === part) return true
        if (offset === parts.length - 1 && singular(word.lower) === part && word.lower !== part) return (plural = true)
        return false
      })
      if (matches) return { start, end: start + parts.length, plural }
    }
    return undefined
  }

  /** True when a free word near [start, end) names `field` (its stem, or an alias of it). */
  mentions(field: string, start: number, end: number, distance = 3): number | undefined {
    const fieldStem = stemWord(field.split('.').pop()!)
    for (let index = Math.max(0, start - distance); index < Math.min(this.words.length, end + distance); index++) {
      if (index >= start && index < end) continue
      const word = this.words[index]!.lower
      if (stemWord(word) === fieldStem || (FIELD_ALIASES[word] ?? []).some((alias) => stemWord(alias) === fieldStem)) return index
    }
    return undefined
  }

  nounAt(index: number): string | undefined {
    if (!this.free(index)) return undefined
    const nouns = prefixNouns(this.catalog)
    for (const meaning of meanings(this.words[index]!.lower)) {
      const prefix = nouns.get(meaning)
      if (prefix !== undefined) return prefix
    }
    return undefined
  }
}

function findEntities(analyzer: Analyzer, lookup: NameLookup | undefined): MentionedEntity[] {
  if (lookup === undefined) return []
  const found: MentionedEntity[] = []
  const words = analyzer.words
  for (let size = Math.min(5, words.length); size >= 1; size--) {
    for (let start = 0; start + size <= words.length; start++) {
      const span = words.slice(start, start + size)
      if (span.some((word) => !analyzer.free(word.index))) continue
      if (QUESTION_STOPWORDS.has(span[0]!.lower) || QUESTION_STOPWORDS.has(span[size - 1]!.lower)) continue
      const single = size === 1
      if (single && (!span[0]!.capitalized || QUESTION_STOPWORDS.has(span[0]!.lower)) && !/\d/.test(span[0]!.lower)) continue
      const phrase = span.map((word) => word.text).join(' ')
      const matches = lookup(phrase).filter((match) => match.score >= (single ? 0.75 : 0.9))
      if (matches.length === 0) continue
      const best = matches[0]!
      const prefix = best.key.slice(0, best.key.indexOf('/') + 1)
      found.push({ phrase, keyspace: best.keyspace, key: best.key, prefix, score: best.score })
      analyzer.consume(...span.map((word) => word.index))
      // "the churn prediction project": the noun after a name says what it is, not what is asked for.
      const next = start + size
      if (analyzer.nounAt(next) === prefix) analyzer.consume(next)
      if (start > 0 && analyzer.nounAt(start - 1) === prefix && !QUESTION_STOPWORDS.has(words[start - 1]!.lower)) analyzer.consume(start - 1)
    }
  }
  return found
}

function findTarget(analyzer: Analyzer): { keyspace: string; prefix: string } | undefined {
  for (const word of analyzer.words) {
    const prefix = analyzer.nounAt(word.index)
    if (prefix === undefined) continue
    analyzer.consume(word.index)
    const keyspace = catalogPrefixes(analyzer.catalog).find(({ entry }) => entry.prefix === prefix)!.keyspace
    return { keyspace, prefix }
  }
  return undefined
}

interface ValueHit {
  readonly prefix: string
  readonly field: CatalogField
  readonly value: string | number | boolean
  readonly start: number
  readonly end: number
  readonly fieldWord?: number
}

function acceptValue(analyzer: Analyzer, hit: Omit<ValueHit, 'fieldWord'> & { plural: boolean }, target: string | undefined): number | undefined | false {
  const name = hit.field.path.split('.').pop()!.toLowerCase()
  const fieldWord = analyzer.mentions(name, hit.start, hit.end)
  if (fieldWord !== undefined) return fieldWord
  const value = String(hit.value).toLowerCase()
  const capitalized = analyzer.words[hit.start]!.capitalized && hit.start > 0
  const nextNoun = analyzer.nounAt(hit.end) ?? (target !== undefined && analyzer.words[hit.end] !== undefined && meanings(analyzer.words[hit.end]!.lower).includes(prefixNoun(target)) ? target : undefined)
  if (STATUS_FIELDS.has(name) || PRIORITY_FIELDS.has(name)) return AMBIGUOUS_VALUES.has(value) && nextNoun === undefined ? false : undefined
  if (KIND_FIELDS.has(name)) return hit.plural || nextNoun !== undefined || /how many/i.test(analyzer.question) ? undefined : false
  if (hit.field.types.includes('array')) return false
  return capitalized || nextNoun !== undefined ? undefined : false
}

interface ValueCandidate {
  readonly prefix: string
  readonly field: CatalogField
  readonly value: string | number | boolean
  readonly words: string
  readonly wordCount: number
}

const valueCandidateCache = new WeakMap<Catalog, ValueCandidate[]>()

/** Every categorical value of the catalog as words, longest first (so "customer call" wins over "customer"); cached per catalog. */
function valueCandidates(catalog: Catalog): ValueCandidate[] {
  let candidates = valueCandidateCache.get(catalog)
  if (candidates === undefined) {
    candidates = []
    for (const { entry } of catalogPrefixes(catalog)) {
      for (const field of entry.fields) {
        for (const value of field.values ?? []) {
          const words = valueWords(String(value))
          if (words.length >= 2) candidates.push({ prefix: entry.prefix, field, value, words, wordCount: words.split(' ').length })
        }
      }
    }
    candidates.sort((left, right) => right.wordCount - left.wordCount)
    valueCandidateCache.set(catalog, candidates)
  }
  return candidates
}

function findFilters(analyzer: Analyzer, target: { prefix: string } | undefined, minimumWords: number): { filters: Predicate[]; inferredPrefix?: string } {
  const hits: ValueHit[] = []
  const candidates = valueCandidates(analyzer.catalog).filter((candidate) => (target === undefined || candidate.prefix === target.prefix) && candidate.wordCount >= minimumWords)
  for (const candidate of candidates) {
    const occurrence = analyzer.findPhrase(candidate.words)
    if (occurrence === undefined) continue
    const accepted = acceptValue(analyzer, { ...candidate, start: occurrence.start, end: occurrence.end, plural: occurrence.plural }, target?.prefix)
    if (accepted === false) continue
    hits.push({ prefix: candidate.prefix, field: candidate.field, value: candidate.value, start: occurrence.start, end: occurrence.end, ...(accepted === undefined ? {} : { fieldWord: accepted }) })
  }
  const byField = new Map<string, { values: Set<PlanScalar>; prefixes: Set<string> }>()
  for (const hit of hits) {
    const group = byField.get(hit.field.path) ?? { values: new Set(), prefixes: new Set() }
    group.values.add(hit.value)
    group.prefixes.add(hit.prefix)
    byField.set(hit.field.path, group)
    for (let index = hit.start; index < hit.end; index++) analyzer.consume(index)
    if (hit.fieldWord !== undefined) analyzer.consume(hit.fieldWord)
  }
  const filters: Predicate[] = [...byField.entries()].map(([field, group]) => {
    const values = [...group.values]
    return values.length === 1 ? { op: 'eq' as const, field, value: values[0]! } : { op: 'in' as const, field, values }
  })
  // Without a named kind of record, the prefixes every filter applies to say which records are meant.
  const shared = [...byField.values()].reduce<Set<string> | undefined>((common, group) => (common === undefined ? new Set(group.prefixes) : new Set([...common].filter((prefix) => group.prefixes.has(prefix)))), undefined)
  const inferredPrefix = target === undefined && shared !== undefined && shared.size === 1 ? [...shared][0] : undefined
  return { filters, ...(inferredPrefix === undefined ? {} : { inferredPrefix }) }
}

function findGroupBy(analyzer: Analyzer, target: { prefix: string } | undefined): string | undefined {
  const match = /\b(?:per|by|for each|grouped by|broken down by)\s+([\p{L}_]+)/iu.exec(analyzer.time.rest)
  if (match === null) return undefined
  const word = match[1]!.toLowerCase()
  const fields = catalogPrefixes(analyzer.catalog).filter(({ entry }) => target === undefined || entry.prefix === target.prefix).flatMap(({ entry }) => entry.fields)
  const field = fields.find((item) => item.path.toLowerCase() === word || item.path.toLowerCase() === singular(word))
  if (field === undefined) return undefined
  const index = analyzer.words.findIndex((item) => item.lower === word)
  if (index >= 0) analyzer.consume(index, index - 1)
  return field.path
}

function mergeFilters(filters: readonly Predicate[]): Predicate[] {
  const byField = new Map<string, PlanScalar[]>()
  const other: Predicate[] = []
  for (const filter of filters) {
    if (filter.op === 'eq') byField.set(filter.field, [...(byField.get(filter.field) ?? []), filter.value])
    else if (filter.op === 'in') byField.set(filter.field, [...(byField.get(filter.field) ?? []), ...filter.values])
    else other.push(filter)
  }
  const merged = [...byField.entries()].map(([field, values]): Predicate => {
    const unique = [...new Set(values)]
    return unique.length === 1 ? { op: 'eq', field, value: unique[0]! } : { op: 'in', field, values: unique }
  })
  return [...merged, ...other]
}

/**
 * Reads a question the way the offline planner needs it: time words, "how many" and
 * group-by, "similar to", the kind of record asked for, field values used as filters,
 * named things (through `lookup`), and the remaining words for full-text search.
 */
export function analyzeQuestion(args: { readonly question: string; readonly catalog: Catalog; readonly now: number; readonly lookup?: NameLookup }): QuestionAnalysis {
  const analyzer = new Analyzer(args.question, args.catalog, args.now)
  const rest = analyzer.time.rest
  const count = /\b(how many|number of|count of|count the|how much)\b/i.test(rest)
  if (count) analyzer.words.forEach((word, index) => ['how', 'many', 'number', 'count', 'much'].includes(word.lower) && analyzer.consume(index))
  const similar = /\b(?:similar to|resembling|like the one about|related in meaning to)\s+(.+)$/i.exec(rest)
  const entities = findEntities(analyzer, args.lookup)
  // Multi-word values first ("customer calls", "in progress"), so their nouns are not read as a kind of record.
  const phrases = findFilters(analyzer, undefined, 2)
  let target = findTarget(analyzer)
  const inferred = (prefix: string | undefined): { keyspace: string; prefix: string } | undefined => {
    const found = prefix === undefined ? undefined : catalogPrefixes(args.catalog).find(({ entry }) => entry.prefix === prefix)
    return found === undefined ? undefined : { keyspace: found.keyspace, prefix: found.entry.prefix }
  }
  target ??= inferred(phrases.inferredPrefix)
  const groupBy = count ? findGroupBy(analyzer, target) : undefined
  const words = findFilters(analyzer, target, 1)
  target ??= inferred(words.inferredPrefix)
  const filters = mergeFilters([...phrases.filters, ...words.filters])
  const topicWords = analyzer.words.filter((word) => analyzer.free(word.index) && !QUESTION_STOPWORDS.has(word.lower) && !['similar', 'resembling'].includes(word.lower)).map((word) => word.text)
  return {
    question: args.question,
    time: analyzer.time,
    count,
    ...(groupBy === undefined ? {} : { groupBy }),
    ...(similar === null ? {} : { similarTo: similar[1]!.replace(/[?.!]+$/, '').trim() }),
    ...(target === undefined ? {} : { target }),
    filters,
    entities,
    topicWords,
    words: analyzer.words,
    consumed: analyzer.consumed,
  }
}
