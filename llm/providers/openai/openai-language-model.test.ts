import { describe, expect, it } from 'vitest'
import type { GenerateRequest } from '../../spec/index.js'
import { expectModelCallError } from '../../test-support/expect-model-call-error.js'
import { describeProviderFailures, useTestServer } from '../../test-support/provider-failure-suite.js'
import { loadFixture } from '../../test-support/test-server.js'
import { createOpenAILanguageModel } from './openai-language-model.js'

const CHAT = '/v1/chat/completions'
const fixture = (name: string): unknown => loadFixture('openai', name)
const hello: GenerateRequest = { messages: [{ role: 'user', content: 'Hello' }] }

const holder = useTestServer()

function model() {
  return createOpenAILanguageModel({ modelId: 'gpt-4.1-mini', apiKey: 'sk-test', baseUrl: `${holder.server.url}/v1` })
}

describeProviderFailures({
  provider: 'openai',
  path: CHAT,
  createModel: ({ baseUrl, timeoutMs }) => createOpenAILanguageModel({ modelId: 'gpt-4.1-mini', apiKey: 'sk-test', baseUrl: `${baseUrl}/v1`, timeoutMs }),
  errorBody: status => fixture(`error${status}`),
  validBody: fixture('chatText'),
  keySetting: 'OPENAI_API_KEY',
})

describe('openai language model over the official client', () => {
  it('maps a plain text reply, usage and finish reason', async () => {
    holder.server.respond(CHAT, { body: fixture('chatText') })
    const result = await model().doGenerate({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }], temperature: 0, maxOutputTokens: 50 })
    expect(result).toMatchObject({
      text: 'Hello! How can I assist you today?',
      toolCalls: [],
      usage: { inputTokens: 19, outputTokens: 10 },
      finishReason: 'stop',
      response: { id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', modelId: 'gpt-4.1-mini-2025-04-14' },
    })
    const sent = holder.server.requests[0]!
    expect(sent.headers.authorization).toBe('Bearer sk-test')
    expect(sent.body).toEqual({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }],
      temperature: 0,
      max_completion_tokens: 50,
    })
  })

  it('sends tools and tool history, and parses tool calls', async () => {
    holder.server.respond(CHAT, { body: fixture('chatToolCalls') })
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
    const body = holder.server.requests[0]!.body as Record<string, unknown>
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
    holder.server.respond(CHAT, { body: fixture('chatJsonSchema') })
    const schema = { type: 'object', properties: { entities: { type: 'array' } }, required: ['entities'] }
    const result = await model().doGenerate({ ...hello, responseSchema: { name: 'entity list', schema, description: 'Entities' } })
    expect(JSON.parse(result.text)).toEqual({ entities: [{ name: 'Ada Lovelace', type: 'person' }, { name: 'London', type: 'place' }] })
    expect((holder.server.requests[0]!.body as Record<string, unknown>).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'entity_list', schema, strict: false, description: 'Entities' },
    })
  })

  it('maps finish_reason length', async () => {
    holder.server.respond(CHAT, { body: fixture('chatLength') })
    expect((await model().doGenerate(hello)).finishReason).toBe('length')
  })

  it('maps a refusal to content-filter with empty text', async () => {
    holder.server.respond(CHAT, { body: fixture('chatRefusal') })
    expect(await model().doGenerate(hello)).toMatchObject({ text: '', finishReason: 'content-filter', usage: { inputTokens: 15, outputTokens: 11 } })
  })

  it('needs a key for official OpenAI and says where to set it', () => {
    const saved = process.env.OPENAI_API_KEY
    delete process.env.OPENAI_API_KEY
    try {
      expect(() => createOpenAILanguageModel({ modelId: 'gpt-4.1-mini' })).toThrow(expect.objectContaining({ code: 'MODEL_CONFIG_INVALID', message: expect.stringMatching(/OPENAI_API_KEY/) }))
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved
    }
  })

  it('prefers retry-after-ms over Retry-After', async () => {
    holder.server.respond(CHAT, { status: 429, headers: { 'retry-after-ms': '1250', 'retry-after': '2' }, body: fixture('error429') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_RATE_LIMITED', isRetryable: true, retryAfterMs: 1250 })
  })

  it('names the missing field when a completion has no choices', async () => {
    holder.server.respond(CHAT, { body: fixture('chatNoChoices') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /choices/ })
  })
})
