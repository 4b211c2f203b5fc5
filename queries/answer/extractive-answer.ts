import type { AnswerSentence, AskAnswer, AskResultItem, Citation } from '../ask-types.js'
import { bestSentences } from './best-sentences.js'

function citationOf(item: AskResultItem, field: string, snippet: string): Citation {
  const txnId = item.citations.find((citation) => citation.txnId !== null)?.txnId ?? null
  return { key: item.key, keyspace: item.keyspace, txnId, source: 'answer', field, snippet }
}

function titleOf(item: AskResultItem): string {
  const value = item.value as Record<string, unknown> | null
  for (const field of ['title', 'name', 'subject']) if (typeof value?.[field] === 'string') return value[field] as string
  return item.key
}

/**
 * The offline answer: the best sentences of the top results (by query terms, at most
 * one per record first, then more), each cited to its record; for aggregate rows, the
 * counts themselves with the records they were counted from.
 */
export function extractiveAnswer(args: { readonly question: string; readonly results: readonly AskResultItem[]; readonly maxSentences: number }): AskAnswer | undefined {
  const { results } = args
  if (results.length === 0) return undefined
  if (results.every((item) => item.keyspace === '(aggregate)')) {
    const sentences: AnswerSentence[] = results.slice(0, args.maxSentences * 3).map((item) => {
      const value = item.value as Record<string, unknown>
      const label = Object.entries(value).filter(([name]) => name !== 'records' && name !== 'count').map(([name, field]) => `${name} ${String(field)}`).join(', ')
      const text = `${label === '' ? 'Count' : label}: ${String(value.count ?? value.records)}.`
      return { text, citations: item.citations }
    })
    return { text: sentences.map((sentence) => sentence.text).join(' '), mode: 'aggregate', sentences, citations: sentences.flatMap((sentence) => sentence.citations) }
  }
  const top = results.slice(0, Math.max(args.maxSentences, 3))
  const candidates = top.map((item, rank) => ({ item, rank, sentences: bestSentences(item.value, args.question, args.maxSentences) }))
  const chosen: { rank: number; order: number; sentence: AnswerSentence }[] = []
  for (let round = 0; chosen.length < args.maxSentences && round < args.maxSentences; round++) {
    const offers = candidates.flatMap(({ item, rank, sentences }) => (sentences[round] === undefined ? [] : [{ item, rank, sentence: sentences[round]! }]))
    if (offers.length === 0) break
    offers.sort((left, right) => right.sentence.score - left.sentence.score || left.rank - right.rank)
    for (const offer of offers) {
      if (chosen.length >= args.maxSentences) break
      if (round > 0 && offer.sentence.score === 0) continue
      const text = `${titleOf(offer.item)}: ${offer.sentence.text}`
      chosen.push({ rank: offer.rank, order: round, sentence: { text, citations: [citationOf(offer.item, offer.sentence.field, offer.sentence.text)] } })
    }
  }
  chosen.sort((left, right) => left.rank - right.rank || left.order - right.order)
  const sentences = chosen.map((entry) => entry.sentence)
  return {
    text: sentences.map((sentence, index) => `${sentence.text} [${index + 1}]`).join(' '),
    mode: 'extractive',
    sentences,
    citations: sentences.flatMap((sentence) => sentence.citations),
  }
}
