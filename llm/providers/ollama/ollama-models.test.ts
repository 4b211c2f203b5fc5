import { describe, expect, it } from 'vitest'
import type { GenerateRequest } from '../../spec/index.js'
import { expectModelCallError } from '../../test-support/expect-model-call-error.js'
import { describeProviderFailures, useTestServer } from '../../test-support/provider-failure-suite.js'
import { loadFixture } from '../../test-support/test-server.js'
import { createOllamaEmbeddingModel } from './ollama-embedding-model.js'
import { createOllamaLanguageModel } from './ollama-language-model.js'

const CHAT = '/api/chat'
const fixture = (name: string): unknown => loadFixture('ollama', name)
const hello: GenerateRequest = { messages: [{ role: 'user', content: 'Hello' }] }

const holder = useTestServer()

function model() {
  return createOllamaLanguageModel({ modelId: 'llama3.2', baseUrl: holder.server.url })
}

describeProviderFailures({
  provider: 'ollama',
  path: CHAT,
  createModel: ({ baseUrl, timeoutMs }) => createOllamaLanguageModel({ modelId: 'llama3.2', baseUrl, timeoutMs }),
  errorBody: status => fixture(`error${status}`),
  validBody: fixture('chatText'),
})

describe('ollama language model over the official client', () => {
  it('maps a plain text reply, usage and done_reason; sends a non-streaming chat', async () => {
    holder.server.respond(CHAT, { body: fixture('chatText') })
    const result = await model().doGenerate({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }], temperature: 0.2, maxOutputTokens: 64 })
    expect(result).toMatchObject({ text: 'Hello! How are you today?', toolCalls: [], usage: { inputTokens: 26, outputTokens: 298 }, finishReason: 'stop', response: { modelId: 'llama3.2' } })
    expect(holder.server.requests[0]!.body).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }],
      stream: false,
      options: { temperature: 0.2, num_predict: 64 },
    })
  })

  it('sends tools and tool history, and parses tool calls (ids generated)', async () => {
    holder.server.respond(CHAT, { body: fixture('chatToolCalls') })
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
    const body = holder.server.requests[0]!.body as Record<string, unknown>
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'get_current_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }])
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_current_weather', arguments: { location: 'Oslo' } } }] },
      { role: 'tool', content: 'cold', tool_name: 'get_current_weather' },
    ])
  })

  it('asks for structured output with format: <schema>', async () => {
    holder.server.respond(CHAT, { body: fixture('chatStructured') })
    const schema = { type: 'object', properties: { entities: { type: 'array' } }, required: ['entities'] }
    const result = await model().doGenerate({ ...hello, responseSchema: { name: 'entities', schema } })
    expect(JSON.parse(result.text)).toEqual({ entities: [{ name: 'Ada Lovelace', type: 'person' }, { name: 'London', type: 'place' }] })
    expect((holder.server.requests[0]!.body as Record<string, unknown>).format).toEqual(schema)
  })

  it('maps done_reason length', async () => {
    holder.server.respond(CHAT, { body: fixture('chatLength') })
    expect((await model().doGenerate(hello)).finishReason).toBe('length')
  })

  it('keeps Ollama\'s own error text in the message', async () => {
    holder.server.respond(CHAT, { status: 404, body: fixture('error404') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_NOT_FOUND', isRetryable: false, message: /try pulling it first/ })
  })

  it('names the missing message when a reply has none', async () => {
    holder.server.respond(CHAT, { body: fixture('chatNoMessage') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /message/ })
  })
})

describe('ollama embedding model', () => {
  it('embeds a batch through /api/embed', async () => {
    holder.server.respond('/api/embed', { body: fixture('embed') })
    const embedder = createOllamaEmbeddingModel({ modelId: 'all-minilm', baseUrl: holder.server.url, dimensions: 4 })
    expect(embedder).toMatchObject({ provider: 'ollama', dimensions: 4, maxValuesPerCall: 64 })
    const result = await embedder.doEmbed({ values: ['Why is the sky blue?', 'Why is the grass green?'] })
    expect(result.embeddings).toHaveLength(2)
    expect(result.embeddings[1]![1]).toBe(0.06042469)
    expect(result.usage).toEqual({ inputTokens: 8 })
    expect(holder.server.requests[0]!.body).toEqual({ model: 'all-minilm', input: ['Why is the sky blue?', 'Why is the grass green?'] })
  })

  it('rejects a reply with the wrong number of vectors', async () => {
    holder.server.respond('/api/embed', { body: fixture('embed') })
    const embedder = createOllamaEmbeddingModel({ modelId: 'all-minilm', baseUrl: holder.server.url })
    await expectModelCallError(embedder.doEmbed({ values: ['only one'] }), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /2 embeddings for 1 inputs/ })
  })
})
