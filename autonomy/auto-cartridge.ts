import type { Cartridge } from '../cartridges/spec/index.js'
import { cursorKey, definitionKey, openCartridge } from '../cartridges/spec/index.js'
import type { Database } from '../core/index.js'
import { ask } from '../queries/ask.js'
import { createFieldIndexCartridge } from '../queries/field-index/index.js'
import type { Plan } from '../queries/plan/plan-node.js'
import { AUTONOMY_ORIGIN, type AutonomyAction, SYS_KEYSPACE, writeAction } from './autonomy-action.js'
import type { AutonomyPolicy } from './autonomy-policy.js'
import { hideAutonomyCommits } from './hide-autonomy-commits.js'
import type { UsageStatistics } from './usage-statistics.js'

/** The cartridge name the query executor looks for when a filter could use a field index. */
export const AUTO_FIELD_INDEX_NAME = 'fields'

/** A field index the statistics call for. */
export interface CartridgeProposal {
  readonly keyspace: string
  readonly prefix: string
  readonly fields: readonly string[]
  /** Query shapes that would use it, and how often they ran (decayed) and what they read. */
  readonly shapes: readonly string[]
  readonly queries: number
  readonly candidatesPerQuery: number
  readonly latencyMs: number
  readonly reason: string
}

/** The options the field index cartridge is created with (recorded in the action to recreate it). */
export function autoCartridge(proposal: Pick<CartridgeProposal, 'keyspace' | 'prefix' | 'fields'>): Cartridge {
  return createFieldIndexCartridge({ name: AUTO_FIELD_INDEX_NAME, source: { keyspace: proposal.keyspace, prefix: proposal.prefix }, fields: [...proposal.fields] })
}

/**
 * Finds repeated filters over whole-prefix scans that read many records: for the most
 * frequent `keyspace:prefix`, a field index on the fields they filter. Nothing when a
 * `fields` cartridge already exists (the app's or autonomy's).
 */
export function planCartridges(args: { readonly db: Database; readonly statistics: UsageStatistics; readonly policy: AutonomyPolicy }): { readonly proposals: readonly CartridgeProposal[]; readonly notes: readonly string[] } {
  const settings = args.policy.cartridges
  const groups = new Map<string, { keyspace: string; prefix: string; fields: Set<string>; shapes: string[]; queries: number; candidates: number; latency: number }>()
  for (const usage of args.statistics.shapeList()) {
    if (usage.count < 1e-9) continue
    for (const filtered of usage.shape.filteredFields) {
      const id = `${filtered.keyspace}\u0000${filtered.prefix}`
      let group = groups.get(id)
      if (group === undefined) {
        group = { keyspace: filtered.keyspace, prefix: filtered.prefix, fields: new Set(), shapes: [], queries: 0, candidates: 0, latency: 0 }
        groups.set(id, group)
      }
      group.fields.add(filtered.field)
      if (!group.shapes.includes(usage.id)) {
        group.shapes.push(usage.id)
        group.queries += usage.count
        group.candidates = Math.max(group.candidates, usage.candidates.mean)
        group.latency = Math.max(group.latency, usage.latencyMs.mean)
      }
    }
  }
  const notes: string[] = []
  const ranked = [...groups.values()].filter((group) => group.queries >= settings.minQueries && group.candidates >= settings.minCandidates).sort((left, right) => right.queries - left.queries)
  if (ranked.length === 0) return { proposals: [], notes: groups.size === 0 ? [] : [`No filtered scan ran ${settings.minQueries} times reading ${settings.minCandidates}+ records (policy cartridges.minQueries/minCandidates).`] }
  const existing = args.db.read((snapshot) => snapshot.keyspace(SYS_KEYSPACE).get(definitionKey(AUTO_FIELD_INDEX_NAME)))
  if (existing !== undefined) return { proposals: [], notes: [`A "${AUTO_FIELD_INDEX_NAME}" cartridge already exists; autonomy builds at most one field index.`] }
  const best = ranked[0]!
  const fields = [...best.fields].sort()
  return {
    proposals: [
      {
        keyspace: best.keyspace,
        prefix: best.prefix,
        fields,
        shapes: best.shapes,
        queries: best.queries,
        candidatesPerQuery: best.candidates,
        latencyMs: best.latency,
        reason: `${Math.round(best.queries * 10) / 10} queries filtered ${fields.join(', ')} over a scan of ${best.keyspace}:${best.prefix || '(all)'} reading ~${Math.round(best.candidates)} records each (~${Math.round(best.latency * 10) / 10} ms).`,
      },
    ],
    notes,
  }
}

/** Median records read and execution time of a set of plans. */
async function measure(db: Database, cartridges: readonly Cartridge[], plans: readonly Plan[], runs: number): Promise<{ candidates: number; milliseconds: number }> {
  const candidates: number[] = []
  const milliseconds: number[] = []
  for (let run = 0; run < runs; run += 1) {
    for (const plan of plans) {
      const result = await ask({ db, cartridges, guards: [], question: plan.question ?? 'autonomy verification', options: { plan, answer: false } })
      candidates.push(result.cost.candidatesRead)
      milliseconds.push(result.timings.executeMs)
    }
  }
  const median = (values: number[]): number => values.sort((left, right) => left - right)[Math.floor(values.length / 2)] ?? 0
  return { candidates: median(candidates), milliseconds: median(milliseconds) }
}

/**
 * Builds the proposed field index (an engine transaction per batch, origin
 * `cartridge:fields`), re-runs the recorded plans of the shapes that asked for it with and
 * without it, and keeps it only when they read at most `maxCandidateRatio` of the records
 * or ran within `maxLatencyRatio` of the time; otherwise drops it. The action records
 * both measurements.
 */
export async function buildAutoCartridge(args: { readonly db: Database; /** Where the verification queries read (autonomy's resolving database); default `db`. */ readonly readDb?: Database; readonly proposal: CartridgeProposal; readonly plans: readonly Plan[]; readonly action: AutonomyAction; readonly policy: AutonomyPolicy; readonly baseCartridges?: readonly Cartridge[]; readonly runs?: number }): Promise<AutonomyAction> {
  const { db, proposal, action } = args
  const runs = args.runs ?? 3
  const base = args.baseCartridges ?? []
  const cartridge = autoCartridge(proposal)
  const reader = args.readDb ?? db
  const before = await measure(reader, base, args.plans, runs)
  const handle = await openCartridge({ db: hideAutonomyCommits(db), cartridge })
  await handle.catchUp()
  const after = await measure(reader, [...base, cartridge], args.plans, runs)
  const settings = args.policy.cartridges
  const helped = after.candidates <= before.candidates * settings.maxCandidateRatio || after.milliseconds <= before.milliseconds * settings.maxLatencyRatio
  Object.assign(action.numbers, { candidatesBefore: before.candidates, candidatesAfter: after.candidates, latencyBeforeMs: before.milliseconds, latencyAfterMs: after.milliseconds, verifiedPlans: args.plans.length })
  action.details = { ...action.details, cartridge: AUTO_FIELD_INDEX_NAME, keyspace: proposal.keyspace, prefix: proposal.prefix, fields: [...proposal.fields], keyspaces: [...cartridge.keyspaces] }
  if (!helped) {
    const txnId = await dropCartridge({ db, cartridge: { name: cartridge.name, keyspaces: cartridge.keyspaces }, action: { ...action, status: 'dropped' } })
    action.status = 'dropped'
    action.txnIds.push(txnId)
    return action
  }
  action.status = 'applied'
  const result = await db.write((transaction) => writeAction(transaction.keyspace(SYS_KEYSPACE), action), { origin: AUTONOMY_ORIGIN })
  action.txnIds.push(result.txnId)
  return action
}

/** Deletes a cartridge's keyspaces, cursor and definition record in one transaction and records the action; returns the txn id. */
export async function dropCartridge(args: { readonly db: Database; readonly cartridge: { readonly name: string; readonly keyspaces: readonly string[] }; readonly action: AutonomyAction }): Promise<number> {
  const { db, cartridge } = args
  const result = await db.write((transaction) => {
    for (const name of cartridge.keyspaces) {
      const space = transaction.keyspace(name)
      for (const entry of [...space.scan()]) space.delete(entry.key)
    }
    const sys = transaction.keyspace(SYS_KEYSPACE)
    sys.delete(cursorKey(cartridge))
    sys.delete(definitionKey(cartridge.name))
    writeAction(sys, args.action)
  }, { origin: AUTONOMY_ORIGIN })
  return result.txnId
}
