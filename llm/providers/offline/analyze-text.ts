import { findEntityMentions } from './entity-mentions.js'
import { findRelationships } from './extract-relationships.js'
import { findTopics } from './extract-topics.js'
import { pickSummarySentences } from './summarize.js'
import { tokenize } from './tokenize.js'
import type { Entity, Relationship, Summary, TextAnalysis, Topic } from './types.js'
import { LivingDbError } from '../../../errors/index.js'

/** Largest text the offline analyser accepts in one call (characters). Longer input: split it. */
export const MAX_ANALYSIS_CHARACTERS = 1_000_000

function checkText(text: unknown, functionName: string): string {
  if (typeof text !== 'string') {
    throw new LivingDbError('INVALID_ARGUMENT', `${functionName}() expects a string, got ${text === null ? 'null' : typeof text}; pass the note text.`)
  }
  if (text.length > MAX_ANALYSIS_CHARACTERS) {
    throw new LivingDbError('INVALID_ARGUMENT', `${functionName}() got ${text.length} characters, more than the offline limit of ${MAX_ANALYSIS_CHARACTERS}; split the text into smaller parts.`, { details: { length: text.length, limit: MAX_ANALYSIS_CHARACTERS } })
  }
  return text
}

/**
 * Entities in `text`: people, organisations, places, products (capitalised
 * sequences classified with compromise's lexicon, suffixes and context), and
 * dates, emails, URLs, phone numbers, ticket ids, versions, money and other
 * identifiers (regular expressions). One item per mention, in text order.
 *
 * @example
 * extractEntities('Dana approved OPS-12 for Acme Corp.')
 * // [{ name: 'Dana', type: 'person', ... }, { name: 'OPS-12', type: 'ticket', ... }, { name: 'Acme Corp', type: 'organization', ... }]
 */
export function extractEntities(text: string): Entity[] {
  const input = checkText(text, 'extractEntities')
  const { sentences } = tokenize(input)
  return findEntityMentions(input, sentences).map((mention) => mention.entity)
}

/** Keyphrases of `text` with weights in (0, 1], best first (at most `limit`, default 10). */
export function extractTopics(text: string, options: { readonly limit?: number } = {}): Topic[] {
  const input = checkText(text, 'extractTopics')
  const { sentences } = tokenize(input)
  return findTopics(sentences, findEntityMentions(input, sentences), options.limit ?? 10)
}

/**
 * Subject–verb–object triples of `text` ("Acme acquired Beta Corp" →
 * `{ subject: 'Acme', predicate: 'acquire', object: 'Beta Corp' }`).
 */
export function extractRelationships(text: string): Relationship[] {
  const input = checkText(text, 'extractRelationships')
  const { sentences } = tokenize(input)
  return findRelationships(sentences, findEntityMentions(input, sentences))
}

/** An extractive summary of `text`: its `sentences` (default 2) most central sentences, in order. */
export function summarize(text: string, options: { readonly sentences?: number } = {}): Summary {
  const input = checkText(text, 'summarize')
  return pickSummarySentences(input, tokenize(input).sentences, options)
}

/** Entities, topics and relationships of `text` in one pass (one tokenisation, shared entity mentions). */
export function analyzeText(text: string, options: { readonly topicLimit?: number } = {}): TextAnalysis {
  return analyzeWithSummary(checkText(text, 'analyzeText'), { topicLimit: options.topicLimit, summarySentences: 0 }).analysis
}

/**
 * {@link analyzeText} plus an extractive summary from the same tokenisation (the
 * offline model needs both). `summarySentences: 0` skips the summary.
 */
export function analyzeWithSummary(text: string, options: { readonly topicLimit?: number; readonly summarySentences: number }): { readonly analysis: TextAnalysis; readonly summary: Summary } {
  const input = checkText(text, 'analyzeText')
  const { sentences } = tokenize(input)
  const mentions = findEntityMentions(input, sentences)
  const analysis = {
    entities: mentions.map((mention) => mention.entity),
    topics: findTopics(sentences, mentions, options.topicLimit ?? 10),
    relationships: findRelationships(sentences, mentions),
  }
  const summary = options.summarySentences > 0 ? pickSummarySentences(input, sentences, { sentences: options.summarySentences }) : { text: '', sentences: [] }
  return { analysis, summary }
}
