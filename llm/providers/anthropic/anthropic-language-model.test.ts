import { describe, expect, it } from 'vitest'
import type { GenerateRequest } from '../../spec/index.js'
import { expectModelCallError } from '../../test-support/expect-model-call-error.js'
import { describeProviderFailures, useTestServer } from '../../test-support/provider-failure-suite.js'
import { loadFixture } from '../../test-support/test-server.js'
import { createAnthropicLanguageModel } from './anthropic-language-model.js'

const MESSAGES = '/v1/messages'
const fixture = (name: string): unknown => loadFixture('anthropic', name)
const hello: GenerateRequest = { messages: [{ role: 'user', content: 'Hello' }] }

const holder = useTestServer()

function model() {
  return createAnthropicLanguageModel({ modelId: 'claude-haiku-4-5', apiKey: 'sk-ant-test', baseUrl: holder.server.url })
}

describeProviderFailures({
  provider: 'anthropic',
  path: MESSAGES,
  createModel: ({ baseUrl, timeoutMs }) => createAnthropicLanguageModel({ modelId: 'claude-haiku-4-5', apiKey: 'sk-ant-test', baseUrl, timeoutMs }),
  errorBody: status => fixture(`error${status}`),
  validBody: fixture('messageText'),
  keySetting: 'ANTHROPIC_API_KEY',
})

describe('anthropic language model over the official client', () => {
  it('maps a plain text reply; system messages become the system parameter', async () => {
    holder.server.respond(MESSAGES, { body: fixture('messageText') })
    const result = await model().doGenerate({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }] })
    expect(result).toMatchObject({
      text: 'Hi! My name is Claude.',
      toolCalls: [],
      usage: { inputTokens: 2095, outputTokens: 503 },
      finishReason: 'stop',
      response: { id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF', modelId: 'claude-haiku-4-5-20251001' },
    })
    const sent = holder.server.requests[0]!
    // The client sends the key as x-api-key or (SDK 1.x) as a bearer token.
    expect(`${sent.headers['x-api-key'] ?? ''} ${sent.headers.authorization ?? ''}`).toContain('sk-ant-test')
    expect(sent.headers['anthropic-version']).toBeTypeOf('string')
    expect(sent.body).toEqual({ model: 'claude-haiku-4-5', max_tokens: 4096, system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] })
  })

  it('sends tools and tool history, parses tool_use, and counts cached input tokens', async () => {
    holder.server.respond(MESSAGES, { body: fixture('messageToolUse') })
    const result = await model().doGenerate({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool-call', toolCallId: 'toolu_0', toolName: 'get_weather', input: { location: 'Oslo' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_0', toolName: 'get_weather', output: { celsius: 3 } }] },
        { role: 'user', content: 'And San Francisco?' },
      ],
      tools: [{ name: 'get_weather', description: 'Weather now', inputSchema: { type: 'object', properties: { location: { type: 'string' } } } }],
      toolChoice: 'required',
      maxOutputTokens: 300,
    })
    expect(result.text).toBe("I'll check the current weather in San Francisco for you.")
    expect(result.toolCalls).toEqual([{ toolCallId: 'toolu_01A09q90qw90lq917835lq9', toolName: 'get_weather', input: { location: 'San Francisco, CA', unit: 'celsius' } }])
    expect(result.finishReason).toBe('tool-calls')
    expect(result.usage).toEqual({ inputTokens: 400, outputTokens: 82 })
    const body = holder.server.requests[0]!.body as Record<string, unknown>
    expect(body.max_tokens).toBe(300)
    expect(body.tool_choice).toEqual({ type: 'any' })
    expect(body.tools).toEqual([{ name: 'get_weather', description: 'Weather now', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }])
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_0', name: 'get_weather', input: { location: 'Oslo' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_0', content: '{"celsius":3}' }, { type: 'text', text: 'And San Francisco?' }] },
    ])
  })

  it('gets structured output through a forced tool and returns it as JSON text', async () => {
    holder.server.respond(MESSAGES, { body: fixture('messageStructured') })
    const schema = { type: 'object', properties: { entities: { type: 'array' } }, required: ['entities'] }
    const result = await model().doGenerate({ ...hello, responseSchema: { name: 'entities', schema } })
    expect(JSON.parse(result.text)).toEqual({ entities: [{ name: 'Ada Lovelace', type: 'person' }, { name: 'London', type: 'place' }] })
    expect(result.toolCalls).toEqual([])
    expect(result.finishReason).toBe('stop')
    const body = holder.server.requests[0]!.body as Record<string, unknown>
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'entities' })
    expect(body.tools).toEqual([{ name: 'entities', description: expect.any(String), input_schema: schema }])
  })

  it('maps stop_reason max_tokens to length', async () => {
    holder.server.respond(MESSAGES, { body: fixture('messageMaxTokens') })
    expect((await model().doGenerate(hello)).finishReason).toBe('length')
  })

  it('maps the overloaded 529 to a retryable MODEL_CALL_FAILED', async () => {
    holder.server.respond(MESSAGES, { status: 529, body: fixture('error529') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: true, message: /Overloaded/ })
  })

  it('names the missing usage when a message has none', async () => {
    holder.server.respond(MESSAGES, { body: fixture('messageNoUsage') })
    await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /usage/ })
  })

})
