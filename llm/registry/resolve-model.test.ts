import { describe, expect, it } from 'vitest'
import type { LanguageModelV1 } from '../spec/index.js'
import { createScriptedEmbeddingModel, createScriptedLanguageModel } from '../test-support/scripted-models.js'
import { resolveEmbeddingModel, resolveLanguageModel } from './resolve-model.js'

describe('resolveLanguageModel', () => {
  it('uses the offline model when nothing is configured', () => {
    expect(resolveLanguageModel(undefined, { env: {} })).toMatchObject({ specificationVersion: 'v1', provider: 'offline' })
  })

  it('reads LIVINGDB_MODEL and the provider key from the environment', () => {
    const model = resolveLanguageModel(undefined, { env: { LIVINGDB_MODEL: 'anthropic:claude-haiku-4-5', ANTHROPIC_API_KEY: 'sk-ant' } })
    expect(model).toMatchObject({ provider: 'anthropic', modelId: 'claude-haiku-4-5' })
  })

  it('builds each provider from an id', () => {
    const env = { OPENAI_API_KEY: 'sk', LIVINGDB_BASE_URL: 'http://127.0.0.1:8000/v1' }
    expect(resolveLanguageModel('openai:gpt-4.1-mini', { env })).toMatchObject({ provider: 'openai', modelId: 'gpt-4.1-mini' })
    expect(resolveLanguageModel('ollama:llama3.2:3b', { env })).toMatchObject({ provider: 'ollama', modelId: 'llama3.2:3b' })
    expect(resolveLanguageModel('openai-compatible:qwen2.5', { env })).toMatchObject({ provider: 'openai-compatible', modelId: 'qwen2.5' })
  })

  it('reuses one model (and client) per id and connection', () => {
    const env = { OPENAI_API_KEY: 'sk' }
    expect(resolveLanguageModel('openai:gpt-4.1-mini', { env })).toBe(resolveLanguageModel('openai:gpt-4.1-mini', { env }))
    expect(resolveLanguageModel('openai:gpt-4.1-mini', { env })).not.toBe(resolveLanguageModel('openai:gpt-4.1-mini', { env: { OPENAI_API_KEY: 'other' } }))
  })

  it('passes a model object through and rejects objects that are not spec v1 models', () => {
    const model = createScriptedLanguageModel([])
    expect(resolveLanguageModel(model)).toBe(model)
    expect(() => resolveLanguageModel({ doGenerate: 1 } as unknown as LanguageModelV1)).toThrow(/LanguageModelV1/)
  })

  it.each([
    ['openai:gpt-4.1-mini', {}, /OPENAI_API_KEY/],
    ['anthropic:claude-haiku-4-5', {}, /ANTHROPIC_API_KEY/],
    ['openai-compatible:qwen2.5', {}, /LIVINGDB_BASE_URL/],
    ['gpt-4.1-mini', {}, /provider:model/],
    ['offline:gpt-5', {}, /offline:default/],
  ])('%s with env %j fails with MODEL_CONFIG_INVALID naming the fix', (id, env, message) => {
    expect(() => resolveLanguageModel(id, { env })).toThrow(expect.objectContaining({ code: 'MODEL_CONFIG_INVALID', message: expect.stringMatching(message) }))
  })
})

describe('resolveEmbeddingModel', () => {
  it('uses the offline embedder when nothing is configured, with the requested size', () => {
    const model = resolveEmbeddingModel(undefined, { env: {}, dimensions: 128 })
    expect(model).toMatchObject({ provider: 'offline', dimensions: 128 })
  })

  it('reads LIVINGDB_EMBEDDING_MODEL and applies batching settings', () => {
    const model = resolveEmbeddingModel(undefined, { env: { LIVINGDB_EMBEDDING_MODEL: 'ollama:nomic-embed-text' }, maxValuesPerCall: 16, dimensions: 768 })
    expect(model).toMatchObject({ provider: 'ollama', modelId: 'nomic-embed-text', maxValuesPerCall: 16, dimensions: 768 })
    expect(resolveEmbeddingModel('openai:text-embedding-3-small', { env: { OPENAI_API_KEY: 'sk' } })).toMatchObject({ provider: 'openai', dimensions: 1536 })
  })

  it('passes model objects through and refuses anthropic, which has no embeddings', () => {
    const model = createScriptedEmbeddingModel(4)
    expect(resolveEmbeddingModel(model)).toBe(model)
    expect(() => resolveEmbeddingModel('anthropic:claude-haiku-4-5', { env: { ANTHROPIC_API_KEY: 'k' } })).toThrow(
      expect.objectContaining({ code: 'MODEL_CONFIG_INVALID', message: expect.stringMatching(/LIVINGDB_EMBEDDING_MODEL/) }),
    )
  })
})
