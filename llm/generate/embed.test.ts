import { describe, expect, it } from 'vitest'
import type { EmbeddingModelV1 } from '../spec/index.js'
import { createScriptedEmbeddingModel } from '../test-support/scripted-models.js'
import { embed, embedMany } from './embed.js'

const values = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'ggggggg', 'hhhhhhhh']
const expected = values.map(value => [value.length, value.charCodeAt(0)])

describe('embedMany', () => {
  it('splits values into batches of maxValuesPerCall and keeps input order', async () => {
    const model = createScriptedEmbeddingModel(3)
    const result = await embedMany({ model, values, guards: [] })
    expect(model.batches).toEqual([['a', 'bb', 'ccc'], ['dddd', 'eeeee', 'ffffff'], ['ggggggg', 'hhhhhhhh']])
    expect(result.embeddings).toEqual(expected)
    expect(result).toMatchObject({ calls: 3, usage: { inputTokens: 8 }, modelId: 'scripted:embed-1' })
  })

  it('gives the same result with parallel batches', async () => {
    const model = createScriptedEmbeddingModel(2)
    const result = await embedMany({ model, values, maxParallelCalls: 3, guards: [] })
    expect(model.batches).toHaveLength(4)
    expect(result.embeddings).toEqual(expected)
  })

  it('makes no call for no values', async () => {
    const model = createScriptedEmbeddingModel(2)
    expect((await embedMany({ model, values: [], guards: [] })).embeddings).toEqual([])
    expect(model.batches).toEqual([])
  })

  it('fails when a batch returns the wrong number of vectors', async () => {
    const broken: EmbeddingModelV1 = {
      specificationVersion: 'v1', provider: 'broken', modelId: 'b', maxValuesPerCall: 4,
      async doEmbed() { return { embeddings: [[1]], usage: { inputTokens: 1 } } },
    }
    await expect(embedMany({ model: broken, values: ['x', 'y'], guards: [] })).rejects.toMatchObject({ code: 'MODEL_CALL_FAILED', isRetryable: false })
  })

  it('rejects a bad maxParallelCalls or maxValuesPerCall', async () => {
    await expect(embedMany({ model: createScriptedEmbeddingModel(2), values, maxParallelCalls: 0, guards: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(embedMany({ model: createScriptedEmbeddingModel(0), values, guards: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('runs each batch through the guards', async () => {
    const sizes: number[] = []
    const model = createScriptedEmbeddingModel(5)
    await embedMany({ model, values, guards: [{ name: 'count', wrapEmbed: async ({ request, next }) => { sizes.push(request.values.length); return next(request) } }] })
    expect(sizes).toEqual([5, 3])
  })
})

describe('embed', () => {
  it('embeds one value', async () => {
    const result = await embed({ model: createScriptedEmbeddingModel(4), value: 'hello', guards: [] })
    expect(result.embedding).toEqual([5, 104])
    expect(result.usage).toEqual({ inputTokens: 1 })
  })
})
