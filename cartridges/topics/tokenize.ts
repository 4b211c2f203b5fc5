import { ENGLISH_STOPWORDS } from './stopwords.js'

/** Tokens longer than this many characters are dropped (ids, base64, hashes). */
export const MAX_TOKEN_LENGTH = 64

const WORD = /[\p{L}\p{N}]+/gu
const DIGITS = /^\p{N}+$/u

/**
 * Light (plural) stemming: `studies`→`study`, `classes`→`class`, `boxes`→`box`,
 * `cats`→`cat`; leaves `glass`, `virus`, `analysis` alone. Deliberately conservative
 * so that a stem is always a recognisable word.
 */
export function stem(token: string): string {
  const length = token.length
  if (length <= 3 || token.charCodeAt(length - 1) !== 115 /* s */) return token
  if (token.endsWith('ies') && length > 4) return `${token.slice(0, -3)}y`
  if (token.endsWith('sses')) return token.slice(0, -2)
  if (token.endsWith('xes') || token.endsWith('ches') || token.endsWith('shes') || token.endsWith('zzes')) return token.slice(0, -2)
  if (token.endsWith('ss') || token.endsWith('us') || token.endsWith('is')) return token
  return token.slice(0, -1)
}

/**
 * Splits text into index terms: lower-cased runs of letters and digits, without
 * stopwords, one-letter words or tokens over {@link MAX_TOKEN_LENGTH} characters,
 * each stemmed by {@link stem}. The same function runs on documents and queries.
 *
 * @example
 * tokenize('The Cats of Oslo') // ['cat', 'oslo']
 */
export function tokenize(text: string): string[] {
  const terms: string[] = []
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const token = match[0]
    if (token.length > MAX_TOKEN_LENGTH) continue
    if (token.length === 1 && !DIGITS.test(token)) continue
    if (ENGLISH_STOPWORDS.has(token)) continue
    terms.push(stem(token))
  }
  return terms
}
