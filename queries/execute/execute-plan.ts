import { LivingDbError } from '../../errors/index.js'
import type { Cartridge } from '../../cartridges/spec/index.js'
import type { AskDatabase, AskSnapshot, AskWarning, StepTiming } from '../ask-types.js'
import type { Catalog } from '../catalog/catalog-types.js'
import type { AnswerNode, FilterNode, FuseNode, Plan, PlanNode } from '../plan/plan-node.js'
import type { Candidate } from './candidate.js'
import { ExecutionContext, type ExecutionBudget } from './execution-context.js'
import { executeEntityLookup, executeGet, executeScan, executeTopicSearch, executeVectorSearch } from './execute-sources.js'
import { executeAggregate, executeBetween, executeFilter, executeSort, executeTraverse, loadValues, txnAtTime } from './execute-operators.js'
import { indexedFilter } from './indexed-filter.js'
import { reciprocalRankFusion } from './reciprocal-rank-fusion.js'

/** Arguments of {@link executePlan}. */
export interface ExecutePlanArgs {
  readonly db: AskDatabase
  readonly plan: Plan
  readonly catalog: Catalog
  readonly cartridges: readonly Cartridge[]
  readonly budget: ExecutionBudget
  /** Run the whole plan as of this txn id (default the latest). */
  readonly asOf?: number
}

/** What running a plan produced. */
export interface ExecutionOutcome {
  /** Ranked records (values loaded), or aggregate rows. */
  readonly candidates: Candidate[]
  /** The plan's answer node, when it has one. */
  readonly answer?: AnswerNode
  readonly txnId: number
  readonly warnings: AskWarning[]
  readonly steps: StepTiming[]
  readonly partial: boolean
  readonly candidatesRead: number
}

type Run = (node: PlanNode, path: string) => Candidate[]

function timeOf(value: string): number {
  const time = Date.parse(value)
  if (Number.isNaN(time)) throw new LivingDbError('QUERY_PLAN_INVALID', `"${value}" is not a time. Use an ISO date or date-time such as 2026-03-01 or 2026-03-01T12:00:00Z.`, { details: { time: value } })
  return time
}

function runNode(context: ExecutionContext, node: PlanNode, path: string, run: Run, owner: object): { candidates: Candidate[]; servedBy: string } {
  switch (node.kind) {
    case 'get':
      return { candidates: executeGet(context, node), servedBy: 'get' }
    case 'scan':
      return { candidates: executeScan(context, node), servedBy: 'scan' }
    case 'topicSearch':
      return executeTopicSearch(context, node)
    case 'vectorSearch':
      return executeVectorSearch(context, node)
    case 'entityLookup':
      return executeEntityLookup(context, node, owner)
    case 'filter':
      return runFilter(context, node, path, run)
    case 'traverse':
      return executeTraverse(context, node, run(node.input, `${path}.input`), owner)
    case 'fuse':
      return { candidates: reciprocalRankFusion(node.inputs.map((input, index) => run(input, `${path}.inputs[${index}]`)), { k: node.k, ...(node.weights === undefined ? {} : { weights: node.weights }) }), servedBy: 'rrf' }
    case 'asOf': {
      const txnId = node.txnId ?? txnAtTime(context.readAt, context.snapshot.txnId, timeOf(node.time!))
      if (txnId > context.snapshot.txnId) throw new LivingDbError('TXN_NOT_FOUND', `asOf txn ${txnId} is after the snapshot (txn ${context.snapshot.txnId}). Ask about a txn at or before it.`, { details: { txnId } })
      const candidates = context.readAt(txnId, (snapshot) => {
        const inner = context.at(snapshot)
        const found = execute(inner, node.input, `${path}.input`, owner)
        loadValues(inner, found)
        return found
      })
      return { candidates, servedBy: `txn ${txnId}` }
    }
    case 'between':
      return executeBetween(context, node, run(node.input, `${path}.input`))
    case 'aggregate':
      return { candidates: executeAggregate(context, node, run(node.input, `${path}.input`)), servedBy: 'aggregate' }
    case 'sort':
      return { candidates: executeSort(context, node, run(node.input, `${path}.input`)), servedBy: 'sort' }
    case 'limit':
      return { candidates: run(node.input, `${path}.input`).slice(node.offset, node.offset + node.count), servedBy: 'limit' }
    case 'answer':
      return { candidates: run(node.input, `${path}.input`), servedBy: 'answer' }
  }
}

/**
 * A filter runs inside the scan it reads (only matching records become candidates), and
 * is pushed into each input of a fusion (ranks are then counted among eligible records).
 */
function runFilter(context: ExecutionContext, node: FilterNode, path: string, run: Run): { candidates: Candidate[]; servedBy: string } {
  const input = node.input
  if (input.kind === 'scan') {
    const started = performance.now()
    const indexed = indexedFilter(context, input, node.where)
    const candidates = indexed?.candidates ?? executeScan(context, input, node.where)
    context.recordStep({ path: `${path}.input`, kind: 'scan', milliseconds: performance.now() - started, outputs: candidates.length, servedBy: indexed?.servedBy ?? 'scan+filter' })
    return { candidates, servedBy: indexed === undefined ? 'in scan' : 'index' }
  }
  if (input.kind === 'fuse') {
    const pushed: FuseNode = { ...input, inputs: input.inputs.map((child): FilterNode => ({ kind: 'filter', input: child, where: node.where })) }
    const started = performance.now()
    const lists = pushed.inputs.map((child, index) => run(child, `${path}.input.inputs[${index}]`))
    const candidates = reciprocalRankFusion(lists, { k: input.k, ...(input.weights === undefined ? {} : { weights: input.weights }) })
    context.recordStep({ path: `${path}.input`, kind: 'fuse', milliseconds: performance.now() - started, outputs: candidates.length, servedBy: 'rrf' })
    return { candidates, servedBy: 'pushed into fuse' }
  }
  return { candidates: executeFilter(context, node, run(input, `${path}.input`)), servedBy: 'filter' }
}

function execute(context: ExecutionContext, node: PlanNode, path: string, owner: object): Candidate[] {
  const run: Run = (child, childPath) => execute(context, child, childPath, owner)
  const started = performance.now()
  const { candidates, servedBy } = runNode(context, node, path, run, owner)
  context.recordStep({ path, kind: node.kind, milliseconds: performance.now() - started, outputs: candidates.length, servedBy })
  return candidates
}

/**
 * Runs a validated plan on one snapshot (the latest, or `asOf`): each node goes to the
 * cartridge or scan that serves it; work stops at the budget with `partial` set. The
 * result's candidates have their values loaded.
 */
export function executePlan(args: ExecutePlanArgs): ExecutionOutcome {
  const readAt = <T>(txnId: number, reader: (snapshot: AskSnapshot) => T): T => args.db.readAt(txnId, reader)
  const body = (snapshot: AskSnapshot): ExecutionOutcome => {
    const context = new ExecutionContext(snapshot, args.catalog, args.cartridges, args.budget, readAt, new Map(), args.db.txnId)
    const candidates = execute(context, args.plan.root, 'root', args.db)
    loadValues(context, candidates)
    const answer = args.plan.root.kind === 'answer' ? args.plan.root : undefined
    return {
      candidates: candidates.filter((item) => item.value !== null),
      ...(answer === undefined ? {} : { answer }),
      txnId: snapshot.txnId,
      warnings: context.warnings,
      steps: context.steps,
      partial: context.partial,
      candidatesRead: context.candidatesRead,
    }
  }
  return args.asOf === undefined ? args.db.read(body) : args.db.readAt(args.asOf, body)
}
