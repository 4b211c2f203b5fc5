import type { Cartridge } from '../cartridges/spec/index.js'
import type { Database } from '../core/index.js'
import { LivingDbError } from '../errors/index.js'
import { ask } from '../queries/ask.js'
import type { AskArgs, AskResult } from '../queries/ask-types.js'
import type { Plan } from '../queries/plan/plan-node.js'
import { SegmentCache } from './archive-segment.js'
import { AUTO_FIELD_INDEX_NAME, autoCartridge, dropCartridge } from './auto-cartridge.js'
import { AUTONOMY_KEYS, AUTONOMY_ORIGIN, type AutonomyAction, SYS_KEYSPACE, listActions, readAction } from './autonomy-action.js'
import { autonomyDatabase } from './autonomy-database.js'
import { type AutonomyPolicy, type AutonomyPolicyInput, parseAutonomyPolicy } from './autonomy-policy.js'
import { type AutonomyPlan, type AutonomyRunReport, planAutonomy, runAutonomy } from './autonomy-run.js'
import { observeCommits } from './observe-commits.js'
import { shapeOfPlan } from './query-shape.js'
import { detectRegression, type RegressionAlert } from './regression-detector.js'
import { isCountedKeyspace } from './resolving-reader.js'
import { promoteInTransaction, undoTiering } from './tiering.js'
import { type UsageStatisticsJson, type UsageStatisticsOptions, UsageStatistics } from './usage-statistics.js'

/** Arguments of {@link createAutonomy}. */
export interface CreateAutonomyArgs {
  /** The engine database (or the package's open() result). */
  readonly db: Database
  /** Overrides of the stored policy (default: the policy in `sys`, else the defaults). */
  readonly policy?: AutonomyPolicyInput
  readonly statistics?: UsageStatisticsOptions
  /** Cartridges the app already attaches (passed to `ask` next to autonomy's own). */
  readonly cartridges?: readonly Cartridge[]
  /** The clock (tests pass their own). */
  readonly now?: () => number
  /** Called with errors of background work (promotions, scheduled runs); default one line on stderr. */
  readonly onError?: (error: unknown) => void
}

/** What `livingdb autonomy status` shows. */
export interface AutonomyStatus {
  readonly policy: AutonomyPolicy
  /** The statistics without the key sketch's counters. */
  readonly statistics: Omit<UsageStatisticsJson, 'keys'> & { readonly keys: { readonly width: number; readonly depth: number } }
  readonly actions: readonly AutonomyAction[]
  readonly alerts: readonly RegressionAlert[]
  readonly cartridges: readonly string[]
}

/** Autonomy over one open database. See {@link createAutonomy}. */
export interface Autonomy {
  /** The database to read through: archived values come back as written and every read feeds the statistics. */
  readonly db: Database
  readonly statistics: UsageStatistics
  policy(): AutonomyPolicy
  /** Stores a new policy in `sys` (validated; missing fields take the defaults). */
  setPolicy(input: AutonomyPolicyInput): Promise<AutonomyPolicy>
  /** `ask()` over {@link Autonomy.db} with autonomy's cartridges; the query is recorded. */
  ask(args: Omit<AskArgs, 'db'>): Promise<AskResult>
  /** Records one `ask` result (shape, latency, model tokens); returns alerts it raised. */
  recordQuery(result: AskResult): RegressionAlert[]
  /** Records model spend of a subject (`plugin:<name>`); returns an alert when it regressed. */
  recordSpend(subject: string, cost: number): RegressionAlert | undefined
  plan(): AutonomyPlan
  run(options?: { readonly dryRun?: boolean }): Promise<AutonomyRunReport>
  undo(actionId: string): Promise<AutonomyAction>
  status(): AutonomyStatus
  /** Autonomy's applied cartridges (pass them to `attachCartridges`/`ask`). */
  cartridges(): Cartridge[]
  /** Persists statistics and alerts, and finishes pending promotions. */
  flush(): Promise<void>
  /** Runs every `policy.everyMs` until {@link Autonomy.stop}. */
  start(): void
  stop(): Promise<void>
}

/**
 * Autonomy for one database: usage statistics, regression alerts, tiering and automatic
 * cartridges, each action a commit with origin `autonomy`, audited in `sys` and undoable.
 *
 * @example
 * const autonomy = await createAutonomy({ db })
 * const value = autonomy.db.get('tasks/1')   // counted; an archived value comes back as written
 * console.log(autonomy.plan())                // what a run would do and why
 * const report = await autonomy.run()
 * await autonomy.undo(report.actions[0]!.id)
 */
export async function createAutonomy(args: CreateAutonomyArgs): Promise<Autonomy> {
  const raw = args.db
  const now = args.now ?? Date.now
  const onError = args.onError ?? ((error: unknown) => process.stderr.write(`livingdb autonomy: ${(error as Error).message}\n`))
  const stored = raw.read((snapshot) => ({ policy: snapshot.keyspace(SYS_KEYSPACE).get(AUTONOMY_KEYS.policy), statistics: snapshot.keyspace(SYS_KEYSPACE).get(AUTONOMY_KEYS.statistics) }))
  let policy = parseAutonomyPolicy({ ...((stored.policy as object | undefined) ?? {}), ...(args.policy ?? {}) })
  const statistics = new UsageStatistics({ now, halfLifeMs: policy.halfLifeMs, ...args.statistics }, stored.statistics as unknown as UsageStatisticsJson | undefined)
  const segments = new SegmentCache()
  const pendingAlerts: RegressionAlert[] = []
  const pendingPromotions = new Map<string, { keyspace: string; key: string }>()
  let promotion: Promise<void> | undefined
  const promote = (): Promise<void> => {
    const keys = [...pendingPromotions.values()]
    pendingPromotions.clear()
    return raw.write((transaction) => void promoteInTransaction(transaction, keys), { origin: AUTONOMY_ORIGIN }).then(() => undefined)
  }
  const schedulePromotion = (): void => {
    if (promotion !== undefined) return
    promotion = new Promise<void>((resolve) => setImmediate(resolve))
      .then(promote)
      .catch(onError)
      .finally(() => {
        promotion = undefined
        if (pendingPromotions.size > 0) schedulePromotion()
      })
  }
  const onColdRead = (keyspace: string, key: string): void => {
    if (!policy.enabled || !policy.tiering.promoteOnRead) return
    pendingPromotions.set(`${keyspace}\u0000${key}`, { keyspace, key })
    schedulePromotion()
  }
  const db = autonomyDatabase(raw, { statistics, segments, onColdRead })
  const quiet = autonomyDatabase(raw, { segments })
  const alert = (found: RegressionAlert | undefined): RegressionAlert | undefined => {
    if (found !== undefined && policy.regressions.enabled) pendingAlerts.push(found)
    return found
  }
  const appliedCartridges = (): Cartridge[] =>
    raw.read((snapshot) => listActions(snapshot.keyspace(SYS_KEYSPACE))).filter((action) => action.kind === 'cartridge' && action.status === 'applied').map((action) => autoCartridge(action.details as never))
  const flush = async (): Promise<void> => {
    while (promotion !== undefined || pendingPromotions.size > 0) {
      schedulePromotion()
      await promotion
    }
    statistics.decay()
    const alerts = pendingAlerts.splice(0)
    await raw.write((transaction) => {
      const sys = transaction.keyspace(SYS_KEYSPACE)
      sys.put(AUTONOMY_KEYS.statistics, JSON.parse(JSON.stringify(statistics.toJSON())) as never)
      for (const item of alerts) sys.put(`${AUTONOMY_KEYS.alerts}${item.id}`, JSON.parse(JSON.stringify({ ...item, deviations: Number.isFinite(item.deviations) ? item.deviations : null })) as never)
      const stale = [...sys.scan({ prefix: AUTONOMY_KEYS.alerts })]
      for (const entry of stale.slice(0, Math.max(0, stale.length - policy.regressions.maxAlerts))) sys.delete(entry.key)
    }, { origin: AUTONOMY_ORIGIN })
  }
  const plansOf = (shapes: readonly string[]): Plan[] => statistics.shapeList().filter((usage) => shapes.includes(usage.id) && usage.plan !== undefined).map((usage) => usage.plan!)
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  const autonomy: Autonomy = {
    db,
    statistics,
    policy: () => policy,
    async setPolicy(input) {
      const parsed = parseAutonomyPolicy(input)
      await raw.write((transaction) => transaction.keyspace(SYS_KEYSPACE).put(AUTONOMY_KEYS.policy, JSON.parse(JSON.stringify(input)) as never), { origin: AUTONOMY_ORIGIN })
      policy = parsed
      return parsed
    },
    async ask(askArgs) {
      const result = await ask({ ...askArgs, db, cartridges: [...(askArgs.cartridges ?? args.cartridges ?? []), ...appliedCartridges()] })
      autonomy.recordQuery(result)
      return result
    },
    recordQuery(result) {
      const shape = shapeOfPlan(result.plan)
      const modelCost = result.cost.inputTokens + result.cost.outputTokens
      const previous = statistics.shapeList().find((usage) => usage.id === shape.id)
      const raised: RegressionAlert[] = []
      if (previous !== undefined) {
        for (const found of [
          detectRegression({ metric: 'latency', subject: shape.id, baseline: previous.latencyMs, sample: result.timings.totalMs, at: now() }),
          detectRegression({ metric: 'cost', subject: shape.id, baseline: previous.modelCost, sample: modelCost, at: now() }),
        ]) if (alert(found) !== undefined) raised.push(found!)
      }
      statistics.recordQuery({ shape, milliseconds: result.timings.totalMs, modelCost, candidates: result.cost.candidatesRead, plan: result.plan })
      return raised
    },
    recordSpend(subject, cost) {
      const baseline = statistics.spendOf(subject)
      const found = baseline === undefined ? undefined : alert(detectRegression({ metric: 'spend', subject, baseline, sample: cost, at: now() }))
      statistics.recordSpend(subject, cost)
      return found
    },
    plan() {
      return planAutonomy({ db: raw, statistics, policy, now: now() }).plan
    },
    async run(options = {}) {
      const work = (async () => {
        await observeCommits({ db: raw, statistics, counted: isCountedKeyspace, now: now() })
        for (const keyspace of raw.keyspaces()) if (isCountedKeyspace(keyspace)) statistics.recordKeyCount(keyspace, raw.stats().keyspaces[keyspace] ?? 0)
        await flush()
        return runAutonomy({ db: raw, readDb: quiet, statistics, policy, now: now(), dryRun: options.dryRun === true, plansOf, baseCartridges: args.cartridges ?? [] })
      })()
      running = work
      try {
        return await work
      } finally {
        running = undefined
      }
    },
    async undo(actionId) {
      const action = raw.read((snapshot) => readAction(snapshot.keyspace(SYS_KEYSPACE), actionId))
      if (action.kind === 'tiering') return undoTiering({ db: raw, actionId, now: now() })
      if (action.status !== 'applied') {
        throw new LivingDbError('AUTONOMY_UNDO_CONFLICT', `Autonomy action ${actionId} is ${action.status}; only an applied cartridge can be undone.`, { details: { id: actionId, status: action.status } })
      }
      const undone: AutonomyAction = { ...action, status: 'undone', undoneAt: now() }
      const keyspaces = (action.details.keyspaces as string[] | undefined) ?? [AUTO_FIELD_INDEX_NAME]
      undone.txnIds = [...action.txnIds, await dropCartridge({ db: raw, cartridge: { name: AUTO_FIELD_INDEX_NAME, keyspaces }, action: undone })]
      return undone
    },
    status() {
      return raw.read((snapshot) => {
        const sys = snapshot.keyspace(SYS_KEYSPACE)
        const alerts = [...sys.scan({ prefix: AUTONOMY_KEYS.alerts })].map((entry) => entry.value as unknown as RegressionAlert)
        const { keys, ...rest } = statistics.toJSON()
        return { policy, statistics: { ...rest, keys: { width: keys.width, depth: keys.depth } }, actions: listActions(sys), alerts: [...alerts, ...pendingAlerts].sort((left, right) => right.at - left.at), cartridges: appliedCartridges().map((cartridge) => cartridge.name) }
      })
    },
    cartridges: appliedCartridges,
    flush,
    start() {
      if (timer !== undefined) return
      timer = setInterval(() => {
        if (running === undefined) autonomy.run().catch(onError)
      }, policy.everyMs)
      timer.unref()
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      if (running !== undefined) await running.catch(() => undefined)
      await flush()
    },
  }
  return autonomy
}
