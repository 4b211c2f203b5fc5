import { describe, expect, it } from 'vitest'
import type { ModelMiddleware } from '../spec/index.js'
import { createScriptedEmbeddingModel, createScriptedLanguageModel } from '../test-support/scripted-models.js'
import { generateText } from './generate-text.js'
import { wrapModel } from './wrap-model.js'

function tracer(name: string, trace: string[]): ModelMiddleware {
  return {
    name,
    async wrapGenerate({ request, next }) {
      trace.push(`${name}>`)
      const result = await next({ ...request, messages: [...request.messages, { role: 'user', content: name }] })
      trace.push(`<${name}`)
      return { ...result, text: `${name}(${result.text})` }
    },
  }
}

describe('wrapModel', () => {
  it('folds middleware with the first one outermost', async () => {
    const trace: string[] = []
    const model = createScriptedLanguageModel(['reply'])
    const wrapped = wrapModel({ model, middleware: [tracer('a', trace), tracer('b', trace)], context: { scope: 'test' } })
    expect(wrapped).toMatchObject({ specificationVersion: 'v1', provider: 'scripted', modelId: 'script-1' })
    const result = await wrapped.doGenerate({ messages: [{ role: 'user', content: 'hi' }] })
    expect(trace).toEqual(['a>', 'b>', '<b', '<a'])
    expect(result.text).toBe('a(b(reply))')
    expect(model.requests[0]!.messages.map(message => message.content)).toEqual(['hi', 'a', 'b'])
  })

  it('wraps embedding models, keeping their batch size and dimensions', async () => {
    const contexts: string[] = []
    const model = createScriptedEmbeddingModel(7)
    const wrapped = wrapModel({ model, middleware: [{ name: 'ctx', wrapEmbed: async ({ request, context, next }) => { contexts.push(context.scope); return next(request) } }], context: { scope: 'tenant:acme' } })
    expect(wrapped).toMatchObject({ maxValuesPerCall: 7, dimensions: 2 })
    await wrapped.doEmbed({ values: ['x'] })
    expect(contexts).toEqual(['tenant:acme'])
  })
})

describe('generateText', () => {
  it('returns text, usage, finish reason, model id and latency', async () => {
    const model = createScriptedLanguageModel([{ text: 'Seven.', usage: { inputTokens: 3, outputTokens: 2 }, finishReason: 'stop' }])
    const result = await generateText({ model, system: 'Be brief.', prompt: 'Name a prime.', temperature: 0, maxOutputTokens: 5, guards: [] })
    expect(result).toMatchObject({ text: 'Seven.', usage: { inputTokens: 3, outputTokens: 2 }, finishReason: 'stop', modelId: 'scripted:script-1' })
    expect(model.requests[0]).toMatchObject({ temperature: 0, maxOutputTokens: 5, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Name a prime.' }] })
  })

  it('passes tools through and returns tool calls', async () => {
    const model = createScriptedLanguageModel([{ toolCalls: [{ toolCallId: 'c1', toolName: 'lookup', input: { key: 'k' } }], finishReason: 'tool-calls' }])
    const result = await generateText({ model, messages: [{ role: 'user', content: 'look up k' }], tools: [{ name: 'lookup', inputSchema: { type: 'object' } }], toolChoice: 'required', guards: [] })
    expect(result.toolCalls).toEqual([{ toolCallId: 'c1', toolName: 'lookup', input: { key: 'k' } }])
    expect(model.requests[0]).toMatchObject({ toolChoice: 'required', tools: [{ name: 'lookup' }] })
  })

  it('needs exactly one of prompt and messages', async () => {
    const model = createScriptedLanguageModel(['x', 'y'])
    await expect(generateText({ model, prompt: 'a', messages: [{ role: 'user', content: 'b' }], guards: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(generateText({ model, system: 'only system', messages: [], guards: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
