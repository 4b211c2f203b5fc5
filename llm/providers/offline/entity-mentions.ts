import {
  COMMON_TAGS, HONORIFICS, LAST_NAME_TAGS, NON_ENTITY_ACRONYMS, ORGANIZATION_TAGS, PERSON_TAGS, PLACE_TAGS, PRODUCTS, STOPWORDS,
  hasTag, isOrganizationSuffix, isPlaceSuffix, lexiconTags,
} from './lexicon.js'
import type { Sentence, Token } from './tokenize.js'
import type { Entity, EntityType } from './types.js'

/** An entity together with the tokens it covers (global token indices, inclusive). */
export interface EntityMention {
  readonly entity: Entity
  readonly firstToken: number
  readonly lastToken: number
}

const CONNECTORS = new Set(['of', '&', 'de', 'van', 'von', 'der', 'den', 'da', 'la', 'le', 'du', 'del', 'di', 'bin', 'al'])
const TITLES = new Set(['ceo', 'cto', 'cfo', 'coo', 'cio', 'vp', 'svp', 'evp', 'head', 'director', 'manager', 'president', 'chair', 'chairman', 'founder', 'cofounder', 'co-founder', 'engineer', 'lead', 'intern', 'team', 'project', 'ticket', 'issue', 'sprint', 'release', 'version'])
/** Imperatives that open work notes ("Ping Dana", "Email Acme") and are missing from the lexicon as verbs. */
const IMPERATIVE_OPENERS = new Set(['ping', 'email', 'call', 'ask', 'tell', 'remind', 'invite', 'message', 'dm', 'cc', 'contact', 'thank', 'meet', 'text', 'slack', 'loop'])
const CLAUSE_OPENERS = new Set([':', '-', '*', '•', '"', '“', '(', '>', '#', '–', '—', '[', "'"])
const PLACE_CONTEXT = new Set(['in', 'near', 'across', 'around', 'outside', 'throughout', 'inside'])
const ORGANIZATION_CONTEXT = new Set(['at', 'joined', 'join', 'joins', 'acquired', 'acquire', 'acquires', 'from', 'client', 'customer', 'vendor', 'partner', 'competitor', 'with'])
const PERSON_CONTEXT_BEFORE = new Set(['cc', 'ask', 'asked', 'told', 'thanks', 'ping', 'pinged', 'owner', 'assignee', 'assigned', 'hired', 'met', 'call', 'called', 'email', 'emailed'])
const PERSON_VERBS_AFTER = new Set(['said', 'says', 'asked', 'asks', 'wrote', 'thinks', 'thought', 'mentioned', 'wants', 'will', 'is', 'was', 'has', 'had', 'reviewed', 'approved', 'suggested', 'agreed', 'noted', 'reported', 'confirmed', 'promised', 'owns', 'leads', 'works', 'joined', 'left', 'met', 'called', 'emailed'])
const CAMEL_CASE = /^\p{Ll}+\p{Lu}|^\p{Lu}{2,}\p{Ll}+\p{Lu}|^\p{Lu}\p{Ll}+\p{Lu}/u

function isCamelCase(token: Token): boolean {
  return token.kind === 'word' && CAMEL_CASE.test(token.text)
}

function isProperToken(token: Token): boolean {
  if (token.kind !== 'word') return false
  if (!token.capitalised && !isCamelCase(token)) return false
  if (/^\p{N}/u.test(token.text)) return false
  if (TITLES.has(token.lower) || NON_ENTITY_ACRONYMS.has(token.lower)) return false
  return !(STOPWORDS.has(token.lower) && token.text !== token.text.toUpperCase())
}

/** A capitalised function word that begins a multi-word name in the lexicon ("New York", "The Hague"). */
function startsKnownName(tokens: readonly Token[], position: number): boolean {
  const token = tokens[position]
  const next = tokens[position + 1]
  if (!token.capitalised || token.kind !== 'word' || next === undefined || !isProperToken(next)) return false
  return hasTag(lexiconTags(`${token.lower} ${next.lower}`), PROPER_TAGS)
}

function atClauseStart(sentence: Sentence, position: number): boolean {
  for (let index = position - 1; index >= 0; index--) {
    const token = sentence.tokens[index]
    if (token.kind !== 'punct') return false
    if (!CLAUSE_OPENERS.has(token.text)) return false
  }
  return true
}

function isCommonWord(lower: string): boolean {
  if (STOPWORDS.has(lower)) return true
  const tags = lexiconTags(lower)
  return hasTag(tags, COMMON_TAGS) && !hasTag(tags, PERSON_TAGS) && !hasTag(tags, PLACE_TAGS) && !hasTag(tags, ORGANIZATION_TAGS)
}

interface Classification { readonly type: EntityType; readonly confidence: number; readonly dropFirst: boolean }

function classify(sequence: readonly Token[], before: Token | undefined, after: Token | undefined, afterNext: Token | undefined): Classification | undefined {
  const lowers = sequence.map((token) => token.lower)
  const tags = lowers.map((lower) => lexiconTags(lower))
  const length = sequence.length
  const last = lowers[length - 1]
  if (length >= 2 && HONORIFICS.has(lowers[0].replace(/\.$/, ''))) return { type: 'person', confidence: 0.9, dropFirst: true }
  if (length >= 2 && hasTag(lexiconTags(lowers.join(' ')), ORGANIZATION_TAGS)) return { type: 'organization', confidence: 0.9, dropFirst: false }
  if (length >= 2 && isOrganizationSuffix(last)) return { type: 'organization', confidence: 0.9, dropFirst: false }
  if (tags.some((tag) => hasTag(tag, ORGANIZATION_TAGS))) return { type: 'organization', confidence: 0.85, dropFirst: false }
  if (lowers.some((lower) => PRODUCTS.has(lower)) || sequence.some(isCamelCase)) return { type: 'product', confidence: 0.8, dropFirst: false }
  if (sequence.some((token) => MODEL_NUMBER.test(token.text))) return { type: 'product', confidence: 0.7, dropFirst: false }
  const hasPlace = tags.some((tag) => hasTag(tag, PLACE_TAGS))
  if (hasTag(tags[0], PERSON_TAGS) && length <= 3 && !hasPlace) return { type: 'person', confidence: length >= 2 ? 0.9 : 0.75, dropFirst: false }
  if (length === 2 && hasTag(tags[1], LAST_NAME_TAGS)) return { type: 'person', confidence: 0.8, dropFirst: false }
  if (length >= 2 && isPlaceSuffix(last)) return { type: 'place', confidence: 0.8, dropFirst: false }
  if (hasPlace && length <= 3) return { type: 'place', confidence: 0.85, dropFirst: false }
  if (hasTag(tags[0], PERSON_TAGS) && length <= 3) return { type: 'person', confidence: 0.6, dropFirst: false }
  if (after !== undefined && (after.patternType === 'version' || (after.kind === 'word' && /^\d{1,4}$/.test(after.text)))) {
    return { type: 'product', confidence: 0.65, dropFirst: false }
  }
  const previous = before?.lower
  if (previous !== undefined && PLACE_CONTEXT.has(previous)) return { type: 'place', confidence: 0.55, dropFirst: false }
  if (previous !== undefined && ORGANIZATION_CONTEXT.has(previous)) return { type: 'organization', confidence: 0.6, dropFirst: false }
  if (length === 1 && sequence[0].text.length >= 2 && sequence[0].text.length <= 6 && sequence[0].text === sequence[0].text.toUpperCase()) {
    return { type: 'organization', confidence: 0.6, dropFirst: false }
  }
  const nextWord = after?.lower === ',' ? afterNext?.lower : after?.lower
  if (length <= 3 && ((previous !== undefined && PERSON_CONTEXT_BEFORE.has(previous)) || (nextWord !== undefined && PERSON_VERBS_AFTER.has(nextWord)))) {
    return { type: length === 1 && !hasTag(tags[0], LAST_NAME_TAGS) && isCommonWord(lowers[0]) ? 'organization' : 'person', confidence: 0.55, dropFirst: false }
  }
  if (length === 2 && tags[1] === undefined && /^\p{Lu}\p{Ll}+$/u.test(sequence[1].text) && /^\p{Lu}\p{Ll}+$/u.test(sequence[0].text)) {
    return { type: 'person', confidence: 0.5, dropFirst: false }
  }
  if (length === 1 && isCommonWord(lowers[0])) return undefined
  return { type: 'organization', confidence: length >= 2 ? 0.5 : 0.4, dropFirst: false }
}

function sentenceMentions(text: string, sentence: Sentence): EntityMention[] {
  const mentions: EntityMention[] = []
  const tokens = sentence.tokens
  let position = 0
  while (position < tokens.length) {
    const token = tokens[position]
    if (token.kind === 'pattern' && token.patternType !== undefined) {
      mentions.push({ entity: { name: token.text, type: token.patternType, start: token.start, end: token.end, confidence: token.patternConfidence ?? 0.8 }, firstToken: token.index, lastToken: token.index })
      position++
      continue
    }
    if (!isProperToken(token) && !startsKnownName(tokens, position)) { position++; continue }
    let end = position
    while (end + 1 < tokens.length) {
      const next = tokens[end + 1]
      if (isProperToken(next) && next.start - tokens[end].end <= 1) { end++; continue }
      const afterConnector = tokens[end + 2]
      const personOf = next.lower === 'of' && hasTag(lexiconTags(tokens[position].lower), PERSON_TAGS)
      if (!personOf && next.kind !== 'pattern' && CONNECTORS.has(next.lower) && afterConnector !== undefined && isProperToken(afterConnector)) { end += 2; continue }
      break
    }
    let first = position
    const knownName = end > position && hasTag(lexiconTags(tokens.slice(position, end + 1).map((token) => token.lower).join(' ')), PROPER_TAGS)
    while (!knownName && first <= end && atClauseStart(sentence, first) && (isCommonWord(tokens[first].lower) || IMPERATIVE_OPENERS.has(tokens[first].lower))) first++
    while (!knownName && first <= end && (STOPWORDS.has(tokens[first].lower) || CONNECTORS.has(tokens[first].lower))) first++
    const last = end
    if (first <= last) {
      const sequence = tokens.slice(first, last + 1)
      const single = sequence.length === 1 ? sequence[0] : undefined
      const skipSingle = single !== undefined && atClauseStart(sentence, first) && lexiconTags(single.lower) === undefined && tokens[first + 1]?.kind === 'punct'
      const classification = skipSingle ? undefined : classify(sequence, tokens[first - 1], tokens[last + 1], tokens[last + 2])
      if (classification !== undefined) {
        const kept = classification.dropFirst ? sequence.slice(1) : sequence
        let finalTokens = kept
        if (classification.type === 'product' && tokens[last + 1] !== undefined && /^\d{1,4}$|^v?\d+(\.\d+)+$/.test(tokens[last + 1].text)) finalTokens = [...kept, tokens[last + 1]]
        const startOffset = finalTokens[0].start
        const endToken = finalTokens[finalTokens.length - 1]
        const name = text.slice(startOffset, endToken.end)
        mentions.push({
          entity: { name, type: classification.type, start: startOffset, end: startOffset + name.length, confidence: classification.confidence },
          firstToken: finalTokens[0].index, lastToken: endToken.index,
        })
        position = endToken.index - tokens[0].index + 1
        continue
      }
    }
    position = end + 1
  }
  return mentions
}

/**
 * Finds every entity mention in the tokenised text, then makes the types of
 * repeated names consistent: a weakly typed mention of a word that is part of a
 * confidently typed name ("Whitfield" after "Dana Whitfield") takes that type.
 */
export function findEntityMentions(text: string, sentences: readonly Sentence[]): EntityMention[] {
  const mentions = sentences.flatMap((sentence) => sentenceMentions(text, sentence))
  const known = new Map<string, { type: EntityType; confidence: number }>()
  for (const mention of mentions) {
    const entity = mention.entity
    if (entity.confidence < 0.75 || !NAMED_TYPES.has(entity.type)) continue
    for (const part of [entity.name, ...entity.name.split(/\s+/)]) {
      const key = part.toLowerCase()
      if (isOrganizationSuffix(key) || STOPWORDS.has(key) || CONNECTORS.has(key)) continue
      const existing = known.get(key)
      if (existing === undefined || existing.confidence < entity.confidence) known.set(key, { type: entity.type, confidence: entity.confidence })
    }
  }
  return mentions.map((mention) => {
    const entity = mention.entity
    if (entity.confidence >= 0.75 || !NAMED_TYPES.has(entity.type)) return mention
    const better = known.get(entity.name.toLowerCase())
    if (better === undefined || better.type === entity.type && better.confidence <= entity.confidence) return mention
    return { ...mention, entity: { ...entity, type: better.type, confidence: Math.min(0.8, better.confidence) } }
  })
}

const NAMED_TYPES: ReadonlySet<EntityType> = new Set(['person', 'organization', 'place', 'product'])
const PROPER_TAGS: ReadonlySet<string> = new Set([...PERSON_TAGS, ...PLACE_TAGS, ...ORGANIZATION_TAGS])
const MODEL_NUMBER = /^\p{Lu}+\d+\p{L}*$/u
