import type { Cartridge } from '../cartridges/spec/index.js'
import type { Database } from '../core/index.js'
import type { Plan } from '../queries/plan/plan-node.js'
import { type CartridgeProposal, buildAutoCartridge, planCartridges } from './auto-cartridge.js'
import { AUTONOMY_KEYS, type AutonomyAction, SYS_KEYSPACE, newActionId } from './autonomy-action.js'
import { type AutonomyPolicy, withinAllowedHours } from './autonomy-policy.js'
import { moveColdValues, planTiering, type TieringPlan } from './tiering.js'
import type { UsageStatistics } from './usage-statistics.js'

/** What a run would do and why (`livingdb autonomy plan`). */
export interface AutonomyPlan {
  readonly at: number
  readonly enabled: boolean
  /** False outside the policy's allowed hours (a run then does nothing). */
  readonly allowedNow: boolean
  readonly tiering: Omit<TieringPlan, 'candidates' | 'orphanSegments'> & { readonly keysToMove: number; readonly orphanSegments: number }
  readonly cartridges: { readonly proposals: readonly CartridgeProposal[]; readonly notes: readonly string[] }
}

/** What a run did. */
export interface AutonomyRunReport {
  readonly dryRun: boolean
  readonly plan: AutonomyPlan
  readonly actions: readonly AutonomyAction[]
  readonly skipped: readonly string[]
}

/** Everything {@link planAutonomy} needs, and the internal plans {@link runAutonomy} executes. */
export interface PlanInputs {
  readonly db: Database
  readonly statistics: UsageStatistics
  readonly policy: AutonomyPolicy
  readonly now: number
}

/** Plans a run without writing: the tiering plan (with its candidates) and the cartridge proposals. */
export function planAutonomy(inputs: PlanInputs): { readonly plan: AutonomyPlan; readonly tiering: TieringPlan } {
  const { policy } = inputs
  const tiering = planTiering(inputs)
  const cartridges = policy.cartridges.enabled ? planCartridges(inputs) : { proposals: [], notes: ['Automatic cartridges are off (policy cartridges.enabled).'] }
  const { candidates, orphanSegments, ...tieringSummary } = tiering
  return {
    tiering,
    plan: {
      at: inputs.now,
      enabled: policy.enabled,
      allowedNow: withinAllowedHours(policy, inputs.now),
      tiering: { ...tieringSummary, keysToMove: policy.tiering.enabled ? candidates.length : 0, orphanSegments: orphanSegments.length },
      cartridges,
    },
  }
}

/**
 * One autonomy run: plans, then (unless `dryRun`, autonomy is off, or the hour is not
 * allowed) moves cold values and builds the proposed cartridge. Every action is recorded
 * in `sys` with its reason and numbers before and as it changes data.
 */
export async function runAutonomy(args: PlanInputs & { readonly dryRun: boolean; readonly plansOf: (shapes: readonly string[]) => Plan[]; readonly baseCartridges: readonly Cartridge[]; readonly readDb: Database }): Promise<AutonomyRunReport> {
  const { db, policy, now } = args
  const { plan, tiering } = planAutonomy(args)
  const skipped: string[] = []
  const actions: AutonomyAction[] = []
  if (args.dryRun) return { dryRun: true, plan, actions, skipped: ['Dry run: nothing was changed.'] }
  if (!policy.enabled) return { dryRun: false, plan, actions, skipped: ['Autonomy is off (policy enabled: false).'] }
  if (!plan.allowedNow) return { dryRun: false, plan, actions, skipped: [`Outside the allowed hours ${policy.allowedHours.from}:00-${policy.allowedHours.to}:00 UTC.`] }
  if (policy.tiering.enabled && (tiering.candidates.length > 0 || tiering.orphanSegments.length > 0)) {
    const action: AutonomyAction = {
      id: newActionId('tiering', now),
      kind: 'tiering',
      status: 'running',
      reason: `${tiering.candidates.length} values (${tiering.candidateBytes} bytes) were accessed at most ${policy.tiering.coldHeat} times (decayed, half-life ${Math.round(args.statistics.options.halfLifeMs / 60_000)} min) over ${Math.round(tiering.observedMs / 60_000)} min of statistics.`,
      numbers: { candidateKeys: tiering.candidates.length, candidateBytes: tiering.candidateBytes, hotKeys: tiering.tiers.hot.keys, warmKeys: tiering.tiers.warm.keys, coldKeys: tiering.tiers.cold.keys },
      details: { segments: [] },
      createdAt: now,
      txnIds: [],
    }
    await moveColdValues({ db, plan: tiering, action, segmentKeys: policy.tiering.segmentKeys })
    if (action.txnIds.length > 0) {
      action.status = 'applied'
      await db.write((transaction) => transaction.keyspace(SYS_KEYSPACE).put(`${AUTONOMY_KEYS.actions}${action.id}`, JSON.parse(JSON.stringify(action)) as never), { origin: 'autonomy' })
      actions.push(action)
    } else {
      skipped.push('Tiering: every candidate changed before it could move.')
    }
  }
  for (const proposal of plan.cartridges.proposals) {
    const plans = args.plansOf(proposal.shapes)
    if (plans.length === 0) {
      skipped.push(`Cartridge for ${proposal.keyspace}:${proposal.prefix}: no recorded plan to verify it with.`)
      continue
    }
    const action: AutonomyAction = { id: newActionId('cartridge', now), kind: 'cartridge', status: 'running', reason: proposal.reason, numbers: { queries: proposal.queries, candidatesPerQuery: proposal.candidatesPerQuery, latencyMs: proposal.latencyMs }, details: {}, createdAt: now, txnIds: [] }
    actions.push(await buildAutoCartridge({ db, readDb: args.readDb, proposal, plans, action, policy, baseCartridges: args.baseCartridges }))
  }
  return { dryRun: false, plan, actions, skipped }
}
