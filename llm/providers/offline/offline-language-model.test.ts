import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { GenerateRequest, JsonSchema } from '../../spec/index.js'
import { createOfflineLanguageModel, inputTextOf } from './offline-language-model.js'

const NOTE = 'Dana Whitfield approved the billing migration for Acme Corp on March 3rd. Acme Corp acquired Beta Corp in 2021. Contact dana@acme.io about OPS-4412.'

const ExtractionSchema = z.object({
  entities: z.array(z.object({
    name: z.string(),
    type: z.enum(['person', 'organization', 'place', 'product', 'date', 'other']),
    confidence: z.number().min(0).max(1),
  })),
  topics: z.array(z.object({ topic: z.string(), relevance: z.number() })),
  relationships: z.array(z.object({ subject: z.string(), predicate: z.string(), object: z.string() })),
  summary: z.string().max(200),
})

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema) as JsonSchema
}

function request(schema: z.ZodType, content: string = NOTE): GenerateRequest {
  return { messages: [{ role: 'system', content: 'Extract structured facts.' }, { role: 'user', content }], responseSchema: { name: 'extraction', schema: jsonSchemaOf(schema) } }
}

describe('offline language model', () => {
  it('answers an extraction responseSchema with JSON that validates and holds the extracted facts', async () => {
    const model = createOfflineLanguageModel()
    expect([model.provider, model.modelId, model.specificationVersion]).toEqual(['offline', 'default', 'v1'])
    const result = await model.doGenerate(request(ExtractionSchema))
    const parsed = ExtractionSchema.parse(JSON.parse(result.text))
    expect(parsed.entities).toContainEqual(expect.objectContaining({ name: 'Dana Whitfield', type: 'person' }))
    expect(parsed.entities).toContainEqual(expect.objectContaining({ name: 'Acme Corp', type: 'organization' }))
    expect(parsed.entities).toContainEqual(expect.objectContaining({ name: 'March 3rd', type: 'date' }))
    expect(parsed.entities.filter((entity) => entity.name === 'Acme Corp')).toHaveLength(1)
    expect(parsed.entities.some((entity) => entity.name === 'dana@acme.io'), 'email has no member in the enum except other').toBe(true)
    expect(parsed.relationships).toContainEqual({ subject: 'Acme Corp', predicate: 'acquire', object: 'Beta Corp' })
    expect(parsed.topics.length).toBeGreaterThan(0)
    expect(parsed.summary.length).toBeGreaterThan(0)
    expect(result.finishReason).toBe('stop')
    expect(result.toolCalls).toEqual([])
    expect(result.usage.inputTokens).toBeGreaterThan(NOTE.length / 4)
    expect(result.usage.outputTokens).toBe(Math.ceil(result.text.length / 4))
  })

  it('drops items whose type the schema enum cannot express when no fallback member exists', async () => {
    const schema = z.object({ people: z.array(z.object({ name: z.string() })), items: z.array(z.object({ name: z.string(), type: z.enum(['person', 'organization']) })) })
    const parsed = schema.parse(JSON.parse((await createOfflineLanguageModel().doGenerate(request(schema))).text))
    expect(parsed.people.map((person) => person.name)).toEqual(['Dana Whitfield'])
    expect(parsed.items.every((item) => item.type === 'person' || item.type === 'organization')).toBe(true)
    expect(parsed.items.map((item) => item.name)).toEqual(['Dana Whitfield', 'Acme Corp', 'Beta Corp'])
  })

  it('fills unrecognised schemas with valid values (nested objects, optional, nullable, enums, $defs, bounds)', async () => {
    const Person = z.object({ name: z.string() }).meta({ id: 'Person' })
    const schemas: z.ZodType[] = [
      z.object({ title: z.string(), language: z.enum(['fr', 'en']), score: z.number().min(2).max(5), flag: z.boolean(), count: z.int().min(1) }),
      z.object({ meta: z.object({ source: z.string(), tags: z.array(z.string()).max(2) }), note: z.string().optional(), maybe: z.string().nullable() }),
      z.object({ owner: Person, people: z.array(Person), reviewers: z.array(Person).optional() }),
      z.object({ keywords: z.array(z.string()).min(0), hasEntities: z.boolean(), entityCount: z.int() }),
      z.object({ code: z.string().min(40).max(60), level: z.literal('info') }),
      z.array(z.string()),
    ]
    for (const schema of schemas) {
      const result = await createOfflineLanguageModel().doGenerate(request(schema))
      expect(() => schema.parse(JSON.parse(result.text)), JSON.stringify(jsonSchemaOf(schema))).not.toThrow()
    }
    const Category = z.object({ name: z.string(), get subcategories(): z.ZodArray<typeof Category> { return z.array(Category) } })
    const Chain = z.object({ value: z.string(), get next(): z.ZodNullable<typeof Chain> { return Chain.nullable() } })
    for (const schema of [Category, Chain]) {
      const result = await createOfflineLanguageModel().doGenerate(request(schema))
      expect(() => schema.parse(JSON.parse(result.text)), 'recursive schema').not.toThrow()
      expect(result.text.length).toBeLessThan(100_000)
    }
    const flags = z.object({ hasEntities: z.boolean(), entityCount: z.int() })
    expect(flags.parse(JSON.parse((await createOfflineLanguageModel().doGenerate(request(flags))).text))).toEqual({ hasEntities: true, entityCount: 7 })
  })

  it('leaves out optional properties it has nothing for, and fills those it has', async () => {
    const schema = z.object({ people: z.array(z.string()), date: z.string().optional(), deadline: z.string().optional(), places: z.array(z.string()).optional() })
    const parsed = schema.parse(JSON.parse((await createOfflineLanguageModel().doGenerate(request(schema, 'Dana approved the billing migration on Friday.'))).text))
    expect(parsed).toEqual({ people: ['Dana'], date: 'Friday', deadline: 'Friday' })
  })

  it('answers a forced tool with one tool call whose input validates', async () => {
    const schema = z.object({ relationships: z.array(z.object({ source: z.string(), relation: z.string(), target: z.string() })) })
    const result = await createOfflineLanguageModel().doGenerate({
      messages: [{ role: 'user', content: 'Alice works at Initech. Acme acquired Beta Corp.' }],
      tools: [{ name: 'other_tool', inputSchema: { type: 'object', properties: {} } }, { name: 'record_relationships', inputSchema: jsonSchemaOf(schema) }],
      toolChoice: { type: 'tool', toolName: 'record_relationships' },
    })
    expect(result.finishReason).toBe('tool-calls')
    expect(result.text).toBe('')
    expect(result.toolCalls).toHaveLength(1)
    expect(result.toolCalls[0].toolName).toBe('record_relationships')
    expect(schema.parse(result.toolCalls[0].input).relationships).toEqual([
      { source: 'Alice', relation: 'work at', target: 'Initech' },
      { source: 'Acme', relation: 'acquire', target: 'Beta Corp' },
    ])
  })

  it('rejects a forced tool that is not in the tool list', async () => {
    await expect(createOfflineLanguageModel().doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [], toolChoice: { type: 'tool', toolName: 'missing' } }))
      .resolves.toMatchObject({ finishReason: 'stop' })
    await expect(createOfflineLanguageModel().doGenerate({ messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'a', inputSchema: {} }], toolChoice: { type: 'tool', toolName: 'missing' } }))
      .rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('honours a task marker without a schema and summarises plain requests', async () => {
    const model = createOfflineLanguageModel({ summarySentences: 1 })
    const entities = await model.doGenerate({ messages: [{ role: 'system', content: 'task: extract-entities' }, { role: 'user', content: 'Ping Dana about OPS-12.' }] })
    expect(JSON.parse(entities.text).entities.map((entity: { name: string }) => entity.name)).toEqual(['Dana', 'OPS-12'])
    const summary = await model.doGenerate({ messages: [{ role: 'user', content: 'Summarise this:\n<document>The billing migration is late. The billing team needs two more days for the migration. Lunch was good.</document>' }] })
    expect(summary.text).toBe('The billing migration is late.')
    const truncated = await createOfflineLanguageModel().doGenerate({ messages: [{ role: 'user', content: NOTE }], maxOutputTokens: 5 })
    expect(truncated.finishReason).toBe('length')
    expect(truncated.text).toHaveLength(20)
  })

  it('is deterministic: the same request twice gives identical results', async () => {
    const first = await createOfflineLanguageModel().doGenerate(request(ExtractionSchema))
    const second = await createOfflineLanguageModel().doGenerate(request(ExtractionSchema))
    expect(second).toEqual(first)
    expect(first.response?.id).toMatch(/^offline-[0-9a-f]{8}$/)
  })

  it('fails aborted calls with MODEL_ABORTED', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(createOfflineLanguageModel().doGenerate({ messages: [{ role: 'user', content: 'x' }], abortSignal: controller.signal })).rejects.toMatchObject({ code: 'MODEL_ABORTED' })
  })

  it('reads the input from a document block, a fenced block, or all user messages', () => {
    expect(inputTextOf([{ role: 'user', content: 'Do it: <text> inner </text> trailing' }])).toBe('inner')
    expect(inputTextOf([{ role: 'user', content: 'Do it:\n```\nfenced\n```' }])).toBe('fenced')
    expect(inputTextOf([{ role: 'user', content: 'Summarise: Dana approved it.' }])).toBe('Dana approved it.')
    expect(inputTextOf([{ role: 'user', content: 'Extract the people from this note: Dana met Lee.' }])).toBe('Dana met Lee.')
    expect(inputTextOf([{ role: 'user', content: 'Note: Dana met Lee.' }])).toBe('Note: Dana met Lee.')
    expect(inputTextOf([{ role: 'system', content: 'sys' }, { role: 'user', content: 'a' }, { role: 'user', content: [{ type: 'text', text: 'b' }] }])).toBe('a\n\nb')
  })
})
