import { describe, expect, it } from 'vitest'
import { expectModelCallError } from '../../test-support/expect-model-call-error.js'
import { useTestServer } from '../../test-support/provider-failure-suite.js'
import { loadFixture } from '../../test-support/test-server.js'
import { createOpenAIEmbeddingModel } from './openai-embedding-model.js'
import { createOpenAILanguageModel } from './openai-language-model.js'

const holder = useTestServer()

describe('openai embedding model', () => {
  it('returns vectors in input order with usage, asking for floats', async () => {
    holder.server.respond('/v1/embeddings', { body: loadFixture('openai', 'embeddings') })
    const model = createOpenAIEmbeddingModel({ modelId: 'text-embedding-3-small', apiKey: 'sk-test', baseUrl: `${holder.server.url}/v1` })
    expect(model).toMatchObject({ provider: 'openai', dimensions: 1536, maxValuesPerCall: 2048 })
    const result = await model.doEmbed({ values: ['first', 'second'] })
    expect(result.embeddings).toEqual([[0.0023064255, -0.009327292, -0.0028842222], [0.5, -0.25, 0.125]])
    expect(result.usage).toEqual({ inputTokens: 8 })
    expect(holder.server.requests.at(-1)!.body).toEqual({ model: 'text-embedding-3-small', input: ['first', 'second'], encoding_format: 'float' })
  })

  it('rejects a reply with a vector missing', async () => {
    holder.server.respond('/v1/embeddings', { body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1] }], usage: { prompt_tokens: 2, total_tokens: 2 } } })
    const model = createOpenAIEmbeddingModel({ modelId: 'text-embedding-3-small', apiKey: 'k', baseUrl: `${holder.server.url}/v1` })
    await expectModelCallError(model.doEmbed({ values: ['a', 'b'] }), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /input 1/ })
  })

  it('maps a 429 with an HTTP-date Retry-After', async () => {
    const inTwoSeconds = new Date(Date.now() + 60_000).toUTCString()
    holder.server.respond('/v1/embeddings', { status: 429, headers: { 'retry-after': inTwoSeconds }, body: loadFixture('openai', 'error429') })
    const model = createOpenAIEmbeddingModel({ modelId: 'text-embedding-3-small', apiKey: 'k', baseUrl: `${holder.server.url}/v1` })
    const error = await expectModelCallError(model.doEmbed({ values: ['a'] }), { code: 'MODEL_RATE_LIMITED', isRetryable: true })
    expect(error.retryAfterMs).toBeGreaterThan(50_000)
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000)
  })
})

describe('openai-compatible endpoints (vLLM, llama.cpp server, LM Studio) by base URL', () => {
  it('reports the openai-compatible provider, sends max_tokens and the configured key', async () => {
    holder.server.respond('/compat/v1/chat/completions', { body: loadFixture('openai', 'chatText') })
    const model = createOpenAILanguageModel({ provider: 'openai-compatible', modelId: 'qwen2.5-7b-instruct', baseUrl: `${holder.server.url}/compat/v1`, apiKey: 'local-key' })
    expect(model.provider).toBe('openai-compatible')
    const result = await model.doGenerate({ messages: [{ role: 'user', content: 'Hi' }], maxOutputTokens: 20 })
    expect(result.text).toBe('Hello! How can I assist you today?')
    const sent = holder.server.requests.at(-1)!
    expect(sent.path).toBe('/compat/v1/chat/completions')
    expect(sent.headers.authorization).toBe('Bearer local-key')
    expect(sent.body).toMatchObject({ model: 'qwen2.5-7b-instruct', max_tokens: 20 })
  })

  it('names LIVINGDB_API_KEY when the endpoint rejects the key', async () => {
    holder.server.respond('/compat/v1/chat/completions', { status: 401, body: loadFixture('openai', 'error401') })
    const model = createOpenAILanguageModel({ provider: 'openai-compatible', modelId: 'm', baseUrl: `${holder.server.url}/compat/v1` })
    await expectModelCallError(model.doGenerate({ messages: [{ role: 'user', content: 'Hi' }] }), { code: 'MODEL_AUTH_FAILED', isRetryable: false, message: /LIVINGDB_API_KEY/ })
  })

  it('embeds through a compatible endpoint with a smaller default batch', async () => {
    holder.server.respond('/compat/v1/embeddings', { body: loadFixture('openai', 'embeddings') })
    const model = createOpenAIEmbeddingModel({ provider: 'openai-compatible', modelId: 'bge-small', baseUrl: `${holder.server.url}/compat/v1` })
    expect(model).toMatchObject({ provider: 'openai-compatible', maxValuesPerCall: 64 })
    expect(model.dimensions).toBeUndefined()
    expect((await model.doEmbed({ values: ['x', 'y'] })).embeddings).toHaveLength(2)
  })
})
