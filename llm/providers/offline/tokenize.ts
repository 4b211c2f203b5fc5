import { findPatternMatches } from './patterns.js'
import type { EntityType } from './types.js'

/** One token of the input. Offsets are UTF-16 indices into the original text. */
export interface Token {
  /** Position of the token in the whole token list. */
  readonly index: number
  readonly text: string
  readonly lower: string
  readonly start: number
  readonly end: number
  /** `word`, `punct`, or `pattern` (a whole span found by a regex recogniser: URL, date, money...). */
  readonly kind: 'word' | 'punct' | 'pattern'
  /** For `pattern` tokens: what the recogniser found. */
  readonly patternType?: EntityType
  readonly patternConfidence?: number
  /** First letter is upper case. */
  readonly capitalised: boolean
  /** First token of its sentence. */
  readonly sentenceStart: boolean
}

/** A sentence: a slice of the token list and of the text. */
export interface Sentence {
  readonly tokens: readonly Token[]
  readonly start: number
  readonly end: number
}

const WORD = /\p{N}{1,3}(?:,\p{N}{3})+(?:\.\p{N}+)?|[\p{L}\p{N}]+(?:['’.&-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu
const UPPER = /^\p{Lu}/u
const SENTENCE_END = new Set(['.', '!', '?'])
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'jr', 'sr', 'st', 'vs', 'etc', 'no', 'approx', 'dept', 'est', 'fig', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec'])

/**
 * Splits `text` into tokens and sentences. Spans recognised by the regex
 * recognisers (URLs, emails, dates, money, versions, ticket ids...) become one
 * `pattern` token each so later stages treat them as units.
 */
export function tokenize(text: string): { readonly tokens: readonly Token[]; readonly sentences: readonly Sentence[] } {
  const patterns = findPatternMatches(text)
  const raw: Array<Omit<Token, 'sentenceStart' | 'index'>> = []
  let patternIndex = 0
  let position = 0
  const pushWords = (from: number, to: number): void => {
    const segment = text.slice(from, to)
    WORD.lastIndex = 0
    for (const match of segment.matchAll(WORD)) {
      const start = from + match.index
      const possessive = /^(.+?)(['’]s)$/u.exec(match[0])
      const word = possessive === null ? match[0] : possessive[1]
      if (possessive !== null) {
        raw.push({ text: word, lower: word.toLowerCase(), start, end: start + word.length, kind: 'word', capitalised: UPPER.test(word) })
        raw.push({ text: possessive[2], lower: possessive[2].toLowerCase(), start: start + word.length, end: start + match[0].length, kind: 'punct', capitalised: false })
        continue
      }
      const isWord = /[\p{L}\p{N}]/u.test(word[0] ?? '')
      raw.push({ text: word, lower: word.toLowerCase(), start, end: start + word.length, kind: isWord ? 'word' : 'punct', capitalised: UPPER.test(word) })
    }
  }
  while (patternIndex < patterns.length) {
    const pattern = patterns[patternIndex++]
    pushWords(position, pattern.start)
    const value = text.slice(pattern.start, pattern.end)
    raw.push({ text: value, lower: value.toLowerCase(), start: pattern.start, end: pattern.end, kind: 'pattern', patternType: pattern.type, patternConfidence: pattern.confidence, capitalised: UPPER.test(value) })
    position = pattern.end
  }
  pushWords(position, text.length)

  const tokens: Token[] = []
  const sentences: Sentence[] = []
  let current: Token[] = []
  const closeSentence = (): void => {
    if (current.length === 0) return
    sentences.push({ tokens: current, start: current[0].start, end: current[current.length - 1].end })
    current = []
  }
  for (let index = 0; index < raw.length; index++) {
    const token = raw[index]
    const previous = raw[index - 1]
    if (previous !== undefined && text.slice(previous.end, token.start).includes('\n') && current.length > 0) closeSentence()
    const full: Token = { ...token, index: tokens.length, sentenceStart: current.length === 0 }
    tokens.push(full)
    current.push(full)
    if (token.kind === 'punct' && SENTENCE_END.has(token.text)) {
      const before = raw[index - 1]
      const after = raw[index + 1]
      const abbreviation = token.text === '.' && before !== undefined && before.end === token.start && ABBREVIATIONS.has(before.lower) &&
        after !== undefined && !text.slice(token.end, after.start).includes('\n') && (after.capitalised || before.lower === 'no')
      if (!abbreviation && !(after !== undefined && SENTENCE_END.has(after.text))) closeSentence()
    }
  }
  closeSentence()
  return { tokens, sentences }
}
