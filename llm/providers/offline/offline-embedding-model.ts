import type { EmbedRequest, EmbedResult, EmbeddingModelV1 } from '../../spec/index.js'
import { LivingDbError } from '../../../errors/index.js'
import { hashString } from './hash.js'
import { STOPWORDS } from './lexicon.js'
import { lightStem } from './stem.js'

/** Options of {@link createOfflineEmbeddingModel}. */
export interface OfflineEmbeddingOptions {
  /** Vector length (default 384, allowed 16..8192). */
  readonly dimensions?: number
  /** Largest batch per `doEmbed` call (default 2048). */
  readonly maxValuesPerCall?: number
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu
const WORD_WEIGHT = 1
const BIGRAM_WEIGHT = 0.5
const CHARACTER_WEIGHT = 0.7
const SEED_WORD = 0x9747b28c
const SEED_BIGRAM = 0x3c6ef372
const SEED_CHARACTER = 0x1b873593

function addFeature(counts: Map<number, number>, feature: string, seed: number, dimensions: number): void {
  const hash = hashString(feature, seed)
  const slot = (hash >>> 1) % dimensions
  const signed = (hash & 1) === 0 ? slot + 1 : -(slot + 1)
  counts.set(signed, (counts.get(signed) ?? 0) + 1)
}

function addGroup(vector: Float64Array, counts: Map<number, number>, weight: number): void {
  let norm = 0
  const values: Array<[number, number]> = []
  for (const [signed, count] of counts) {
    const value = 1 + Math.log(count)
    values.push([signed, value])
    norm += value * value
  }
  if (norm === 0) return
  const scale = weight / Math.sqrt(norm)
  for (const [signed, value] of values) {
    if (signed > 0) vector[signed - 1] += value * scale
    else vector[-signed - 1] -= value * scale
  }
}

/**
 * Embeds one text: lower-cased words (light stemming, stopwords dropped unless
 * nothing else is left), word bigrams and character 3–5-grams of each word
 * (fastText-style `<word>` padding), each feature hashed with a seeded FNV-1a +
 * murmur finaliser into a signed slot; term counts are sublinear (1 + ln tf); the
 * three feature groups are normalised separately, weighted 1 / 0.5 / 0.7, summed
 * and L2-normalised. Empty or symbol-only text gives the zero vector.
 */
export function embedText(text: string, dimensions: number): number[] {
  const lowered = text.normalize('NFKC').toLowerCase()
  const allWords = lowered.match(WORD) ?? []
  const content = allWords.filter((word) => !STOPWORDS.has(word))
  const words = (content.length > 0 ? content : allWords).map(lightStem)
  const wordCounts = new Map<number, number>()
  const bigramCounts = new Map<number, number>()
  const characterCounts = new Map<number, number>()
  for (let index = 0; index < words.length; index++) {
    const word = words[index]
    addFeature(wordCounts, word, SEED_WORD, dimensions)
    if (index > 0) addFeature(bigramCounts, `${words[index - 1]} ${word}`, SEED_BIGRAM, dimensions)
    const padded = `<${word}>`
    for (let size = 3; size <= 5; size++) {
      for (let start = 0; start + size <= padded.length; start++) addFeature(characterCounts, padded.slice(start, start + size), SEED_CHARACTER, dimensions)
    }
  }
  const vector = new Float64Array(dimensions)
  addGroup(vector, wordCounts, WORD_WEIGHT)
  addGroup(vector, bigramCounts, BIGRAM_WEIGHT)
  addGroup(vector, characterCounts, CHARACTER_WEIGHT)
  let norm = 0
  for (const value of vector) norm += value * value
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm)
  const result = new Array<number>(dimensions)
  for (let index = 0; index < dimensions; index++) result[index] = vector[index] * scale
  return result
}

/**
 * An embedding model that needs no key and no network: feature hashing of word
 * unigrams, bigrams and character n-grams (see {@link embedText}). Texts that
 * share words or word pieces get close vectors; it knows no synonyms.
 * Deterministic across runs and platforms.
 *
 * @example
 * const model = createOfflineEmbeddingModel({ dimensions: 256 })
 * const { embeddings } = await model.doEmbed({ values: ['billing migration approved'] })
 */
export function createOfflineEmbeddingModel(options: OfflineEmbeddingOptions = {}): EmbeddingModelV1 {
  const dimensions = options.dimensions ?? 384
  const maxValuesPerCall = options.maxValuesPerCall ?? 2048
  if (!Number.isInteger(dimensions) || dimensions < 16 || dimensions > 8192) {
    throw new LivingDbError('MODEL_CONFIG_INVALID', `Offline embedding dimensions must be an integer from 16 to 8192, got ${String(dimensions)}; pass e.g. { dimensions: 384 }.`, { details: { dimensions } })
  }
  if (!Number.isInteger(maxValuesPerCall) || maxValuesPerCall < 1) {
    throw new LivingDbError('MODEL_CONFIG_INVALID', `Offline embedding maxValuesPerCall must be a positive integer, got ${String(maxValuesPerCall)}.`, { details: { maxValuesPerCall } })
  }
  return {
    specificationVersion: 'v1',
    provider: 'offline',
    modelId: `hash-${dimensions}`,
    dimensions,
    maxValuesPerCall,
    async doEmbed(request: EmbedRequest): Promise<EmbedResult> {
      if (request.abortSignal?.aborted === true) throw new LivingDbError('MODEL_ABORTED', 'The embedding call was aborted by the caller before it started.')
      if (request.values.length > maxValuesPerCall) {
        throw new LivingDbError('INVALID_ARGUMENT', `doEmbed got ${request.values.length} values, more than maxValuesPerCall (${maxValuesPerCall}); use embedMany, which splits batches.`, { details: { count: request.values.length, maxValuesPerCall } })
      }
      let characters = 0
      const embeddings = request.values.map((value, index) => {
        if (typeof value !== 'string') throw new LivingDbError('INVALID_ARGUMENT', `doEmbed value ${index} is ${value === null ? 'null' : typeof value}, not a string; pass text only.`)
        characters += value.length
        return embedText(value, dimensions)
      })
      return { embeddings, usage: { inputTokens: Math.ceil(characters / 4) } }
    },
  }
}
