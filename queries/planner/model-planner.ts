import { z } from 'zod'
import { generateText, type LanguageModelV1, type Message, type ModelMiddleware, type Usage } from '../../llm/index.js'
import type { AskWarning } from '../ask-types.js'
import type { Catalog } from '../catalog/catalog-types.js'
import { deepFreeze } from '../plan/create-plan.js'
import type { Plan } from '../plan/plan-node.js'
import { planSchema } from '../plan/plan-schema.js'
import { formatPlanIssues, validatePlan } from '../plan/validate-plan.js'
import { describeCatalog } from './describe-catalog.js'

/** The tool the model calls with its plan. */
export const PLAN_TOOL_NAME = 'submit_plan'

/** Arguments of {@link planWithModel}. */
export interface PlanWithModelArgs {
  readonly model: string | LanguageModelV1
  readonly question: string
  readonly catalog: Catalog
  /** "Now" for relative times, ms since the epoch. */
  readonly now: number
  readonly limit: number
  readonly answer?: 'auto' | 'extractive' | 'model'
  /** Most tokens (input + output) planning may use; the call is skipped when the prompt alone is larger. */
  readonly maxTokens?: number
  /** Guards around the calls (default: the process-wide default guards). */
  readonly guards?: readonly ModelMiddleware[]
  readonly abortSignal?: AbortSignal
}

/** What the model planner produced: a valid plan, or none (the caller falls back). */
export interface PlanWithModelResult {
  readonly plan?: Plan
  /** Model calls made (1, or 2 with a repair). */
  readonly calls: number
  readonly usage: Usage
  readonly warnings: AskWarning[]
  /** `valid` first time, `repaired`, `rejected` after the repair, or `skipped` (budget, model error). */
  readonly outcome: 'valid' | 'repaired' | 'rejected' | 'skipped'
}

let toolSchema: Record<string, unknown> | undefined

function planToolSchema(): Record<string, unknown> {
  if (toolSchema === undefined) {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
    toolSchema = schema
  }
  return toolSchema
}

function systemPrompt(args: PlanWithModelArgs): string {
  return [
    'You turn a question about a database into a query plan and submit it with the submit_plan tool. Call the tool exactly once.',
    'A plan is { "version": 1, "root": <node> }. Leaves find records: get (keys), scan (prefix), topicSearch (BM25 full text), vectorSearch (semantic),',
    'entityLookup (a named person/customer/project and the records that reference it). Inner nodes: filter (eq, in, range, contains, exists on field paths;',
    'the pseudo-field "$key" is the record key), traverse (follow key references or relationships), fuse (reciprocal rank fusion of several rankings),',
    'asOf (the database as of a txn id or ISO time), between (records changed within a txn or time window), aggregate (count, min, max, avg, sum, groupBy),',
    'sort, limit, answer (must be the root when present). Use only keyspaces, prefixes, fields and values listed in the catalog. Dates are ISO strings,',
    `so a range filter on a date field compares strings. Today is ${new Date(args.now).toISOString().slice(0, 10)}. End ranked plans with limit ${args.limit}.`,
    args.answer === undefined ? 'Do not add an answer node.' : `Make the root an answer node with mode "${args.answer}".`,
    '',
    'Catalog:',
    describeCatalog(args.catalog),
  ].join('\n')
}

/** The plan JSON of a reply: the tool call's input, else JSON in the text. */
function replyPlan(result: { readonly text: string; readonly toolCalls: readonly { readonly toolName: string; readonly input: unknown }[] }): unknown {
  const call = result.toolCalls.find((item) => item.toolName === PLAN_TOOL_NAME) ?? result.toolCalls[0]
  if (call !== undefined) return call.input
  const text = result.text.trim().replace(/^```(?:json)?\s*/i, '').replace(/```$/, '')
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Parses and validates a candidate plan; the problems as text for a repair prompt when it fails. */
function check(candidate: unknown, catalog: Catalog): { plan: Plan } | { problems: string } {
  if (candidate === undefined) return { problems: 'The reply had no submit_plan tool call and no JSON plan.' }
  const parsed = planSchema.safeParse(candidate)
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `root${issue.path.length === 0 ? '' : `.${issue.path.join('.')}`}: ${issue.message}`).join('\n') }
  const validation = validatePlan(parsed.data, catalog)
  if (!validation.valid) return { problems: formatPlanIssues(validation.issues.filter((issue) => issue.severity === 'error')) }
  return { plan: parsed.data }
}

/**
 * The model planner: one tool call with the catalog and the question; the plan is
 * parsed and validated against the catalog; an invalid plan is sent back once with the
 * validation errors; a second invalid plan (or a model error) returns no plan, so the
 * caller falls back to the offline planner.
 *
 * @example
 * const { plan, outcome } = await planWithModel({ model: 'openai:gpt-4.1-mini', question, catalog, now: Date.now(), limit: 10 })
 */
export async function planWithModel(args: PlanWithModelArgs): Promise<PlanWithModelResult> {
  const warnings: AskWarning[] = []
  const messages: Message[] = [
    { role: 'system', content: systemPrompt(args) },
    { role: 'user', content: args.question },
  ]
  const promptTokens = Math.ceil(messages.reduce((sum, message) => sum + String(message.content).length, 0) / 4)
  if (args.maxTokens !== undefined && promptTokens > args.maxTokens) {
    warnings.push({ code: 'QUERY_BUDGET_MODEL', message: `Planning needs about ${promptTokens} prompt tokens, over budget.modelTokens (${args.maxTokens}): used the offline planner.` })
    return { calls: 0, usage: { inputTokens: 0, outputTokens: 0 }, warnings, outcome: 'skipped' }
  }
  const tool = { name: PLAN_TOOL_NAME, description: 'Submit the query plan for the question.', inputSchema: planToolSchema() }
  let inputTokens = 0
  let outputTokens = 0
  for (let attempt = 1; attempt <= 2; attempt++) {
    let result
    try {
      result = await generateText({ model: args.model, messages, tools: [tool], toolChoice: { type: 'tool', toolName: PLAN_TOOL_NAME }, temperature: 0, ...(args.guards === undefined ? {} : { guards: args.guards }), ...(args.abortSignal === undefined ? {} : { abortSignal: args.abortSignal }) })
    } catch (error) {
      warnings.push({ code: 'QUERY_PLANNER_MODEL_FAILED', message: `The model planner's call failed (${(error as Error).message}): used the offline planner.` })
      return { calls: attempt, usage: { inputTokens, outputTokens }, warnings, outcome: 'skipped' }
    }
    inputTokens += result.usage.inputTokens
    outputTokens += result.usage.outputTokens
    const candidate = replyPlan(result)
    const checked = check(candidate, args.catalog)
    if ('plan' in checked) {
      const plan = deepFreeze({ ...checked.plan, question: args.question, planner: attempt === 1 ? 'model' : 'model-repaired' })
      return { plan, calls: attempt, usage: { inputTokens, outputTokens }, warnings, outcome: attempt === 1 ? 'valid' : 'repaired' }
    }
    warnings.push({ code: 'QUERY_PLAN_REJECTED', message: `The model's plan (attempt ${attempt}) was invalid:\n${checked.problems}` })
    const call = result.toolCalls[0]
    messages.push(
      call === undefined ? { role: 'assistant', content: result.text } : { role: 'assistant', content: [{ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: call.input }] },
      call === undefined
        ? { role: 'user', content: `That plan is invalid:\n${checked.problems}\nCall submit_plan again with a corrected plan.` }
        : { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output: { error: `Invalid plan:\n${checked.problems}\nCall submit_plan again with a corrected plan.` } }] },
    )
  }
  return { calls: 2, usage: { inputTokens, outputTokens }, warnings, outcome: 'rejected' }
}
