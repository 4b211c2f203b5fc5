import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { GenerateRequest } from '../../spec/index.js'
import { expectModelCallError } from '../../test-support/expect-model-call-error.js'
import { loadFixture, startTestServer, type TestServer } from '../../test-support/test-server.js'
import { createOllamaEmbeddingModel } from './ollama-embedding-model.js'
import { createOllamaLanguageModel } from './ollama-language-model.js'

const CHAT = '/api/chat'
const fixture = (name: string): unknown => loadFixture('ollama', name)
const hello: GenerateRequest = { messages: [{ role: 'user', content: 'Hello' }] }

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  server.requests.length = 0
})

function model(timeoutMs = 5_000) {
  return createOllamaLanguageModel({ modelId: 'llama3.2', baseUrl: server.url, timeoutMs })
}

describe('ollama language model over the official client', () => {
  it('maps a plain text reply, usage and done_reason; sends a non-streaming chat', async () => {
    server.respond(CHAT, { body: fixture('chatText') })
    const result = await model().doGenerate({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }], temperature: 0.2, maxOutputTokens: 64 })
    expect(result).toMatchObject({ text: 'Hello! How are you today?', toolCalls: [], usage: { inputTokens: 26, outputTokens: 298 }, finishReason: 'stop', response: { modelId: 'llama3.2' } })
    expect(server.requests[0]!.body).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }],
      stream: false,
      options: { temperature: 0.2, num_predict: 64 },
    })
  })

  it('sends tools and tool history, and parses tool calls (ids generated)', async () => {
    server.respond(CHAT, { body: fixture('chatToolCalls') })
    const result = await model().doGenerate({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_0', toolName: 'get_current_weather', input: { location: 'Oslo' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_0', toolName: 'get_current_weather', output: 'cold' }] },
      ],
      tools: [
        { name: 'get_current_weather', inputSchema: { type: 'object', properties: { location: { type: 'string' } } } },
        { name: 'get_time', inputSchema: { type: 'object', properties: {} } },
      ],
      toolChoice: { type: 'tool', toolName: 'get_current_weather' },
    })
    expect(result.toolCalls).toEqual([{ toolCallId: 'call_0', toolName: 'get_current_weather', input: { format: 'celsius', location: 'Paris, FR' } }])
    expect(result.finishReason).toBe('tool-calls')
    const body = server.requests[0]!.body as Record<string, unknown>
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'get_current_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }])
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_current_weather', arguments: { location: 'Oslo' } } }] },
      { role: 'tool', content: 'cold', tool_name: 'get_current_weather' },
    ])
  })

  it('asks for structured output with format: <schema>', async () => {
    server.respond(CHAT, { body: fixture('chatStructured') })
    const schema = { type: 'object', properties: { entities: { type: 'array' } }, required: ['entities'] }
    const result = await model().doGenerate({ ...hello, responseSchema: { name: 'entities', schema } })
    expect(JSON.parse(result.text)).toEqual({ entities: [{ name: 'Ada Lovelace', type: 'person' }, { name: 'London', type: 'place' }] })
    expect((server.requests[0]!.body as Record<string, unknown>).format).toEqual(schema)
  })

  it('maps done_reason length', async () => {
    server.respond(CHAT, { body: fixture('chatLength') })
    expect((await model().doGenerate(hello)).finishReason).toBe('length')
  })

  it.each([
    [400, 'error400', 'MODEL_CALL_FAILED', false],
    [401, 'error401', 'MODEL_AUTH_FAILED', false],
    [404, 'error404', 'MODEL_NOT_FOUND', false],
    [500, 'error500', 'MODEL_CALL_FAILED', true],
  ])('maps HTTP %i (%s) to %s', async (status, name, code, isRetryable) => {
    server.respond(CHAT, { status, body: fixture(name) })
    const error = await expectModelCallError(model().doGenerate(hello), { code: String(code), isRetryable: Boolean(isRetryable) })
    expect(error.statusCode).toBe(status)
  })

  it('keeps Ollama\'s own error text in the message', async () => {
    server.respond(CHAT, { status: 404, body: fixture('error404') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_NOT_FOUND', isRetryable: false, message: /try pulling it first/ })
  })

  it('maps 429 with Retry-After', async () => {
    server.respond(CHAT, { status: 429, headers: { 'retry-after': '3' }, body: fixture('error429') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_RATE_LIMITED', isRetryable: true, retryAfterMs: 3000 })
  })

  it('rejects malformed bodies', async () => {
    server.respond(CHAT, { rawBody: '{"model": "llama3.2", "message": ' }, { body: fixture('chatNoMessage') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /malformed/ })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /message/ })
  })

  it('times out stalled replies', async () => {
    server.respond(CHAT, { stall: 'before-headers' }, { stall: 'mid-body', body: fixture('chatText') })
    await expectModelCallError(model(150).doGenerate(hello), { code: 'MODEL_TIMEOUT', isRetryable: true })
    await expectModelCallError(model(150).doGenerate(hello), { code: 'MODEL_TIMEOUT', isRetryable: true })
  })

  it('reports a caller abort as MODEL_ABORTED', async () => {
    server.respond(CHAT, { stall: 'before-headers' })
    const controller = new AbortController()
    const call = model().doGenerate({ ...hello, abortSignal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    await expectModelCallError(call, { code: 'MODEL_ABORTED', isRetryable: false })
  })
})

describe('ollama embedding model', () => {
  it('embeds a batch through /api/embed', async () => {
    server.respond('/api/embed', { body: fixture('embed') })
    const embedder = createOllamaEmbeddingModel({ modelId: 'all-minilm', baseUrl: server.url, dimensions: 4 })
    expect(embedder).toMatchObject({ provider: 'ollama', dimensions: 4, maxValuesPerCall: 64 })
    const result = await embedder.doEmbed({ values: ['Why is the sky blue?', 'Why is the grass green?'] })
    expect(result.embeddings).toHaveLength(2)
    expect(result.embeddings[1]![1]).toBe(0.06042469)
    expect(result.usage).toEqual({ inputTokens: 8 })
    expect(server.requests[0]!.body).toEqual({ model: 'all-minilm', input: ['Why is the sky blue?', 'Why is the grass green?'] })
  })

  it('rejects a reply with the wrong number of vectors', async () => {
    server.respond('/api/embed', { body: fixture('embed') })
    const embedder = createOllamaEmbeddingModel({ modelId: 'all-minilm', baseUrl: server.url })
    await expectModelCallError(embedder.doEmbed({ values: ['only one'] }), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /2 embeddings for 1 inputs/ })
  })
})
