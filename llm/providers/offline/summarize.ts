import { STOPWORDS } from './lexicon.js'
import { lightStem } from './stem.js'
import type { Sentence } from './tokenize.js'
import type { Summary, SummarySentence } from './types.js'

/** Options of {@link pickSummarySentences}. */
export interface SummarizeOptions {
  /** How many sentences to keep (default 2). */
  readonly sentences?: number
}

/**
 * Extractive summary: every sentence scores the summed document frequency of its
 * content-word stems divided by the square root of its content-word count, with
 * a 10% bonus for the first sentence; the best `count` sentences are returned in
 * their original order (ties go to the earlier sentence).
 */
export function pickSummarySentences(text: string, sentences: readonly Sentence[], options: SummarizeOptions = {}): Summary {
  const count = Math.max(1, Math.floor(options.sentences ?? 2))
  const frequencies = new Map<string, number>()
  const stemsBySentence = sentences.map((sentence) => {
    const stems: string[] = []
    for (const token of sentence.tokens) {
      if (token.kind === 'punct' || STOPWORDS.has(token.lower) || token.lower.length < 3) continue
      const stem = token.kind === 'pattern' ? token.lower : lightStem(token.lower)
      stems.push(stem)
      frequencies.set(stem, (frequencies.get(stem) ?? 0) + 1)
    }
    return stems
  })
  const scored: SummarySentence[] = sentences.map((sentence, index) => {
    const stems = stemsBySentence[index]
    const total = stems.reduce((sum, stem) => sum + (frequencies.get(stem) ?? 0), 0)
    const base = stems.length === 0 ? 0 : total / Math.sqrt(stems.length)
    const score = Math.round(base * (index === 0 ? 1.1 : 1) * 1000) / 1000
    return { text: text.slice(sentence.start, sentence.end), start: sentence.start, end: sentence.end, score }
  })
  const picked = scored
    .map((sentence, index) => ({ sentence, index }))
    .sort((left, right) => right.sentence.score - left.sentence.score || left.index - right.index)
    .slice(0, count)
    .sort((left, right) => left.index - right.index)
    .map((entry) => entry.sentence)
  return { text: picked.map((sentence) => sentence.text.trim()).join(' '), sentences: picked }
}
