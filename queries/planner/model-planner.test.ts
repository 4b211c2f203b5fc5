import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../core/index.js'
import type { Cartridge } from '../../cartridges/spec/index.js'
import type { GenerateResult } from '../../llm/index.js'
import { createScriptedLanguageModel } from '../../llm/test-support/scripted-models.js'
import { ask } from '../ask.js'
import { buildCatalog } from '../catalog/build-catalog.js'
import type { Catalog } from '../catalog/catalog-types.js'
import { openSmallDatabase } from '../test-support/small-database.js'
import { PLAN_TOOL_NAME, planWithModel } from './model-planner.js'

const fixtures = JSON.parse(readFileSync(new URL('./__fixtures__/model-plans.json', import.meta.url), 'utf8')) as Record<string, unknown>

/** A reply that calls submit_plan with the named fixture. */
function toolReply(name: string): Partial<GenerateResult> {
  return { text: '', toolCalls: [{ toolCallId: `call-${name}`, toolName: PLAN_TOOL_NAME, input: fixtures[name] }], finishReason: 'tool-calls' }
}

let db: Database
let cartridges: Cartridge[]
let catalog: Catalog

beforeAll(async () => {
  ;({ db, cartridges } = await openSmallDatabase())
  catalog = buildCatalog({ db, cartridges })
})

afterAll(async () => {
  await db.close()
})

const base = { question: 'open high priority tasks', now: Date.parse('2026-03-21'), limit: 10, guards: [] }

describe('planWithModel', () => {
  it('accepts a valid plan from one tool call that was given the catalog and the question', async () => {
    const model = createScriptedLanguageModel([toolReply('valid')])
    const result = await planWithModel({ ...base, model, catalog })
    expect(result).toMatchObject({ outcome: 'valid', calls: 1, warnings: [] })
    expect(result.plan?.planner).toBe('model')
    expect(result.plan?.root).toMatchObject({ kind: 'limit', input: { kind: 'filter' } })
    const request = model.requests[0]!
    expect(request.toolChoice).toEqual({ type: 'tool', toolName: PLAN_TOOL_NAME })
    expect(request.tools?.[0]?.name).toBe(PLAN_TOOL_NAME)
    expect(JSON.stringify(request.messages)).toContain('prefix \\"tasks/\\"')
    expect(request.messages.at(-1)).toEqual({ role: 'user', content: 'open high priority tasks' })
  })

  it('repairs once, sending the validation errors back with the fix', async () => {
    const model = createScriptedLanguageModel([toolReply('unknownField'), toolReply('repaired')])
    const result = await planWithModel({ ...base, model, catalog })
    expect(result.outcome).toBe('repaired')
    expect(result.calls).toBe(2)
    expect(result.plan?.planner).toBe('model-repaired')
    expect(result.usage).toEqual({ inputTokens: 20, outputTokens: 10 })
    const repair = JSON.stringify(model.requests[1]!.messages.at(-1))
    expect(repair).toContain('state')
    expect(repair).toContain('status')
    expect(result.warnings[0]?.code).toBe('QUERY_PLAN_REJECTED')
  })

  it('rejects after the one repair when the plan is still invalid', async () => {
    const model = createScriptedLanguageModel([toolReply('notThePlanLanguage'), toolReply('unknownValue')])
    const result = await planWithModel({ ...base, model, catalog })
    expect(result.outcome).toBe('rejected')
    expect(result.plan).toBeUndefined()
    expect(model.requests).toHaveLength(2)
    expect(result.warnings.map((warning) => warning.message).join('\n')).toContain('"todo"')
  })

  it('skips the model when the prompt alone is over the token budget, or when the call fails', async () => {
    const unused = createScriptedLanguageModel([])
    expect((await planWithModel({ ...base, model: unused, catalog, maxTokens: 10 })).outcome).toBe('skipped')
    expect(unused.requests).toHaveLength(0)
    const failing = createScriptedLanguageModel([new Error('connection reset')])
    const failed = await planWithModel({ ...base, model: failing, catalog })
    expect(failed.outcome).toBe('skipped')
    expect(failed.warnings[0]?.message).toContain('connection reset')
  })

  it('reads a plan written as JSON text when the model answers without the tool', async () => {
    const model = createScriptedLanguageModel([{ text: `\`\`\`json\n${JSON.stringify(fixtures.valid)}\n\`\`\`` }])
    expect((await planWithModel({ ...base, model, catalog })).outcome).toBe('valid')
  })
})

describe('ask with a model', () => {
  it('runs the model plan and reports its model cost', async () => {
    const model = createScriptedLanguageModel([toolReply('valid')])
    const result = await ask({ db, cartridges, model, guards: [], question: 'open high priority tasks' })
    expect(result.plan.planner).toBe('model')
    expect(result.results.map((item) => item.key)).toEqual(['tasks/5'])
    expect(result.cost).toMatchObject({ modelCalls: 1, inputTokens: 10, outputTokens: 5 })
  })

  it('falls back to the offline planner when the repair fails too', async () => {
    const model = createScriptedLanguageModel([toolReply('unknownField'), toolReply('unknownValue')])
    const result = await ask({ db, cartridges, model, guards: [], question: 'open high priority tasks' })
    expect(result.plan.planner).toBe('offline-fallback')
    expect(result.warnings.map((warning) => warning.code)).toEqual(expect.arrayContaining(['QUERY_PLAN_REJECTED', 'QUERY_PLANNER_FALLBACK']))
    expect(result.results.map((item) => item.key)).toContain('tasks/5')
  })

  it('writes a cited answer with the model, and an extractive one when the model fails', async () => {
    const answerReply = JSON.stringify({ sentences: [{ text: 'The open high priority task is the billing dashboard.', sources: [1] }] })
    const model = createScriptedLanguageModel([toolReply('valid'), answerReply])
    const result = await ask({ db, cartridges, model, guards: [], question: 'open high priority tasks', options: { answer: true } })
    expect(result.answer).toMatchObject({ mode: 'model', text: 'The open high priority task is the billing dashboard.' })
    expect(result.answer?.sentences[0]?.citations[0]).toMatchObject({ key: 'tasks/5', keyspace: 'default', txnId: 7 })
    const failing = createScriptedLanguageModel([toolReply('valid'), new Error('overloaded'), new Error('overloaded')])
    const fallback = await ask({ db, cartridges, model: failing, guards: [], question: 'open high priority tasks', options: { answer: true } })
    expect(fallback.answer?.mode).toBe('extractive')
    expect(fallback.warnings.map((warning) => warning.code)).toContain('QUERY_ANSWER_MODEL_FAILED')
  })

  it('keeps within the model-call budget', async () => {
    const model = createScriptedLanguageModel([])
    const result = await ask({ db, cartridges, model, guards: [], question: 'open high priority tasks', options: { budget: { modelCalls: 1 } } })
    expect(model.requests).toHaveLength(0)
    expect(result.plan.planner).toBe('offline')
    expect(result.warnings[0]?.code).toBe('QUERY_BUDGET_MODEL')
  })
})
