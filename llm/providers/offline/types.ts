/** What kind of thing an extracted entity is. */
export type EntityType =
  | 'person'
  | 'organization'
  | 'place'
  | 'product'
  | 'date'
  | 'email'
  | 'url'
  | 'phone'
  | 'ticket'
  | 'version'
  | 'money'
  | 'identifier'

/** Every entity type, in a stable order (useful for enums in schemas). */
export const ENTITY_TYPES: readonly EntityType[] = Object.freeze([
  'person', 'organization', 'place', 'product', 'date', 'email', 'url', 'phone', 'ticket', 'version', 'money', 'identifier',
])

/** One entity mention found in a text. `start`/`end` are UTF-16 offsets into the input (end exclusive). */
export interface Entity {
  readonly name: string
  readonly type: EntityType
  readonly start: number
  readonly end: number
  /** Heuristic confidence in [0, 1]: how sure the rule that produced it usually is. */
  readonly confidence: number
}

/** A keyphrase with its weight in (0, 1] (the best phrase of a text has weight 1). */
export interface Topic {
  readonly phrase: string
  readonly weight: number
  /** How many times the phrase (or its plural/singular variant) occurs. */
  readonly count: number
}

/**
 * A subject–predicate–object triple. `predicate` is the lemma of the verb plus its
 * preposition when it has one (`approve`, `acquire`, `work at`, `report to`).
 */
export interface Relationship {
  readonly subject: string
  readonly predicate: string
  readonly object: string
  readonly confidence: number
  /** Offsets of the clause the triple was read from. */
  readonly start: number
  readonly end: number
}

/** One sentence picked by the extractive summariser. */
export interface SummarySentence {
  readonly text: string
  readonly start: number
  readonly end: number
  readonly score: number
}

/** An extractive summary: the picked sentences in their original order and their joined text. */
export interface Summary {
  readonly text: string
  readonly sentences: readonly SummarySentence[]
}

/** Everything the offline analyser extracts from one text in one pass. */
export interface TextAnalysis {
  readonly entities: readonly Entity[]
  readonly topics: readonly Topic[]
  readonly relationships: readonly Relationship[]
}
