import type { EntityMention } from './entity-mentions.js'
import { FINITE_OR_FUNCTION_TAGS, PRONOUNS, STOPWORDS, hasTag, lexiconTags } from './lexicon.js'
import { singular } from './stem.js'
import type { Sentence, Token } from './tokenize.js'
import type { Topic } from './types.js'

const MAX_PHRASE_WORDS = 3

function isContentWord(token: Token): boolean {
  if (token.kind !== 'word') return false
  if (token.lower.length < 3 || /^\p{N}/u.test(token.lower)) return false
  if (STOPWORDS.has(token.lower) || PRONOUNS.has(token.lower)) return false
  return !hasTag(lexiconTags(token.lower), FINITE_OR_FUNCTION_TAGS)
}

interface Candidate { count: number; surface: string; words: readonly string[]; firstSeen: number }

function addCandidate(candidates: Map<string, Candidate>, words: readonly string[], surface: string): void {
  const key = words.length === 1 ? words[0] : words.join(' ')
  const existing = candidates.get(key)
  if (existing === undefined) candidates.set(key, { count: 1, surface, words, firstSeen: candidates.size })
  else existing.count++
}

/**
 * Keyphrases: runs of up to three content words (nouns, adjectives, unknown
 * words; no stopwords, finite verbs or entities such as people and dates),
 * plus organisation and product names. A phrase scores the sum of its words'
 * frequencies divided by the square root of its length, times how often the
 * whole phrase occurs; single words already covered by a longer phrase that
 * occurs as often are dropped. Weights are scaled so the best phrase has 1.
 */
export function findTopics(sentences: readonly Sentence[], mentions: readonly EntityMention[], limit = 10): Topic[] {
  const entityTokens = new Set<number>()
  for (const mention of mentions) for (let index = mention.firstToken; index <= mention.lastToken; index++) entityTokens.add(index)
  const wordCounts = new Map<string, number>()
  const candidates = new Map<string, Candidate>()
  const run: string[] = []
  for (const sentence of sentences) {
    for (let index = 0; index <= sentence.tokens.length; index++) {
      const token = sentence.tokens[index]
      if (token !== undefined && !entityTokens.has(token.index) && isContentWord(token)) {
        const key = singular(token.lower)
        run.push(key)
        wordCounts.set(key, (wordCounts.get(key) ?? 0) + 1)
        continue
      }
      if (run.length === 0) continue
      const words = run.length > MAX_PHRASE_WORDS ? run.slice(run.length - MAX_PHRASE_WORDS) : run.slice()
      if (words.length > 1) addCandidate(candidates, words, words.join(' '))
      for (const word of run) addCandidate(candidates, [word], word)
      run.length = 0
    }
  }
  for (const mention of mentions) {
    const entity = mention.entity
    if (entity.type !== 'organization' && entity.type !== 'product') continue
    const key = entity.name.toLowerCase()
    wordCounts.set(key, (wordCounts.get(key) ?? 0) + 1)
    addCandidate(candidates, [key], entity.name)
  }
  const scored = [...candidates.entries()].map(([key, candidate]) => {
    const wordScore = candidate.words.reduce((sum, word) => sum + (wordCounts.get(word) ?? 1), 0)
    return { key, candidate, score: (wordScore / Math.sqrt(candidate.words.length)) * (candidate.words.length > 1 ? candidate.count : 1) }
  })
  scored.sort((left, right) => right.score - left.score || left.candidate.firstSeen - right.candidate.firstSeen)
  const kept: typeof scored = []
  for (const entry of scored) {
    if (kept.length >= limit) break
    const single = entry.candidate.words.length === 1
    const covered = single && kept.some((other) => other.candidate.words.length > 1 && other.candidate.words.includes(entry.key) && other.candidate.count >= entry.candidate.count)
    if (!covered) kept.push(entry)
  }
  const best = kept[0]?.score ?? 1
  return kept.map((entry) => ({
    phrase: entry.candidate.words.length === 1 && entry.candidate.surface !== entry.candidate.surface.toLowerCase() ? entry.candidate.surface : entry.key,
    weight: Math.round((entry.score / best) * 1000) / 1000,
    count: entry.candidate.count,
  }))
}
