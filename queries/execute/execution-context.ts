import { LivingDbError } from '../../errors/index.js'
import { type Cartridge, findQuery, runQueryOnSnapshot } from '../../cartridges/spec/index.js'
import type { AskSnapshot, AskWarning, StepTiming } from '../ask-types.js'
import { cartridgeRole } from '../catalog/build-catalog.js'
import type { CartridgeRole, Catalog } from '../catalog/catalog-types.js'

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
  ) {}

  /** A context for another snapshot sharing budget and reports. */
  at(snapshot: AskSnapshot): ExecutionContext {
    const child = new ExecutionContext(snapshot, this.catalog, this.cartridges, this.budget, this.readAt, this.timeToTxn)
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

  /** The cartridge named `name`, or the first one with `role`. */
  cartridge(role: CartridgeRole, name?: string): Cartridge | undefined {
    if (name !== undefined) {
      const named = this.cartridges.find((cartridge) => cartridge.name === name)
      if (named === undefined) throw new LivingDbError('CARTRIDGE_NOT_FOUND', `The plan names cartridge "${name}", which is not attached. Attached: ${this.cartridges.map((cartridge) => cartridge.name).join(', ') || '(none)'}.`, { details: { cartridge: name } })
      return named
    }
    return this.cartridges.find((cartridge) => cartridgeRole(cartridge) === role)
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
