import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import type { ModelMiddleware } from '../spec/index.js'
import { createScriptedLanguageModel } from '../test-support/scripted-models.js'
import { loadFixture, startTestServer, type TestServer } from '../test-support/test-server.js'
import { generateObject, toResponseSchema } from './generate-object.js'
import { ModelOutputError } from './model-output-error.js'

const Entities = z.object({ entities: z.array(z.object({ name: z.string(), type: z.enum(['person', 'place']) })) })
const valid = '{"entities":[{"name":"Ada Lovelace","type":"person"},{"name":"London","type":"place"}]}'

describe('generateObject', () => {
  it('returns the validated object at once when the first reply is valid', async () => {
    const model = createScriptedLanguageModel([valid])
    const result = await generateObject({ model, schema: Entities, system: 'Extract.', prompt: 'Ada Lovelace lived in London.', guards: [] })
    expect(result.object.entities).toHaveLength(2)
    expect(result).toMatchObject({ attempts: 1, usage: { inputTokens: 10, outputTokens: 5 }, modelId: 'scripted:script-1', finishReason: 'stop' })
    expect(result.latencyMs).toBeGreaterThanOrEqual(0)
    const request = model.requests[0]!
    expect(request.messages).toEqual([{ role: 'system', content: 'Extract.' }, { role: 'user', content: 'Ada Lovelace lived in London.' }])
    expect(request.responseSchema?.name).toBe('response')
    expect(request.responseSchema?.schema).toMatchObject({ type: 'object', required: ['entities'] })
    expect(request.responseSchema?.schema).not.toHaveProperty('$schema')
  })

  it('repairs an invalid reply by sending the validation errors back', async () => {
    const invalid = '{"entities":[{"name":"Ada Lovelace","type":"human"}]}'
    const model = createScriptedLanguageModel([invalid, valid])
    const result = await generateObject({ model, schema: Entities, prompt: 'Ada Lovelace lived in London.', guards: [] })
    expect(result.attempts).toBe(2)
    expect(result.object.entities[1]).toEqual({ name: 'London', type: 'place' })
    expect(result.usage).toEqual({ inputTokens: 20, outputTokens: 10 })
    const second = model.requests[1]!.messages
    expect(second).toHaveLength(3)
    expect(second[1]).toEqual({ role: 'assistant', content: invalid })
    expect(second[2]!.role).toBe('user')
    expect(second[2]!.content).toMatch(/entities\[0\]\.type|entities.0.type/)
    expect(second[2]!.content).toMatch(/person/)
  })

  it('repairs a reply that is not JSON', async () => {
    const model = createScriptedLanguageModel(['Sure! Here are the entities: Ada, London.', valid])
    const result = await generateObject({ model, schema: Entities, prompt: 'x', guards: [] })
    expect(result.attempts).toBe(2)
    expect(model.requests[1]!.messages.at(-1)!.content).toMatch(/not valid JSON/)
  })

  it('throws MODEL_OUTPUT_INVALID with every raw reply after maxRepairs', async () => {
    const replies = ['{"entities": "none"}', '{"entities": [{"name": 1}]}', 'no idea']
    const model = createScriptedLanguageModel(replies)
    const error = await generateObject({ model, schema: Entities, prompt: 'x', maxRepairs: 2, guards: [] }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ModelOutputError)
    const outputError = error as ModelOutputError
    expect(outputError.code).toBe('MODEL_OUTPUT_INVALID')
    expect(outputError.rawReplies).toEqual(replies)
    expect(outputError.details.rawReplies).toEqual(replies)
    expect(outputError.details.attempts).toBe(3)
    expect(model.requests).toHaveLength(3)
  })

  it('makes exactly one call when maxRepairs is 0', async () => {
    const model = createScriptedLanguageModel(['{}', valid])
    await expect(generateObject({ model, schema: Entities, prompt: 'x', maxRepairs: 0, guards: [] })).rejects.toMatchObject({ code: 'MODEL_OUTPUT_INVALID' })
    expect(model.requests).toHaveLength(1)
  })

  it('accepts JSON inside a code fence and a structured tool call with no text', async () => {
    const fenced = createScriptedLanguageModel(['```json\n' + valid + '\n```'])
    expect((await generateObject({ model: fenced, schema: Entities, prompt: 'x', guards: [] })).attempts).toBe(1)
    const viaTool = createScriptedLanguageModel([{ text: '', toolCalls: [{ toolCallId: 't1', toolName: 'response', input: JSON.parse(valid) }] }])
    expect((await generateObject({ model: viaTool, schema: Entities, prompt: 'x', guards: [] })).object.entities[0]!.name).toBe('Ada Lovelace')
  })

  it('wraps a non-object root schema in { value } and unwraps the reply', async () => {
    const Names = z.array(z.string())
    expect(toResponseSchema(Names)).toEqual({ jsonSchema: { type: 'object', properties: { value: { type: 'array', items: { type: 'string' } } }, required: ['value'], additionalProperties: false }, wrapped: true })
    const model = createScriptedLanguageModel(['{"value": ["Ada", "Lee"]}'])
    expect((await generateObject({ model, schema: Names, prompt: 'x', guards: [] })).object).toEqual(['Ada', 'Lee'])
  })

  it('rejects a bad maxRepairs and a missing prompt with INVALID_ARGUMENT', async () => {
    const model = createScriptedLanguageModel([valid])
    await expect(generateObject({ model, schema: Entities, prompt: 'x', maxRepairs: -1, guards: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(generateObject({ model, schema: Entities, guards: [] })).rejects.toSatisfy((error: unknown) => LivingDbError.isInstance(error) && error.code === 'INVALID_ARGUMENT')
  })

  it('runs every attempt through the guards with the call context', async () => {
    const seen: string[] = []
    const recorder: ModelMiddleware = {
      name: 'recorder',
      async wrapGenerate({ request, context, next }) {
        seen.push(`${context.scope}/${context.task ?? '-'}:${request.messages.length}`)
        return next(request)
      },
    }
    const model = createScriptedLanguageModel(['{}', valid])
    await generateObject({ model, schema: Entities, prompt: 'x', guards: [recorder], context: { scope: 'plugin:entities', task: 'extraction' } })
    expect(seen).toEqual(['plugin:entities/extraction:1', 'plugin:entities/extraction:3'])
  })
})

describe('generateObject through the openai provider and a local server', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('sends response_format json_schema, repairs once, and validates', async () => {
    const chat = loadFixture<{ choices: [{ message: { content: string } }] }>('openai', 'chatJsonSchema')
    const invalidReply = structuredClone(chat)
    invalidReply.choices[0].message.content = '{"entities":[{"name":"Ada Lovelace"}]}'
    server.respond('/v1/chat/completions', { body: invalidReply }, { body: chat })
    const result = await generateObject({
      model: 'openai:gpt-4.1-mini',
      settings: { apiKey: 'sk-test', baseUrl: `${server.url}/v1`, env: {} },
      schema: Entities,
      schemaName: 'entities',
      prompt: 'Ada Lovelace lived in London.',
      guards: [],
    })
    expect(result).toMatchObject({ attempts: 2, modelId: 'openai:gpt-4.1-mini', usage: { inputTokens: 240, outputTokens: 48 } })
    expect(result.object.entities.map(entity => entity.name)).toEqual(['Ada Lovelace', 'London'])
    const firstBody = server.requests[0]!.body as { response_format: { json_schema: { name: string; schema: Record<string, unknown> } } }
    expect(firstBody.response_format.json_schema.name).toBe('entities')
    expect(firstBody.response_format.json_schema.schema).toMatchObject({ type: 'object', properties: { entities: { type: 'array' } } })
    expect((server.requests[1]!.body as { messages: unknown[] }).messages).toHaveLength(3)
  })
})
