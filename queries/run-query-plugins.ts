import type { JsonValue } from '../plugins/spec/index.js'
import type { AskPluginHost, AskWarning } from './ask-types.js'
import type { Catalog } from './catalog/catalog-types.js'
import { type Candidate, candidate } from './execute/candidate.js'
import { parsePlan } from './plan/create-plan.js'
import type { Plan } from './plan/plan-node.js'
import { formatPlanIssues, validatePlan } from './plan/validate-plan.js'

/** What the plugins' `onQuery` hooks contributed. */
export interface PluginContribution {
  /** A rewritten plan that parsed and validated, if a plugin rewrote it. */
  readonly plan?: Plan
  /** Candidates the plugins added, in order, as their own ranked list. */
  readonly added: Candidate[]
  readonly warnings: AskWarning[]
}

/**
 * Runs the plugins' `onQuery` hooks (through the host, which runs them in order, each
 * within its own timeout) with the plan and the candidates so far, bounded by
 * `timeoutMs` overall. A rewritten plan is used only if it parses and validates; a
 * failing, slow or malformed plugin becomes a warning and the question goes on.
 */
export async function runQueryPlugins(args: { readonly host: AskPluginHost; readonly question: string; readonly plan: Plan; readonly candidates: readonly Candidate[]; readonly catalog: Catalog; readonly timeoutMs: number }): Promise<PluginContribution> {
  const warnings: AskWarning[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), args.timeoutMs)
  })
  const call = args.host.query({
    question: args.question,
    plan: JSON.parse(JSON.stringify(args.plan)) as JsonValue,
    candidates: args.candidates.slice(0, 100).map((item) => ({ keyspace: item.keyspace, key: item.key, score: item.score, source: item.citations[0]?.source ?? 'plan' })),
  })
  let outcome: Awaited<typeof call> | 'timeout'
  try {
    outcome = await Promise.race([call, timeout])
  } catch (error) {
    return { added: [], warnings: [{ code: 'QUERY_PLUGINS_FAILED', message: `The plugins' onQuery hooks failed (${(error as Error).message}); results come from the plan alone.` }] }
  } finally {
    clearTimeout(timer)
  }
  if (outcome === 'timeout') {
    call.catch(() => undefined)
    return { added: [], warnings: [{ code: 'QUERY_PLUGINS_TIMEOUT', message: `The plugins' onQuery hooks did not finish within ${args.timeoutMs} ms (options.pluginTimeoutMs); results come from the plan alone.` }] }
  }
  for (const contribution of outcome.contributions) {
    if (contribution.error !== undefined) warnings.push({ code: 'QUERY_PLUGIN_SKIPPED', message: `Plugin ${contribution.plugin} was skipped: ${contribution.error.code} ${contribution.error.message}` })
  }
  const known = new Set(args.candidates.map((item) => `${item.keyspace}\u0000${item.key}`))
  const added = outcome.candidates
    .filter((item) => !known.has(`${item.keyspace}\u0000${item.key}`))
    .sort((left, right) => right.score - left.score)
    .map((item) => candidate({ keyspace: item.keyspace, key: item.key, score: item.score, source: `plugin:${item.source}` }))
  const rewriter = outcome.contributions.filter((contribution) => contribution.rewrotePlan).at(-1)
  if (rewriter === undefined) return { added, warnings }
  try {
    const plan = parsePlan(outcome.plan)
    const validation = validatePlan(plan, args.catalog)
    if (!validation.valid) {
      warnings.push({ code: 'QUERY_PLUGIN_PLAN_INVALID', message: `Plugin ${rewriter.plugin} rewrote the plan into one that does not fit this database; kept the original.\n${formatPlanIssues(validation.issues)}` })
      return { added, warnings }
    }
    return { plan: { ...plan, planner: `plugin:${rewriter.plugin}` }, added, warnings }
  } catch (error) {
    warnings.push({ code: 'QUERY_PLUGIN_PLAN_INVALID', message: `Plugin ${rewriter.plugin} returned a plan that is not in the plan language (${(error as Error).message}); kept the original.` })
    return { added, warnings }
  }
}
