import { LivingDbError } from '../errors/index.js'
import { type Cartridge, findQuery, runQueryOnSnapshot } from '../cartridges/spec/index.js'
import type { AskArgs, AskDatabase, AskOptions, AskResult, AskResultItem, AskSnapshot, AskWarning, Citation } from './ask-types.js'
import { answerQuestion, isOfflineModel } from './answer/answer-question.js'
import { cachedCatalog } from './catalog/build-catalog.js'
import type { Catalog } from './catalog/catalog-types.js'
import type { Candidate } from './execute/candidate.js'
import { executePlan } from './execute/execute-plan.js'
import { txnAtTime } from './execute/execute-operators.js'
import { nameTable, resolveName } from './execute/name-table.js'
import { reciprocalRankFusion } from './execute/reciprocal-rank-fusion.js'
import { explainPlan } from './explain-plan.js'
import { estimatePlanCost } from './plan/estimate-cost.js'
import type { Plan } from './plan/plan-node.js'
import { assertValidPlan } from './plan/validate-plan.js'
import type { NameLookup } from './planner/analyze-question.js'
import { planWithModel } from './planner/model-planner.js'
import { planOffline } from './planner/offline-planner.js'
import { runQueryPlugins } from './run-query-plugins.js'
import { parseAskArgs, type ResolvedAskOptions } from './parse-ask-args.js'

function toTime(value: number | string | Date, name: string): number {
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value)
  if (!Number.isFinite(time)) throw new LivingDbError('QUERY_INVALID', `options.${name} must be a txn id, an ISO time or a Date; got ${JSON.stringify(value)}.`, { details: { option: name } })
  return time
}

/** The txn id `asOf` names: a number is a txn id, a string or Date a time (the last commit at or before it). */
function resolveAsOf(db: AskDatabase, asOf: AskOptions['asOf']): number | undefined {
  if (asOf === undefined) return undefined
  if (typeof asOf === 'number') {
    if (!Number.isSafeInteger(asOf) || asOf < 0) throw new LivingDbError('QUERY_INVALID', `options.asOf must be a txn id (an integer >= 0) or a time; got ${asOf}.`, { details: { option: 'asOf' } })
    if (asOf > db.txnId) throw new LivingDbError('TXN_NOT_FOUND', `options.asOf txn ${asOf} does not exist yet: the latest commit is txn ${db.txnId}.`, { details: { txnId: asOf } })
    return asOf
  }
  const time = toTime(asOf, 'asOf')
  return txnAtTime((txnId, reader) => db.readAt(txnId, reader), db.txnId, time)
}

function lookupFor(db: AskDatabase, catalog: Catalog, asOf: number | undefined): NameLookup {
  const build = (snapshot: AskSnapshot) => nameTable({ snapshot, catalog, cacheOwner: db })
  const table = asOf === undefined ? db.read(build) : db.readAt(asOf, build)
  return (phrase) => resolveName(table, phrase).map(({ record, score }) => ({ keyspace: record.keyspace, key: record.key, score }))
}

async function makePlan(args: AskArgs, options: ResolvedAskOptions, catalog: Catalog, lookup: NameLookup, warnings: AskWarning[], spent: { calls: number; inputTokens: number; outputTokens: number }): Promise<Plan> {
  const answerMode = options.answer === false ? undefined : options.answer === true ? 'auto' : options.answer
  const offline = (): Plan => planOffline({ question: args.question, catalog, now: options.now, lookup, limit: options.limit, ...(answerMode === undefined ? {} : { answer: answerMode }) })
  const useModel = !isOfflineModel(args.model) && options.planner !== 'offline'
  if (options.planner === 'model' && args.model === undefined) throw new LivingDbError('QUERY_INVALID', 'options.planner is "model" but no model was given. Pass model (a provider:model id or a LanguageModelV1), or use planner "auto".')
  if (!useModel) return offline()
  if (spent.calls + 2 > options.budget.modelCalls) {
    warnings.push({ code: 'QUERY_BUDGET_MODEL', message: 'The model-call budget leaves no room for planning: used the offline planner.' })
    return offline()
  }
  const outcome = await planWithModel({ model: args.model!, question: args.question, catalog, now: options.now, limit: options.limit, maxTokens: options.budget.modelTokens, ...(args.guards === undefined ? {} : { guards: args.guards }), ...(answerMode === undefined ? {} : { answer: answerMode }), ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }) })
  spent.calls += outcome.calls
  spent.inputTokens += outcome.usage.inputTokens
  spent.outputTokens += outcome.usage.outputTokens
  warnings.push(...outcome.warnings)
  return outcome.plan ?? createFallback(offline(), warnings)
}

function createFallback(plan: Plan, warnings: AskWarning[]): Plan {
  warnings.push({ code: 'QUERY_PLANNER_FALLBACK', message: 'The model planner gave no valid plan after one repair: used the offline planner.' })
  return { ...plan, planner: 'offline-fallback' }
}

/**
 * The top results with values (read at the answered txn for candidates a plugin added)
 * and, through the history cartridge (asked at the latest commit, for the version as of
 * the answered txn), the txn id that wrote each cited version.
 */
function toResults(db: AskDatabase, cartridges: readonly Cartridge[], candidates: readonly Candidate[], limit: number, txnId: number): AskResultItem[] {
  const top = candidates.slice(0, limit)
  const missing = top.filter((item) => item.value === undefined && item.keyspace !== '(aggregate)')
  if (missing.length > 0) db.readAt(txnId, (snapshot) => missing.forEach((item) => (item.value = snapshot.keyspace(item.keyspace).get(item.key) ?? null)))
  const history = cartridges.find((cartridge) => cartridge.queries.some((query) => query.name === 'versions') && cartridge.queries.some((query) => query.name === 'asOf'))
  const versions = history === undefined ? undefined : db.read((snapshot) => top.map((item) => {
    if (item.keyspace === '(aggregate)') return null
    try {
      const output = runQueryOnSnapshot(history, findQuery(history, 'asOf'), { key: item.key, txnId }, snapshot) as { version: { txnId: number } | null }
      return output.version?.txnId ?? null
    } catch {
      // A key the history cartridge does not track (another prefix or keyspace) has no known writer.
      return null
    }
  }))
  return top.filter((item) => item.value !== null).map((item) => {
    const writtenBy = versions?.[top.indexOf(item)] ?? null
    const citations: Citation[] = item.citations.map((citation) => (citation.txnId === null && citation.key === item.key && writtenBy !== null ? { ...citation, txnId: writtenBy } : citation))
    return { key: item.key, keyspace: item.keyspace, value: item.value ?? null, score: item.score, citations }
  })
}

/**
 * Answers a natural-language question: builds (or reuses) the catalog, plans with the
 * offline planner (or a model, validated and repaired once, else the offline plan),
 * validates and costs the plan, runs it on one snapshot (latest or `asOf`) within the
 * budget, lets plugins' `onQuery` hooks add candidates, and returns the cited results
 * with an optional answer.
 *
 * @example
 * const { results, answer, plan } = await ask({ db, cartridges, question: 'what is blocking the billing migration?', options: { answer: true } })
 */
export async function ask(args: AskArgs): Promise<AskResult> {
  const started = performance.now()
  const options = parseAskArgs(args)
  const deadline = started + options.budget.timeMs
  const cartridges = args.cartridges ?? []
  const warnings: AskWarning[] = []
  const spent = { calls: 0, inputTokens: 0, outputTokens: 0 }
  const catalogStarted = performance.now()
  const catalog = options.catalog ?? cachedCatalog({ db: args.db, cartridges })
  const asOf = resolveAsOf(args.db, options.asOf)
  const lookup = lookupFor(args.db, catalog, asOf)
  const catalogMs = performance.now() - catalogStarted
  const planStarted = performance.now()
  let plan = options.plan ?? (await makePlan(args, options, catalog, lookup, warnings, spent))
  // A catalog a little older than the head (see CATALOG_MAX_AGE_MS) may not know new prefixes or fields yet.
  for (const issue of assertValidPlan(plan, catalog, { lenient: catalog.txnId < args.db.txnId })) warnings.push({ code: 'QUERY_PLAN_WARNING', message: `${issue.path} (${issue.kind}): ${issue.message} ${issue.fix}` })
  const estimated = estimatePlanCost(plan.root, catalog)
  const planMs = performance.now() - planStarted
  const executeStarted = performance.now()
  const run = (current: Plan) => executePlan({ db: args.db, plan: current, catalog, cartridges, budget: { deadline, candidates: options.budget.candidates }, ...(asOf === undefined ? {} : { asOf }) })
  let outcome = run(plan)
  let executeMs = performance.now() - executeStarted
  let pluginsMs = 0
  let candidates = outcome.candidates
  if (args.plugins !== undefined) {
    const pluginsStarted = performance.now()
    const contribution = await runQueryPlugins({ host: args.plugins, question: args.question, plan, candidates, catalog, timeoutMs: options.pluginTimeoutMs })
    warnings.push(...contribution.warnings)
    if (contribution.plan !== undefined) {
      plan = contribution.plan
      outcome = run(plan)
      candidates = outcome.candidates
    }
    if (contribution.added.length > 0) candidates = reciprocalRankFusion([candidates, contribution.added])
    pluginsMs = performance.now() - pluginsStarted
    executeMs = performance.now() - executeStarted - pluginsMs
  }
  warnings.push(...outcome.warnings)
  const isAggregate = candidates.length > 0 && candidates.every((item) => item.keyspace === '(aggregate)')
  const results = toResults(args.db, cartridges, candidates, isAggregate ? candidates.length : options.limit, outcome.txnId)
  const answerStarted = performance.now()
  const answerNode = outcome.answer ?? (options.answer === false ? undefined : { kind: 'answer' as const, input: plan.root, mode: options.answer === 'model' ? ('model' as const) : ('auto' as const), maxSentences: 3 })
  const answer = answerNode === undefined ? undefined : await answerQuestion({ question: args.question, results, node: answerNode, model: args.model, ...(args.guards === undefined ? {} : { guards: args.guards }), options, spent, warnings })
  const answerMs = performance.now() - answerStarted
  const steps = outcome.steps
  const totalMs = performance.now() - started
  return {
    question: args.question,
    plan,
    results,
    ...(answer === undefined ? {} : { answer }),
    cost: { estimated, candidatesRead: outcome.candidatesRead, modelCalls: spent.calls, inputTokens: spent.inputTokens, outputTokens: spent.outputTokens },
    timings: { totalMs, catalogMs, planMs, executeMs, pluginsMs, answerMs, steps },
    warnings,
    partial: outcome.partial || performance.now() > deadline,
    txnId: outcome.txnId,
    ...(options.explain ? { explanation: explainPlan({ plan, cost: estimated, steps }) } : {}),
  }
}
