import { tokenize } from '../../cartridges/topics/index.js'

/** A sentence of a record's text with where it came from. */
export interface RecordSentence {
  readonly text: string
  readonly field: string
  readonly score: number
}

const SENTENCE = /[^.!?\n]+(?:[.!?]+|$)/g
const MAX_SENTENCE = 400
const NAME_FIELDS = new Set(['title', 'name', 'subject', 'label'])

function stringFields(value: unknown, path: string, out: { field: string; text: string }[]): void {
  if (typeof value === 'string') {
    if (value.length >= 12 && !/^[a-z0-9_-]+\/\S+$/i.test(value)) out.push({ field: path, text: value })
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    for (const [name, child] of Object.entries(value)) stringFields(child, path === '' ? name : `${path}.${name}`, out)
  }
}

/**
 * The sentences of a record's text fields ranked by how many distinct query terms
 * they contain (ties: the earlier sentence). A record without query terms still
 * yields its first sentences, so every result can be summarised.
 */
export function bestSentences(value: unknown, query: string, limit: number): RecordSentence[] {
  const terms = new Set(tokenize(query))
  const all: { field: string; text: string }[] = []
  stringFields(value, '', all)
  // The title is shown with every sentence already: quote it only when the record has no other text.
  const body = all.filter((item) => !NAME_FIELDS.has(item.field))
  const fields = body.length > 0 ? body : all
  const sentences: (RecordSentence & { order: number })[] = []
  let order = 0
  for (const { field, text } of fields) {
    for (const match of text.matchAll(SENTENCE)) {
      const sentence = match[0].trim()
      if (sentence.length < 3) continue
      const words = new Set(tokenize(sentence))
      let score = 0
      for (const term of terms) if (words.has(term)) score++
      sentences.push({ text: sentence.length > MAX_SENTENCE ? `${sentence.slice(0, MAX_SENTENCE - 1)}…` : sentence, field, score, order: order++ })
    }
  }
  sentences.sort((left, right) => right.score - left.score || left.order - right.order)
  return sentences.slice(0, limit).map(({ text, field, score }) => ({ text, field, score }))
}
