import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../../errors/index.js'
import { createOfflineEmbeddingModel, embedText } from './offline-embedding-model.js'

const { triples } = JSON.parse(readFileSync(new URL('./__fixtures__/paraphrase-triples.json', import.meta.url), 'utf8')) as { triples: [string, string, string][] }

function cosine(left: readonly number[], right: readonly number[]): number {
  let dot = 0
  for (let index = 0; index < left.length; index++) dot += left[index] * right[index]
  return dot
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(cosine(vector, vector))
}

describe('offline embedding model', () => {
  it('puts every paraphrase closer to its anchor than the unrelated text', async () => {
    expect(triples.length).toBeGreaterThanOrEqual(20)
    const model = createOfflineEmbeddingModel()
    const { embeddings } = await model.doEmbed({ values: triples.flat() })
    const margins: number[] = []
    triples.forEach(([anchor, paraphrase, unrelated], index) => {
      const [anchorVector, paraphraseVector, unrelatedVector] = embeddings.slice(index * 3, index * 3 + 3)
      const close = cosine(anchorVector, paraphraseVector)
      const far = cosine(anchorVector, unrelatedVector)
      margins.push(close - far)
      expect(close, `"${anchor}" vs "${paraphrase}" (${close.toFixed(3)}) should beat "${unrelated}" (${far.toFixed(3)})`).toBeGreaterThan(far)
    })
    console.log(`paraphrase margin: min ${Math.min(...margins).toFixed(3)}, mean ${(margins.reduce((sum, margin) => sum + margin, 0) / margins.length).toFixed(3)}`)
  })

  it('returns L2-normalised vectors of the configured length, and zeros for empty text', async () => {
    const model = createOfflineEmbeddingModel({ dimensions: 128 })
    const { embeddings, usage } = await model.doEmbed({ values: ['Acme acquired Beta Corp.', 'a', '', '!!!'] })
    expect(model.dimensions).toBe(128)
    expect(embeddings[0]).toHaveLength(128)
    expect(norm(embeddings[0])).toBeCloseTo(1, 10)
    expect(norm(embeddings[1])).toBeCloseTo(1, 10)
    expect(embeddings[2].every((value) => value === 0)).toBe(true)
    expect(embeddings[3].every((value) => value === 0)).toBe(true)
    expect(usage.inputTokens).toBe(Math.ceil('Acme acquired Beta Corp.a!!!'.length / 4))
  })

  it('is deterministic: same text, same vector, across calls and model instances', async () => {
    const text = 'Deploy version 2.4 to production on Friday.'
    const first = (await createOfflineEmbeddingModel().doEmbed({ values: [text] })).embeddings[0]
    const second = (await createOfflineEmbeddingModel().doEmbed({ values: [text] })).embeddings[0]
    expect(second).toEqual(first)
    expect(embedText(text, 384)).toEqual(first)
  })

  it('is stable across platforms: pinned components of a known vector', () => {
    const vector = embedText('Acme acquired Beta Corp last week.', 64)
    const pinned = vector.slice(0, 8).map((value) => Math.round(value * 1e6) / 1e6)
    expect(pinned).toEqual(PINNED_COMPONENTS)
  })

  it('rejects bad configuration and bad input with typed errors', async () => {
    expect(() => createOfflineEmbeddingModel({ dimensions: 3 })).toThrow(LivingDbError)
    expect(() => createOfflineEmbeddingModel({ dimensions: 1.5 })).toThrow(/dimensions/)
    const model = createOfflineEmbeddingModel({ maxValuesPerCall: 2 })
    await expect(model.doEmbed({ values: ['a', 'b', 'c'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(model.doEmbed({ values: [42 as unknown as string] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const controller = new AbortController()
    controller.abort()
    await expect(model.doEmbed({ values: ['a'], abortSignal: controller.signal })).rejects.toMatchObject({ code: 'MODEL_ABORTED' })
  })
})

// Recorded once from this implementation; a change here means every stored offline vector changes.
const PINNED_COMPONENTS: number[] = [0, 0, 0, 0, 0.07592, -0.07592, 0, -0.454794]
