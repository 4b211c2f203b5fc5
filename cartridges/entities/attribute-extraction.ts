import type { ExtractionRecord } from './extraction-record.js'
import type { ExtractionOutput } from './extraction-output.js'
import { normalizeName } from './normalize-name.js'

/** The facts of one record of a batch, ready to go into an {@link ExtractionRecord}. */
export type RecordFacts = Pick<ExtractionRecord, 'entities' | 'topics' | 'relationships'>

type Entity = { name: string; type: string; confidence: number }
type Edge = { subject: string; predicate: string; object: string; confidence: number }

/** Topics kept per record. */
const MAX_TOPICS = 10
/** Longest name or phrase kept, and longest predicate (the extraction record's limits). */
const MAX_TEXT = 200
const MAX_PREDICATE = 100
/** Entities and relationships kept per record (the extraction record's limit). */
const MAX_ITEMS = 1000

const round = (value: number): number => Math.round(value * 1000) / 1000
const compareText = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0)

function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && /[\p{L}\p{N}]/u.test(character)
}

/** Start offsets where `phrase` occurs in `text` (case-insensitive) between word boundaries. */
export function phraseOccurrences(text: string, phrase: string): number[] {
  const haystack = text.toLowerCase()
  const needle = phrase.toLowerCase().trim()
  const found: number[] = []
  if (needle === '') return found
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const startsClean = !isWordCharacter(needle[0]) || !isWordCharacter(haystack[at - 1])
    const endsClean = !isWordCharacter(needle.at(-1)) || !isWordCharacter(haystack[at + needle.length])
    if (startsClean && endsClean) found.push(at)
  }
  return found
}

/**
 * The entities of `candidates` that `text` mentions, longest names first: an occurrence
 * inside a longer name already found ("Acme" inside "Acme Corp") does not count.
 */
function entitiesIn(text: string, candidates: readonly Entity[]): Entity[] {
  const claimed: [number, number][] = []
  const found: Entity[] = []
  const ordered = [...candidates].sort((left, right) => right.name.length - left.name.length || compareText(left.name, right.name))
  for (const entity of ordered) {
    const free = phraseOccurrences(text, entity.name).filter((start) => claimed.every(([from, to]) => start + entity.name.length <= from || start >= to))
    if (free.length === 0) continue
    for (const start of free) claimed.push([start, start + entity.name.length])
    found.push(entity)
  }
  return found
}

/**
 * Splits one batch reply into the facts of each record. Models report each entity
 * once per batch, so an entity goes to every record that mentions its name (outside a
 * longer entity name); a topic to every record containing the phrase; a relationship to
 * the records with a sentence naming both ends (preferring sentences with its verb). Items found in no record are dropped (the model
 * reported something the records do not say). Per record: entities are de-duplicated by
 * (type, normalised name) keeping the highest confidence and kept in reply order;
 * names over 200 characters, predicates over 100 and items past 1,000 are dropped (the
 * record's limits); entities and relationships below `minConfidence` are dropped, except entities at the
 * end of a kept relationship; relationship ends that are not entities become `concept`
 * entities; topic weights are rescaled so the record's best topic has weight 1.
 */
export function attributeExtraction(args: { readonly texts: readonly string[]; readonly output: ExtractionOutput; readonly minConfidence: number }): RecordFacts[] {
  const { texts, output, minConfidence } = args
  const entities: Entity[] = []
  for (const entity of output.entities) {
    const name = entity.name.trim()
    if (normalizeName(name) !== '' && name.length <= MAX_TEXT) entities.push({ name, type: entity.type, confidence: round(entity.confidence) })
  }
  const edges: Edge[] = []
  for (const relationship of output.relationships) {
    const predicate = relationship.predicate.trim().toLowerCase().replace(/\s+/g, ' ')
    const edge = { subject: relationship.subject.trim(), predicate, object: relationship.object.trim(), confidence: round(relationship.confidence) }
    const fits = predicate.length <= MAX_PREDICATE && edge.subject.length <= MAX_TEXT && edge.object.length <= MAX_TEXT
    if (fits && edge.confidence >= minConfidence && predicate !== '' && normalizeName(edge.subject) !== '' && normalizeName(edge.object) !== '') edges.push(edge)
  }
  const sentences = texts.map(sentencesOf)
  const edgeRecords = new Map(edges.map((edge) => [edge, recordsOfEdge(sentences, edge)]))
  return texts.map((text, index) => {
    const mentioned = new Set(entitiesIn(text, entities))
    const topics = new Map<string, { phrase: string; weight: number }>()
    for (const topic of output.topics) {
      const phrase = topic.phrase.trim()
      const key = phrase.toLowerCase()
      if (phrase.length <= MAX_TEXT && phraseOccurrences(text, phrase).length > 0 && (topics.get(key)?.weight ?? -1) < topic.weight) topics.set(key, { phrase, weight: topic.weight })
    }
    const recordEdges = edges.filter((edge) => edgeRecords.get(edge)!.includes(index))
    return toFacts({ entities: entities.filter((entity) => mentioned.has(entity)), topics: [...topics.values()], edges: recordEdges, minConfidence })
  })
}

/** The sentences of a text (split after `.`, `!`, `?`, `;` and at line breaks). */
function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+|\n+/).filter((sentence) => sentence.trim() !== '')
}

/**
 * The records a relationship belongs to: those with a sentence naming both ends; when
 * several do, those whose sentence also has the predicate's verb (its first four
 * letters), if any has.
 */
function recordsOfEdge(sentences: readonly (readonly string[])[], edge: Edge): number[] {
  const stem = edge.predicate.split(' ')[0]!.slice(0, 4)
  const candidates: { index: number; verb: boolean }[] = []
  sentences.forEach((list, index) => {
    const matching = list.filter((sentence) => phraseOccurrences(sentence, edge.subject).length > 0 && phraseOccurrences(sentence, edge.object).length > 0)
    if (matching.length > 0) candidates.push({ index, verb: matching.some((sentence) => sentence.toLowerCase().includes(stem)) })
  })
  const withVerb = candidates.filter((candidate) => candidate.verb)
  return (withVerb.length > 0 ? withVerb : candidates).map((candidate) => candidate.index)
}

function toFacts(args: { readonly entities: readonly Entity[]; readonly topics: readonly { phrase: string; weight: number }[]; readonly edges: readonly Edge[]; readonly minConfidence: number }): RecordFacts {
  const kept: Entity[] = []
  const byKey = new Map<string, number>()
  const byName = new Map<string, number>()
  const add = (entity: Entity): number => {
    const norm = normalizeName(entity.name)
    const key = `${entity.type}\u0000${norm}`
    const existing = byKey.get(key)
    if (existing !== undefined) {
      if (kept[existing]!.confidence < entity.confidence) kept[existing] = { ...kept[existing]!, confidence: entity.confidence }
      return existing
    }
    kept.push({ ...entity })
    byKey.set(key, kept.length - 1)
    if (!byName.has(norm)) byName.set(norm, kept.length - 1)
    return kept.length - 1
  }
  const weak = new Map<string, Entity>()
  for (const entity of args.entities) {
    if (entity.confidence >= args.minConfidence) add(entity)
    else if (!weak.has(normalizeName(entity.name))) weak.set(normalizeName(entity.name), entity)
  }
  const end = (name: string, confidence: number): number => byName.get(normalizeName(name)) ?? add(weak.get(normalizeName(name)) ?? { name, type: 'concept', confidence })
  const relationships = new Map<string, RecordFacts['relationships'][number]>()
  for (const edge of args.edges) {
    const subject = end(edge.subject, edge.confidence)
    const object = end(edge.object, edge.confidence)
    const key = `${subject}\u0000${edge.predicate}\u0000${object}`
    if (subject !== object && (relationships.get(key)?.confidence ?? -1) < edge.confidence) relationships.set(key, { subject, predicate: edge.predicate, object, confidence: edge.confidence })
  }
  const topics = [...args.topics].sort((left, right) => right.weight - left.weight || compareText(left.phrase, right.phrase)).slice(0, MAX_TOPICS)
  const best = topics[0]?.weight ?? 0
  return { entities: kept.slice(0, MAX_ITEMS), topics: topics.map((topic) => ({ phrase: topic.phrase, weight: best > 0 ? round(topic.weight / best) : 0 })), relationships: [...relationships.values()].filter((edge) => edge.subject < MAX_ITEMS && edge.object < MAX_ITEMS).slice(0, MAX_ITEMS) }
}
