import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import * as llm from './index.js'
import { useTestServer } from './test-support/provider-failure-suite.js'
import { createScriptedLanguageModel } from './test-support/scripted-models.js'
import { loadFixture } from './test-support/test-server.js'

const noEnv = { env: {} }

describe('livingdb/llm public API with nothing configured', () => {
  it('exports the calls, the resolvers, the providers and the guards', () => {
    for (const name of [
      'generateText', 'generateObject', 'embed', 'embedMany', 'wrapModel', 'runModelCheck', 'resolveLanguageModel', 'resolveEmbeddingModel',
      'parseModelId', 'createOpenAILanguageModel', 'createAnthropicLanguageModel', 'createOllamaLanguageModel', 'createOfflineLanguageModel',
      'createOfflineEmbeddingModel', 'createDefaultGuards', 'setDefaultGuards', 'ModelCallError', 'ModelOutputError', 'ModelConfigError',
    ]) {
      expect(typeof (llm as Record<string, unknown>)[name], name).toBe('function')
    }
  })

  it('runs every call through the default guard stack', () => {
    expect(llm.getDefaultGuards().map(guard => guard.name)).toEqual(['redaction', 'audit', 'ledger', 'budget', 'rate-limit'])
  })

  it('runModelCheck answers from the offline model with a validated object, usage, cost and latency', async () => {
    const check = await llm.runModelCheck({ settings: noEnv })
    expect(check.modelId).toBe('offline:default')
    expect(check.object.entities.map(entity => entity.name)).toContain('Ada Lovelace')
    expect(check.usage.inputTokens).toBeGreaterThan(0)
    expect(check.costUsd).toBe(0)
    expect(check.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('generateObject, generateText and embedMany work offline', async () => {
    const { object } = await llm.generateObject({
      settings: noEnv,
      schema: z.object({ people: z.array(z.string()) }),
      prompt: 'Dana Whitfield met Lee Park in Oslo on Friday.',
    })
    expect(object.people.length).toBeGreaterThan(0)
    expect((await llm.generateText({ settings: noEnv, prompt: 'Dana approved the billing migration.' })).modelId).toBe('offline:default')
    const { embeddings } = await llm.embedMany({ settings: noEnv, values: ['billing migration', 'moving the invoice system', 'a red bicycle'] })
    expect(embeddings).toHaveLength(3)
  })
})

describe('the default guards around every call', () => {
  it('answers an identical second call from the ledger, and setDefaultGuards replaces the stack', async () => {
    llm.setDefaultGuards(llm.createDefaultGuards())
    try {
      const model = createScriptedLanguageModel(['{"people":["Dana"]}', '{"people":["Lee"]}'])
      const schema = z.object({ people: z.array(z.string()) })
      const first = await llm.generateObject({ model, schema, prompt: 'Who approved it? Dana did.' })
      const second = await llm.generateObject({ model, schema, prompt: 'Who approved it? Dana did.' })
      expect(second.object).toEqual(first.object)
      expect(model.requests).toHaveLength(1)
      expect(second.response).toHaveProperty('ledgerEntryId')
      llm.setDefaultGuards([])
      await llm.generateObject({ model, schema, prompt: 'Who approved it? Dana did.' })
      expect(model.requests).toHaveLength(2)
    } finally {
      llm.setDefaultGuards(undefined)
    }
  })
})

describe('runModelCheck against an openai-compatible server by base URL', () => {
  const holder = useTestServer()

  it('sends one structured call and reports tokens and latency (no price known)', async () => {
    const reply = structuredClone(loadFixture<{ choices: [{ message: { content: string } }] }>('openai', 'chatJsonSchema'))
    reply.choices[0].message.content = '{"entities":[{"name":"Ada Lovelace","type":"person"},{"name":"London","type":"place"}]}'
    holder.server.respond('/v1/chat/completions', { body: reply })
    const check = await llm.runModelCheck({ model: 'openai-compatible:qwen2.5', baseUrl: `${holder.server.url}/v1`, settings: noEnv, guards: [] })
    expect(check).toMatchObject({ modelId: 'openai-compatible:qwen2.5', usage: { inputTokens: 120, outputTokens: 24 }, attempts: 1 })
    expect(check.costUsd).toBeUndefined()
    const body = holder.server.requests[0]!.body as { model: string; response_format: { type: string } }
    expect(body.model).toBe('qwen2.5')
    expect(body.response_format.type).toBe('json_schema')
  })
})
