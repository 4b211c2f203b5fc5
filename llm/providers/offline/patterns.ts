import type { EntityType } from './types.js'

/** A span found by a regular-expression recogniser. */
export interface PatternMatch {
  readonly type: EntityType
  readonly start: number
  readonly end: number
  readonly confidence: number
}

const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)'
const WEEKDAY = '(?:Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:rs(?:day)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)'
const DAY = '\\d{1,2}(?:st|nd|rd|th)?'

interface Recogniser {
  readonly type: EntityType
  readonly pattern: RegExp
  readonly confidence: number
  /** Characters to strip from the end of a match (trailing punctuation of URLs). */
  readonly trimEnd?: RegExp
  /** Optional check on the matched text. */
  readonly accept?: (text: string) => boolean
  /** Cheap pre-check: skip the recogniser when the text cannot contain a match. */
  readonly requires?: RegExp
  /** Skip the recogniser when the text has no digit at all. */
  readonly needsDigit?: boolean
}

/**
 * Recognisers in priority order: when two matches overlap, the one that starts
 * first wins, then the longer one, then the earlier recogniser in this list.
 */
const RECOGNISERS: readonly Recogniser[] = [
  { type: 'url', pattern: /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi, confidence: 0.98, requires: /:\/\/|www\./i, trimEnd: /[.,;:!?)\]}]+$/ },
  { type: 'email', pattern: /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,24}\b/gu, confidence: 0.98, requires: /@/ },
  { needsDigit: true, type: 'date', pattern: /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, confidence: 0.95 },
  { needsDigit: true, type: 'date', pattern: /\b\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})\b/g, confidence: 0.8 },
  { type: 'date', pattern: new RegExp(`\\b(?:(?:${WEEKDAY}),?\\s+)?${MONTH}\\.?\\s+${DAY}(?:,?\\s+\\d{4})?\\b`, 'g'), confidence: 0.92 },
  { type: 'date', pattern: new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH}\\.?(?:,?\\s+\\d{4})?\\b`, 'g'), confidence: 0.92 },
  { type: 'date', pattern: new RegExp(`\\b(?:early |mid-|mid |late |end of )?(?:January|February|March|April|June|July|August|September|October|November|December)(?:\\s+\\d{4})?\\b`, 'g'), confidence: 0.75,
    accept: (text) => /\d{4}$/.test(text) || !/^(?:March|June|August)$/.test(text) },
  { type: 'date', pattern: new RegExp(`\\b(?:(?:next|last|this|on|by|until|before|after)\\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\\b`, 'gi'), confidence: 0.9 },
  { type: 'date', pattern: /\b(?:today|tomorrow|yesterday|tonight|(?:next|last|this)\s+(?:week|month|quarter|year|sprint)|end of (?:the )?(?:day|week|month|quarter|year|sprint)|EOD|EOW|EOM)\b/gi, confidence: 0.85 },
  { type: 'date', pattern: /\b(?:Q[1-4]|H[12]|FY)\s?'?(?:\d{4}|\d{2})\b|\bQ[1-4]\b/g, confidence: 0.85 },
  { needsDigit: true, type: 'date', pattern: /\b(?:in|since|during|by|until|from|before|after)\s+(?:19|20)\d{2}\b/gi, confidence: 0.8 },
  { needsDigit: true, type: 'date', pattern: /\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?=\W|$)|\b(?:[01]?\d|2[0-3]):[0-5]\d\b/gi, confidence: 0.8 },
  { type: 'money', requires: /[$€£¥]/, pattern: /[$€£¥]\s?\d[\d,]{0,20}(?:\.\d{1,6})?(?:\s?(?:k|m|bn|million|billion|thousand)\b)?/gi, confidence: 0.95 },
  { type: 'money', pattern: /\b\d[\d,]{0,20}(?:\.\d{1,6})?\s?(?:k|m|bn|million|billion|thousand)?\s?(?:USD|EUR|GBP|JPY|CHF|dollars|euros|pounds)\b/gi, confidence: 0.9, requires: /usd|eur|gbp|jpy|chf|dollar|pound/i },
  { needsDigit: true, type: 'version', pattern: /\bv\d{1,9}(?:\.\d{1,9}){0,4}(?:-[0-9A-Za-z.]{1,32})?\b|\b\d{1,9}\.\d{1,9}\.\d{1,9}(?:-[0-9A-Za-z.]{1,32})?\b/g, confidence: 0.9,
    accept: (text) => !/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(text) },
  { type: 'version', pattern: /(?<=\b(?:version|release|ver\.?|upgrade to|bump to)\s)\d{1,9}(?:\.\d{1,9}){1,4}\b/gi, confidence: 0.85, requires: /version|release|ver\.?\s|upgrade to|bump to/i },
  { needsDigit: true, type: 'ticket', pattern: /\b[A-Z][A-Z0-9]{1,9}-\d{1,7}\b/g, confidence: 0.93 },
  { needsDigit: true, type: 'ticket', pattern: /(?<![\w&])#\d{1,7}\b/g, confidence: 0.8 },
  { needsDigit: true, type: 'identifier', pattern: /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g, confidence: 0.9 },
  { needsDigit: true, type: 'identifier', pattern: /\b[0-9a-f]{7,40}\b/g, confidence: 0.7, accept: (text) => /\d/.test(text) && /[a-f]/.test(text) },
  { needsDigit: true, type: 'phone', pattern: /(?<![\w.])\+?\d[\d\s().-]{7,24}\d\b/g, confidence: 0.8,
    accept: (text) => { const digits = text.replace(/\D/g, '').length; return digits >= 9 && digits <= 15 && /[\s().+-]/.test(text) } },
]

const LEADING_PREPOSITION = /^(?:on|by|until|before|after|in|since|during|from)\s+/i

/** Finds identifier-like and date spans with regular expressions; overlaps are resolved. */
export function findPatternMatches(text: string): PatternMatch[] {
  const found: Array<PatternMatch & { readonly rank: number }> = []
  const hasDigit = /\d/.test(text)
  RECOGNISERS.forEach((recogniser, rank) => {
    if (recogniser.requires !== undefined && !recogniser.requires.test(text)) return
    if (recogniser.needsDigit === true && !hasDigit) return
    recogniser.pattern.lastIndex = 0
    for (const match of text.matchAll(recogniser.pattern)) {
      let value = match[0]
      if (recogniser.trimEnd !== undefined) value = value.replace(recogniser.trimEnd, '')
      if (value.length === 0) continue
      if (recogniser.accept !== undefined && !recogniser.accept(value)) continue
      let start = match.index
      if (recogniser.type === 'date') {
        const lead = LEADING_PREPOSITION.exec(value)
        if (lead !== null) { start += lead[0].length; value = value.slice(lead[0].length) }
      }
      found.push({ type: recogniser.type, start, end: start + value.length, confidence: recogniser.confidence, rank })
    }
  })
  found.sort((left, right) => left.start - right.start || (right.end - right.start) - (left.end - left.start) || left.rank - right.rank)
  const kept: PatternMatch[] = []
  let coveredUntil = -1
  for (const match of found) {
    if (match.start < coveredUntil) continue
    kept.push({ type: match.type, start: match.start, end: match.end, confidence: match.confidence })
    coveredUntil = match.end
  }
  return kept
}
