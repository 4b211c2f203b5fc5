import type { EntityMention } from './entity-mentions.js'
import { PRONOUNS, STOPWORDS, VERB_TAGS, hasTag, lexiconTags, verbLemma } from './lexicon.js'
import type { Sentence, Token } from './tokenize.js'
import type { Relationship } from './types.js'

type Unit =
  | { readonly kind: 'entity'; readonly mention: EntityMention; readonly start: number; readonly end: number }
  | { readonly kind: 'token'; readonly token: Token; readonly start: number; readonly end: number }

const DETERMINERS = new Set(['the', 'a', 'an', 'this', 'that', 'these', 'those', 'my', 'our', 'your', 'his', 'her', 'their', 'its', 'some', 'any', 'each', 'every', 'all', 'no', 'another', 'both'])
const PREPOSITIONS = new Set(['at', 'for', 'with', 'to', 'from', 'on', 'in', 'into', 'onto', 'by', 'of', 'about', 'over', 'under', 'after', 'before', 'against', 'through', 'across', 'via', 'toward', 'towards', 'as', 'up', 'off', 'out'])
const BE = new Set(['is', 'am', 'are', 'was', 'were', 'be', 'been', 'being'])
const AUXILIARIES = new Set([...BE, 'has', 'have', 'had', 'will', 'would', 'shall', 'should', 'can', 'could', 'may', 'might', 'must', 'do', 'does', 'did', 'going', 'to'])
const NEGATIONS = new Set(['not', 'never', "n't", 'no'])
const ADVERBS = new Set(['also', 'just', 'already', 'finally', 'still', 'now', 'then', 'recently', 'officially', 'quickly', 'formally', 'eventually', 'successfully', 'personally', 'originally', 'previously'])
const FINITE_TAGS: ReadonlySet<string> = new Set(['PastTense', 'PresentTense'])
const FINITE_VERB_TAGS: ReadonlySet<string> = new Set(['PastTense', 'PresentTense', 'Participle', 'Verb'])
const NON_GERUND_VERB_TAGS: ReadonlySet<string> = new Set([...VERB_TAGS].filter((tag) => tag !== 'Gerund'))
const INFINITIVE_TAGS: ReadonlySet<string> = new Set(['Infinitive'])
const PARTICIPLE_TAGS: ReadonlySet<string> = new Set(['PastTense', 'Participle', 'Adjective'])
const COPULA_ROLE_PREPOSITIONS = new Set(['of', 'at', 'for'])
const MAX_PHRASE_WORDS = 5

function isAdverb(lower: string): boolean {
  return ADVERBS.has(lower) || (lower.endsWith('ly') && lower.length > 4 && !hasTag(lexiconTags(lower), NON_GERUND_VERB_TAGS))
}

function buildUnits(sentence: Sentence, mentionsByToken: ReadonlyMap<number, EntityMention>): Unit[] {
  const units: Unit[] = []
  for (let index = 0; index < sentence.tokens.length; index++) {
    const token = sentence.tokens[index]
    const mention = mentionsByToken.get(token.index)
    if (mention !== undefined) {
      units.push({ kind: 'entity', mention, start: mention.entity.start, end: mention.entity.end })
      index += mention.lastToken - mention.firstToken
    } else {
      units.push({ kind: 'token', token, start: token.start, end: token.end })
    }
  }
  return units
}

function lowerOf(unit: Unit | undefined): string | undefined {
  return unit?.kind === 'token' ? unit.token.lower : undefined
}

function isVerbAt(units: readonly Unit[], index: number): boolean {
  const unit = units[index]
  if (unit === undefined || unit.kind !== 'token' || unit.token.kind !== 'word') return false
  const token = unit.token
  if (token.capitalised && !token.sentenceStart) return false
  if (STOPWORDS.has(token.lower) && !/ed$|s$/.test(token.lower)) return false
  if (BE.has(token.lower) || AUXILIARIES.has(token.lower) || PREPOSITIONS.has(token.lower)) return false
  const previous = units[index - 1]
  const previousLower = lowerOf(previous)
  if (previousLower !== undefined && (DETERMINERS.has(previousLower) || previousLower === "'s" || previousLower === '’s')) return false
  const tags = lexiconTags(token.lower)
  if (hasTag(tags, FINITE_VERB_TAGS)) return true
  if (hasTag(tags, NON_GERUND_VERB_TAGS)) {
    return previous === undefined || previous.kind === 'entity' || (previousLower !== undefined && (AUXILIARIES.has(previousLower) || NEGATIONS.has(previousLower) || PRONOUNS.has(previousLower) || previousLower === 'and' || isAdverb(previousLower)))
  }
  if (hasTag(tags, VERB_TAGS)) return previousLower !== undefined && BE.has(previousLower)
  if (!/(?:[^s]s|ed)$/.test(token.lower)) return false
  const next = units[index + 1]
  const nextLower = lowerOf(next)
  let before = index - 1
  while (before >= 0 && isAdverb(lowerOf(units[before]) ?? '')) before--
  const beforeLower = lowerOf(units[before])
  const subjectBefore = units[before]?.kind === 'entity' || (beforeLower !== undefined && (PRONOUNS.has(beforeLower) || beforeLower === 'and'))
  const objectAfter = next?.kind === 'entity' || (nextLower !== undefined && (DETERMINERS.has(nextLower) || PREPOSITIONS.has(nextLower)))
  return subjectBefore && objectAfter
}

interface Phrase { readonly texts: readonly string[]; readonly entities: number; readonly first: number; readonly last: number }

/** Stopwords that may still open a noun phrase ("the new factory", "two engineers"). */
const PHRASE_MODIFIERS = new Set(['new', 'first', 'second', 'last', 'next', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'many', 'several', 'other'])

function isNounish(token: Token): boolean {
  if (token.kind === 'punct') return false
  if (PHRASE_MODIFIERS.has(token.lower)) return true
  if (STOPWORDS.has(token.lower) || PREPOSITIONS.has(token.lower) || DETERMINERS.has(token.lower) || PRONOUNS.has(token.lower)) return false
  return !hasTag(lexiconTags(token.lower), FINITE_TAGS)
}

const MODIFIER_TYPES: ReadonlySet<string> = new Set(['organization', 'place', 'product', 'date'])
const IDENTIFIER_TYPES: ReadonlySet<string> = new Set(['ticket', 'version', 'identifier', 'url', 'email'])

function isCommonNoun(unit: Unit | undefined): boolean {
  return unit?.kind === 'token' && !unit.token.capitalised && isNounish(unit.token)
}

/** Joins units into a phrase: entity names keep their case, common words are lower-cased. */
function joinPhrase(units: readonly Unit[]): string {
  return units.map((unit) => unit.kind === 'entity' ? unit.mention.entity.name : unit.token.lower).join(' ')
}

function phraseText(unit: Unit): string {
  return unit.kind === 'entity' ? unit.mention.entity.name : unit.token.text
}

/** The noun phrase or entity (and entities joined by "and") that ends at `index`. */
function phraseEndingAt(units: readonly Unit[], index: number): Phrase | undefined {
  const unit = units[index]
  if (unit === undefined) return undefined
  if (unit.kind === 'entity') {
    const texts = [phraseText(unit)]
    let first = index
    while (lowerOf(units[first - 1]) === 'and' && units[first - 2]?.kind === 'entity') { first -= 2; texts.unshift(phraseText(units[first])) }
    while (lowerOf(units[first - 1]) === ',' && units[first - 2]?.kind === 'entity') { first -= 2; texts.unshift(phraseText(units[first])) }
    return { texts, entities: texts.length, first, last: index }
  }
  if (!isNounish(unit.token)) return undefined
  let first = index
  while (first - 1 >= 0 && index - first + 1 < MAX_PHRASE_WORDS) {
    const previous = units[first - 1]
    if (previous.kind === 'entity' && MODIFIER_TYPES.has(previous.mention.entity.type)) { first--; break }
    if (previous.kind !== 'token' || !isNounish(previous.token) || hasTag(lexiconTags(previous.token.lower), NON_GERUND_VERB_TAGS) && !hasTag(lexiconTags(previous.token.lower), INFINITIVE_TAGS)) break
    first--
  }
  return { texts: [joinPhrase(units.slice(first, index + 1))], entities: 0, first, last: index }
}

/** The noun phrase or entity (and entities joined by "and") that starts at `index`, skipping determiners. */
function phraseStartingAt(units: readonly Unit[], index: number): Phrase | undefined {
  let first = index
  while (DETERMINERS.has(lowerOf(units[first]) ?? '') || isAdverb(lowerOf(units[first]) ?? '')) first++
  const unit = units[first]
  if (unit === undefined) return undefined
  if (unit.kind === 'entity') {
    let headEnd = first
    while (headEnd + 1 < units.length && headEnd - first + 1 < MAX_PHRASE_WORDS && isCommonNoun(units[headEnd + 1])) headEnd++
    if (headEnd > first && MODIFIER_TYPES.has(unit.mention.entity.type)) return { texts: [joinPhrase(units.slice(first, headEnd + 1))], entities: 1, first, last: headEnd }
    const texts = [phraseText(unit)]
    let last = first
    while ((lowerOf(units[last + 1]) === 'and' || lowerOf(units[last + 1]) === ',') && units[last + 2]?.kind === 'entity') { last += 2; texts.push(phraseText(units[last])) }
    return { texts, entities: texts.length, first, last }
  }
  const afterParticiple = units[first + 1]
  const participle = first > index && unit.token.lower.endsWith('ed') && afterParticiple?.kind === 'token' && isNounish(afterParticiple.token)
  if (!isNounish(unit.token) && !participle) return undefined
  let last = first
  while (last + 1 < units.length && last - first + 1 < MAX_PHRASE_WORDS) {
    const next = units[last + 1]
    if (next.kind !== 'token') break
    const onlyModifiers = units.slice(first, last + 1).every((unitSoFar) => unitSoFar.kind === 'token' && (PHRASE_MODIFIERS.has(unitSoFar.token.lower) || /^\p{N}/u.test(unitSoFar.token.lower)))
    if (!isNounish(next.token) && !(onlyModifiers && next.token.kind === 'word' && !STOPWORDS.has(next.token.lower) && !PREPOSITIONS.has(next.token.lower))) break
    last++
  }
  const following = units[last + 1]
  if (following?.kind === 'entity' && IDENTIFIER_TYPES.has(following.mention.entity.type)) {
    return { texts: [phraseText(following)], entities: 1, first: last + 1, last: last + 1 }
  }
  return { texts: [joinPhrase(units.slice(first, last + 1))], entities: 0, first, last }
}

function confidenceOf(subject: Phrase, object: Phrase, passive: boolean): number {
  const ends = (subject.entities > 0 ? 1 : 0) + (object.entities > 0 ? 1 : 0)
  const base = ends === 2 ? 0.85 : ends === 1 ? 0.65 : 0.45
  return passive ? Math.round((base - 0.05) * 100) / 100 : base
}

function isDate(phrase: Phrase, units: readonly Unit[]): boolean {
  const unit = units[phrase.first]
  return phrase.first === phrase.last && unit.kind === 'entity' && unit.mention.entity.type === 'date'
}

const SUBJECT_ATTACHMENTS = new Set(['from', 'at', 'of'])

/**
 * The subject left of a verb group ending at `left`: a noun phrase or entity; an
 * entity in commas ("The vendor, Initrode LLC, missed"); the person before
 * "from/at/of <organisation>" ("Hannah Schmidt from Siemens AG presented"); or,
 * after "and", the subject of the previous verb ("X fixed A and deployed B").
 */
function findSubject(units: readonly Unit[], left: number, previousSubject: Phrase | undefined): Phrase | undefined {
  const word = lowerOf(units[left])
  if (word === 'and' || word === ',') {
    if (word === ',' && units[left - 1]?.kind === 'entity') return findSubject(units, left - 1, previousSubject)
    return previousSubject
  }
  const phrase = phraseEndingAt(units, left)
  if (phrase === undefined || phrase.entities === 0) return phrase
  const attachment = lowerOf(units[phrase.first - 1])
  const owner = units[phrase.first - 2]
  if (attachment !== undefined && SUBJECT_ATTACHMENTS.has(attachment) && owner?.kind === 'entity' && owner.mention.entity.type === 'person') {
    return phraseEndingAt(units, phrase.first - 2)
  }
  return phrase
}

function clauseRelationships(units: readonly Unit[]): Relationship[] {
  const found: Relationship[] = []
  let previousSubject: Phrase | undefined
  for (let index = 0; index < units.length; index++) {
    const unit = units[index]
    if (unit.kind !== 'token') continue
    const lower = unit.token.lower
    const isCopula = BE.has(lower) && !isVerbAt(units, index + 1) && !isAdverb(lowerOf(units[index + 1]) ?? '')
    if (!isCopula && !isVerbAt(units, index)) continue
    let left = index - 1
    let negated = false
    let passive = false
    while (left >= 0 && units[left].kind === 'token') {
      const word = lowerOf(units[left]) ?? ''
      if (NEGATIONS.has(word)) negated = true
      else if (BE.has(word)) passive = true
      else if (!AUXILIARIES.has(word) && !isAdverb(word)) break
      left--
    }
    const subject = findSubject(units, left, previousSubject)
    if (subject === undefined || subject.texts.some((text) => PRONOUNS.has(text.toLowerCase()))) continue
    let right = index + 1
    while (right < units.length && (NEGATIONS.has(lowerOf(units[right]) ?? '') || isAdverb(lowerOf(units[right]) ?? ''))) {
      if (NEGATIONS.has(lowerOf(units[right]) ?? '')) negated = true
      right++
    }
    let predicate: string
    let object: Phrase | undefined
    let finalSubject = subject
    if (isCopula) {
      const role = phraseStartingAt(units, right)
      const preposition = lowerOf(units[(role?.last ?? -2) + 1])
      if (role === undefined || role.entities > 0 || preposition === undefined || !COPULA_ROLE_PREPOSITIONS.has(preposition)) continue
      object = phraseStartingAt(units, role.last + 2)
      if (object === undefined || object.entities === 0) continue
      predicate = `${role.texts[0]} ${preposition}`
      passive = false
    } else {
      let preposition = PREPOSITIONS.has(lowerOf(units[right]) ?? '') ? lowerOf(units[right]) : undefined
      if (preposition !== undefined) right++
      object = phraseStartingAt(units, right)
      if (object === undefined) continue
      const verbIsParticiple = passive && hasTag(lexiconTags(lower), PARTICIPLE_TAGS) || (passive && lower.endsWith('ed'))
      if (passive && verbIsParticiple && preposition === 'by') {
        finalSubject = object
        object = subject
        preposition = undefined
      } else {
        passive = false
      }
      predicate = verbLemma(lower) + (preposition === undefined ? '' : ` ${preposition}`)
    }
    previousSubject = subject
    if (isDate(finalSubject, units) || isDate(object, units)) continue
    if (negated) predicate = `not ${predicate}`
    const start = units[Math.min(finalSubject.first, object.first)].start
    const end = units[Math.max(finalSubject.last, object.last)].end
    const pairs: Array<[Phrase, string, Phrase]> = [[finalSubject, predicate, object]]
    const secondPreposition = lowerOf(units[object.last + 1])
    const secondObject = units[object.last + 2]
    if (!isCopula && !passive && predicate.includes(' ') && secondPreposition !== undefined && PREPOSITIONS.has(secondPreposition) && secondObject?.kind === 'entity') {
      const extra = phraseStartingAt(units, object.last + 2)
      if (extra !== undefined && !isDate(extra, units)) pairs.push([finalSubject, `${predicate.slice(0, predicate.lastIndexOf(' '))} ${secondPreposition}`, extra])
    }
    for (const [pairSubject, pairPredicate, pairObject] of pairs) {
      for (const subjectText of pairSubject.texts) {
        for (const objectText of pairObject.texts) {
          if (subjectText.toLowerCase() === objectText.toLowerCase()) continue
          found.push({ subject: subjectText, predicate: pairPredicate, object: objectText, confidence: confidenceOf(pairSubject, pairObject, passive), start, end: Math.max(end, units[pairObject.last].end) })
        }
      }
    }
    index = Math.max(index, pairs[pairs.length - 1][2].last)
  }
  return found
}

/** Reads subject–verb–object triples from each sentence, using the entity mentions as units. */
export function findRelationships(sentences: readonly Sentence[], mentions: readonly EntityMention[]): Relationship[] {
  const mentionsByToken = new Map<number, EntityMention>()
  for (const mention of mentions) mentionsByToken.set(mention.firstToken, mention)
  const relationships: Relationship[] = []
  for (const sentence of sentences) {
    const units = buildUnits(sentence, mentionsByToken)
    let clauseStart = 0
    for (let index = 0; index <= units.length; index++) {
      const unit = units[index]
      const boundary = unit === undefined || (unit.kind === 'token' && (unit.token.text === ';' || unit.token.text === ':'))
      if (!boundary) continue
      relationships.push(...clauseRelationships(units.slice(clauseStart, index)))
      clauseStart = index + 1
    }
  }
  return relationships
}
