import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { GenerateRequest } from '../../spec/index.js'
import { expectModelCallError } from '../../test-support/expect-model-call-error.js'
import { loadFixture, startTestServer, type TestServer } from '../../test-support/test-server.js'
import { createOpenAILanguageModel } from './openai-language-model.js'

const CHAT = '/v1/chat/completions'
const fixture = (name: string): unknown => loadFixture('openai', name)
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
  return createOpenAILanguageModel({ modelId: 'gpt-4.1-mini', apiKey: 'sk-test', baseUrl: `${server.url}/v1`, timeoutMs })
}

describe('openai language model over the official client', () => {
  it('maps a plain text reply, usage and finish reason', async () => {
    server.respond(CHAT, { body: fixture('chatText') })
    const result = await model().doGenerate({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }], temperature: 0, maxOutputTokens: 50 })
    expect(result).toMatchObject({
      text: 'Hello! How can I assist you today?',
      toolCalls: [],
      usage: { inputTokens: 19, outputTokens: 10 },
      finishReason: 'stop',
      response: { id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', modelId: 'gpt-4.1-mini-2025-04-14' },
    })
    const sent = server.requests[0]!
    expect(sent.headers.authorization).toBe('Bearer sk-test')
    expect(sent.body).toEqual({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }],
      temperature: 0,
      max_completion_tokens: 50,
    })
  })

  it('sends tools and tool history, and parses tool calls', async () => {
    server.respond(CHAT, { body: fixture('chatToolCalls') })
    const result = await model().doGenerate({
      messages: [
        { role: 'user', content: 'Weather in Boston?' },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_0', toolName: 'get_current_weather', input: { location: 'Oslo' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_0', toolName: 'get_current_weather', output: { celsius: 3 } }] },
      ],
      tools: [{ name: 'get_current_weather', description: 'Weather now', inputSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }],
      toolChoice: { type: 'tool', toolName: 'get_current_weather' },
    })
    expect(result.finishReason).toBe('tool-calls')
    expect(result.text).toBe('')
    expect(result.toolCalls).toEqual([
      { toolCallId: 'call_abc123', toolName: 'get_current_weather', input: { location: 'Boston, MA' } },
      { toolCallId: 'call_def456', toolName: 'get_current_weather', input: { location: 'Paris, France', unit: 'celsius' } },
    ])
    expect(result.usage).toEqual({ inputTokens: 82, outputTokens: 17 })
    const body = server.requests[0]!.body as Record<string, unknown>
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'get_current_weather', description: 'Weather now', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } },
    ])
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'get_current_weather' } })
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Boston?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_0', content: '{"celsius":3}' },
    ])
  })

  it('asks for JSON-schema output with response_format', async () => {
    server.respond(CHAT, { body: fixture('chatJsonSchema') })
    const schema = { type: 'object', properties: { entities: { type: 'array' } }, required: ['entities'] }
    const result = await model().doGenerate({ ...hello, responseSchema: { name: 'entity list', schema, description: 'Entities' } })
    expect(JSON.parse(result.text)).toEqual({ entities: [{ name: 'Ada Lovelace', type: 'person' }, { name: 'London', type: 'place' }] })
    expect((server.requests[0]!.body as Record<string, unknown>).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'entity_list', schema, strict: false, description: 'Entities' },
    })
  })

  it('maps finish_reason length', async () => {
    server.respond(CHAT, { body: fixture('chatLength') })
    expect((await model().doGenerate(hello)).finishReason).toBe('length')
  })

  it.each([
    [400, 'error400', 'MODEL_CALL_FAILED', false],
    [401, 'error401', 'MODEL_AUTH_FAILED', false],
    [404, 'error404', 'MODEL_NOT_FOUND', false],
    [500, 'error500', 'MODEL_CALL_FAILED', true],
    [503, 'error500', 'MODEL_CALL_FAILED', true],
  ])('maps HTTP %i (%s) to %s', async (status, name, code, isRetryable) => {
    server.respond(CHAT, { status, body: fixture(name) })
    await expectModelCallError(model().doGenerate(hello), { code: String(code), isRetryable: Boolean(isRetryable) })
    expect(server.requests).toHaveLength(1) // the client's own retries are off
  })

  it('names the key variable on 401', async () => {
    server.respond(CHAT, { status: 401, body: fixture('error401') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_AUTH_FAILED', isRetryable: false, message: /OPENAI_API_KEY/ })
  })

  it('maps 429 to MODEL_RATE_LIMITED with Retry-After in seconds', async () => {
    server.respond(CHAT, { status: 429, headers: { 'retry-after': '7' }, body: fixture('error429') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_RATE_LIMITED', isRetryable: true, retryAfterMs: 7000 })
  })

  it('prefers retry-after-ms when present', async () => {
    server.respond(CHAT, { status: 429, headers: { 'retry-after-ms': '1250', 'retry-after': '2' }, body: fixture('error429') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_RATE_LIMITED', isRetryable: true, retryAfterMs: 1250 })
  })

  it('rejects a body that is not JSON', async () => {
    server.respond(CHAT, { rawBody: '{"id": "chatcmpl-1", "choices": [' })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /malformed/ })
  })

  it('rejects JSON that is not a chat completion', async () => {
    server.respond(CHAT, { body: fixture('chatNoChoices') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /choices/ })
  })

  it('times out a server that never answers', async () => {
    server.respond(CHAT, { stall: 'before-headers' })
    await expectModelCallError(model(150).doGenerate(hello), { code: 'MODEL_TIMEOUT', isRetryable: true })
  })

  it('times out a server that stalls mid-body', async () => {
    server.respond(CHAT, { stall: 'mid-body', body: fixture('chatText') })
    await expectModelCallError(model(150).doGenerate(hello), { code: 'MODEL_TIMEOUT', isRetryable: true })
  })

  it('reports a caller abort as MODEL_ABORTED', async () => {
    server.respond(CHAT, { stall: 'before-headers' })
    const controller = new AbortController()
    const call = model().doGenerate({ ...hello, abortSignal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    await expectModelCallError(call, { code: 'MODEL_ABORTED', isRetryable: false })
  })

  it('reports an unreachable server as a retryable MODEL_CALL_FAILED', async () => {
    const closed = await startTestServer()
    await closed.close()
    const unreachable = createOpenAILanguageModel({ modelId: 'gpt-4.1-mini', apiKey: 'k', baseUrl: `${closed.url}/v1`, timeoutMs: 2_000 })
    await expectModelCallError(unreachable.doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: true, message: /reach/ })
  })
})
