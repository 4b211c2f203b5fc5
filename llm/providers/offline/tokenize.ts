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

const WORD = /(\p{N}{1,3}(?:,\p{N}{3})+(?:\.\p{N}+)?|[\p{L}\p{N}]+(?:['’.&-][\p{L}\p{N}]+)*)|[^\s\p{L}\p{N}]/gu

type RawToken = { -readonly [Key in keyof Omit<Token, 'sentenceStart' | 'index'>]: Token[Key] }

function rawToken(text: string, start: number, kind: Token['kind']): RawToken {
  const first = text[0] ?? ''
  const lower = text.toLowerCase()
  return { text, lower, start, end: start + text.length, kind, capitalised: first !== first.toLowerCase() && first === first.toUpperCase() }
}
const SENTENCE_END = new Set(['.', '!', '?'])
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'jr', 'sr', 'st', 'vs', 'etc', 'no', 'approx', 'dept', 'est', 'fig', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec'])

/**
 * Splits `text` into tokens and sentences. Spans recognised by the regex
 * recognisers (URLs, emails, dates, money, versions, ticket ids...) become one
 * `pattern` token each so later stages treat them as units.
 */
export function tokenize(text: string): { readonly tokens: readonly Token[]; readonly sentences: readonly Sentence[] } {
  const patterns = findPatternMatches(text)
  const raw: RawToken[] = []
  let patternIndex = 0
  let position = 0
  const pushWords = (from: number, to: number): void => {
    // Scan only this segment: a word regex run on the whole text could run past `to` on every call.
    const segment = from === 0 && to === text.length ? text : text.slice(from, to)
    WORD.lastIndex = 0
    for (let match = WORD.exec(segment); match !== null; match = WORD.exec(segment)) {
      const start = from + match.index
      const word = match[0]
      if (match[1] === undefined) {
        raw.push(rawToken(word, start, 'punct'))
        continue
      }
      const last = word.length - 1
      if (last >= 2 && (word[last] === 's' || word[last] === 'S') && (word[last - 1] === "'" || word[last - 1] === '’')) {
        raw.push(rawToken(word.slice(0, last - 1), start, 'word'))
        raw.push(rawToken(word.slice(last - 1), start + last - 1, 'punct'))
        continue
      }
      raw.push(rawToken(word, start, 'word'))
    }
  }
  while (patternIndex < patterns.length) {
    const pattern = patterns[patternIndex++]
    pushWords(position, pattern.start)
    const token = rawToken(text.slice(pattern.start, pattern.end), pattern.start, 'pattern')
    token.patternType = pattern.type
    token.patternConfidence = pattern.confidence
    raw.push(token)
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
    if (previous !== undefined && current.length > 0 && hasNewline(text, previous.end, token.start)) closeSentence()
    const full: Token = { index: tokens.length, text: token.text, lower: token.lower, start: token.start, end: token.end, kind: token.kind, patternType: token.patternType, patternConfidence: token.patternConfidence, capitalised: token.capitalised, sentenceStart: current.length === 0 }
    tokens.push(full)
    current.push(full)
    if (token.kind === 'punct' && SENTENCE_END.has(token.text)) {
      const before = raw[index - 1]
      const after = raw[index + 1]
      const abbreviation = token.text === '.' && before !== undefined && before.end === token.start && ABBREVIATIONS.has(before.lower) &&
        after !== undefined && !hasNewline(text, token.end, after.start) && (after.capitalised || before.lower === 'no')
      if (!abbreviation && !(after !== undefined && SENTENCE_END.has(after.text))) closeSentence()
    }
  }
  closeSentence()
  return { tokens, sentences }
}

function hasNewline(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) if (text.charCodeAt(index) === 10) return true
  return false
}
