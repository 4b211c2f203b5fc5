import { LivingDbError } from '../errors/index.js'
import type { AskArgs, AskOptions } from './ask-types.js'
import type { Catalog } from './catalog/catalog-types.js'
import { parsePlan } from './plan/create-plan.js'
import type { Plan } from './plan/plan-node.js'

/** {@link AskOptions} with defaults applied and values checked. */
export interface ResolvedAskOptions {
  readonly asOf?: AskOptions['asOf']
  readonly limit: number
  readonly budget: { readonly timeMs: number; readonly candidates: number; readonly modelTokens: number; readonly modelCalls: number }
  readonly explain: boolean
  readonly answer: boolean | 'extractive' | 'model'
  readonly planner: 'auto' | 'offline' | 'model'
  readonly now: number
  readonly catalog?: Catalog
  readonly plan?: Plan
  readonly pluginTimeoutMs: number
  readonly abortSignal?: AbortSignal
}

/** The default budget of one question. */
export const DEFAULT_ASK_BUDGET = Object.freeze({ timeMs: 5_000, candidates: 100_000, modelTokens: 20_000, modelCalls: 3 })

function invalid(option: string, expected: string, got: unknown): never {
  throw new LivingDbError('QUERY_INVALID', `ask() ${option} must be ${expected}; got ${JSON.stringify(got) ?? String(got)}.`, { details: { option } })
}

function positiveInteger(option: string, value: unknown, fallback: number, maximum = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > maximum) invalid(option, `an integer from 1 to ${maximum}`, value)
  return value
}

/** Checks the arguments of `ask` and applies the defaults; `QUERY_INVALID` names the bad option and what it must be. */
export function parseAskArgs(args: AskArgs): ResolvedAskOptions {
  if (typeof args !== 'object' || args === null) invalid('arguments', 'an object { db, question, options? }', args)
  if (args.db === undefined || typeof args.db.read !== 'function' || typeof args.db.readAt !== 'function') invalid('db', 'an open database (from open())', typeof args.db)
  if (typeof args.question !== 'string' || args.question.trim() === '') invalid('question', 'a non-empty string', args.question)
  if (args.question.length > 2_000) invalid('question', 'at most 2,000 characters', `${args.question.length} characters`)
  const options: AskOptions = args.options ?? {}
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options)
  if (args.options?.abortSignal?.aborted) throw new LivingDbError('QUERY_ABORTED', 'The question was aborted before it started.')
  const budget = options.budget ?? {}
  const answer = options.answer ?? false
  if (![true, false, 'extractive', 'model'].includes(answer)) invalid('options.answer', "true, false, 'extractive' or 'model'", answer)
  const planner = options.planner ?? 'auto'
  if (!['auto', 'offline', 'model'].includes(planner)) invalid('options.planner', "'auto', 'offline' or 'model'", planner)
  let now = Date.now()
  if (options.now !== undefined) {
    now = options.now instanceof Date ? options.now.getTime() : typeof options.now === 'number' ? options.now : Date.parse(options.now)
    if (!Number.isFinite(now)) invalid('options.now', 'a time (ms, ISO string or Date)', options.now)
  }
  return {
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    limit: positiveInteger('options.limit', options.limit, 10, 1_000),
    budget: {
      timeMs: positiveInteger('options.budget.timeMs', budget.timeMs, DEFAULT_ASK_BUDGET.timeMs),
      candidates: positiveInteger('options.budget.candidates', budget.candidates, DEFAULT_ASK_BUDGET.candidates),
      modelTokens: positiveInteger('options.budget.modelTokens', budget.modelTokens, DEFAULT_ASK_BUDGET.modelTokens),
      modelCalls: budget.modelCalls === 0 ? 0 : positiveInteger('options.budget.modelCalls', budget.modelCalls, DEFAULT_ASK_BUDGET.modelCalls),
    },
    explain: options.explain === true,
    answer,
    planner,
    now,
    ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
    ...(options.plan === undefined ? {} : { plan: parsePlan(options.plan) }),
    pluginTimeoutMs: positiveInteger('options.pluginTimeoutMs', options.pluginTimeoutMs, 2_000, 600_000),
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  }
}
