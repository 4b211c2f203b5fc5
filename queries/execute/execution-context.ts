import { LivingDbError } from '../../errors/index.js'
import { type Cartridge, CARTRIDGE_META_KEY, CURSOR_KEYSPACE, findQuery, readCursor, runQueryOnSnapshot } from '../../cartridges/spec/index.js'
import type { AskSnapshot, AskWarning, StepTiming } from '../ask-types.js'
import { cartridgeRole } from '../catalog/build-catalog.js'
import type { CartridgeRole, Catalog } from '../catalog/catalog-types.js'

/** How many txns a cartridge may lag behind an earlier snapshot and still answer for it (its own apply commits follow the data). */
export const AS_OF_CARTRIDGE_LAG = 16

/** Limits of one execution. */
export interface ExecutionBudget {
  /** performance.now() after which work stops (partial results). */
  readonly deadline: number
  /** Records that scans, filters and traversals may read. */
  readonly candidates: number
}

/** Everything a plan step needs: the snapshot, the cartridges, the budget, and where to report. */
export class ExecutionContext {
  candidatesRead = 0
  partial = false
  readonly warnings: AskWarning[] = []
  readonly steps: StepTiming[] = []
  private readonly warned = new Set<string>()

  constructor(
    readonly snapshot: AskSnapshot,
    readonly catalog: Catalog,
    readonly cartridges: readonly Cartridge[],
    readonly budget: ExecutionBudget,
    /** Reads another version (for `asOf` / `between`): runs `reader` on the snapshot at `txnId`. */
    readonly readAt: <T>(txnId: number, reader: (snapshot: AskSnapshot) => T) => T,
    /** Txn ids already resolved for ISO times in the plan. */
    readonly timeToTxn: ReadonlyMap<string, number>,
    /** The latest txn when the question started: cartridges are trusted as they are there. */
    readonly headTxnId: number = snapshot.txnId,
  ) {}

  /** A context for another snapshot sharing budget and reports. */
  at(snapshot: AskSnapshot): ExecutionContext {
    const child = new ExecutionContext(snapshot, this.catalog, this.cartridges, this.budget, this.readAt, this.timeToTxn, this.headTxnId)
    child.parent = this
    return child
  }

  private parent: ExecutionContext | undefined

  private root(): ExecutionContext {
    let context: ExecutionContext = this
    while (context.parent !== undefined) context = context.parent
    return context
  }

  /** Records a warning once per code + message. */
  warn(code: string, message: string): void {
    const root = this.root()
    const id = `${code}:${message}`
    if (root.warned.has(id)) return
    root.warned.add(id)
    root.warnings.push({ code, message })
  }

  /** Marks the result partial with a warning. */
  stopEarly(code: string, message: string): void {
    this.root().partial = true
    this.warn(code, message)
  }

  /** Counts `count` records read; false (and partial) once the candidates budget is spent or the deadline passed. */
  spend(count = 1): boolean {
    const root = this.root()
    root.candidatesRead += count
    if (root.candidatesRead > this.budget.candidates) {
      this.stopEarly('QUERY_BUDGET_CANDIDATES', `Stopped after reading ${this.budget.candidates} records (budget.candidates); raise it for complete results.`)
      return false
    }
    if ((root.candidatesRead & 255) === 0 && performance.now() > this.budget.deadline) {
      this.stopEarly('QUERY_BUDGET_TIME', 'Stopped at the time budget (budget.timeMs); raise it for complete results.')
      return false
    }
    return true
  }

  /** True when the deadline has passed (the step should return what it has). */
  outOfTime(): boolean {
    if (performance.now() <= this.budget.deadline) return false
    this.stopEarly('QUERY_BUDGET_TIME', 'Stopped at the time budget (budget.timeMs); raise it for complete results.')
    return true
  }

  recordStep(step: StepTiming): void {
    this.root().steps.push(step)
  }

  /**
   * The cartridge named `name`, or the first one with `role`, when it can answer at this
   * snapshot: on an earlier version (as-of), only a cartridge that was caught up then
   * (its cursor within {@link AS_OF_CARTRIDGE_LAG} txns); otherwise undefined with a
   * warning, and the step uses its fallback.
   */
  cartridge(role: CartridgeRole, name?: string): Cartridge | undefined {
    let found: Cartridge | undefined
    if (name !== undefined) {
      found = this.cartridges.find((cartridge) => cartridge.name === name)
      if (found === undefined) throw new LivingDbError('CARTRIDGE_NOT_FOUND', `The plan names cartridge "${name}", which is not attached. Attached: ${this.cartridges.map((cartridge) => cartridge.name).join(', ') || '(none)'}.`, { details: { cartridge: name } })
    } else {
      found = this.cartridges.find((cartridge) => cartridgeRole(cartridge) === role)
    }
    if (found === undefined || this.snapshot.txnId >= this.headTxnId) return found
    const built = found.keyspaces[0] !== undefined && this.snapshot.keyspace(found.keyspaces[0]).get(CARTRIDGE_META_KEY) !== undefined
    const cursor = readCursor(found, this.snapshot.keyspace(CURSOR_KEYSPACE))
    if (built && cursor >= this.snapshot.txnId - 1 - AS_OF_CARTRIDGE_LAG) return found
    this.warn('QUERY_CARTRIDGE_BEHIND', `Cartridge "${found.name}" ${built ? `had only reached txn ${cursor}` : 'was not built yet'} at txn ${this.snapshot.txnId}: that step read the records instead.`)
    return undefined
  }

  /** The first query of `cartridge` among `names` that it has. */
  queryName(cartridge: Cartridge, names: readonly string[]): string | undefined {
    return names.find((name) => cartridge.queries.some((query) => query.name === name))
  }

  /** Runs a cartridge query on this context's snapshot. */
  query(cartridge: Cartridge, name: string, input: unknown): unknown {
    return runQueryOnSnapshot(cartridge, findQuery(cartridge, name), input, this.snapshot)
  }

  /** The keyspace a cartridge's results live in (its first source). */
  sourceKeyspace(cartridge: Cartridge): string {
    return cartridge.sources[0]?.keyspace ?? 'default'
  }
}
