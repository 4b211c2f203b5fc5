import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import type {
  AggregateNode,
  AnswerNode,
  AsOfNode,
  BetweenNode,
  EntityLookupNode,
  FilterNode,
  FuseNode,
  GetNode,
  LimitNode,
  Plan,
  PlanNode,
  ScanNode,
  SortNode,
  TopicSearchNode,
  TraverseNode,
  VectorSearchNode,
} from './plan-node.js'
import { planNodeSchema, planSchema } from './plan-schema.js'

/** Freezes a plain JSON value and everything inside it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item)
    Object.freeze(value)
  }
  return value
}

function schemaProblems(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length === 0 ? 'root' : issue.path.join('.')}: ${issue.message}`).join('; ')
}

/**
 * Parses plain JSON as a plan (defaults applied) and freezes it. Throws
 * `QUERY_PLAN_INVALID` naming each bad path; use {@link validatePlan} to also check
 * the plan against a catalog.
 */
export function parsePlan(json: unknown): Plan {
  const parsed = planSchema.safeParse(json)
  if (!parsed.success) {
    throw new LivingDbError('QUERY_PLAN_INVALID', `The plan does not match the plan language: ${schemaProblems(parsed.error)}. Build plans with the planNodes helpers or see docs/queries.md for every node kind.`, {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    })
  }
  return deepFreeze(parsed.data)
}

/** Parses one node (defaults applied) and freezes it; `QUERY_PLAN_INVALID` when malformed. */
export function parsePlanNode(json: unknown): PlanNode {
  const parsed = planNodeSchema.safeParse(json)
  if (!parsed.success) {
    throw new LivingDbError('QUERY_PLAN_INVALID', `The plan node is malformed: ${schemaProblems(parsed.error)}. See docs/queries.md for the fields of each node kind.`, {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    })
  }
  return deepFreeze(parsed.data)
}

/** Makes a frozen plan from a root node. */
export function createPlan(root: PlanNode, extra: { readonly question?: string; readonly planner?: string } = {}): Plan {
  return deepFreeze({ version: 1 as const, root, ...(extra.question === undefined ? {} : { question: extra.question }), ...(extra.planner === undefined ? {} : { planner: extra.planner }) })
}

type Input<Node extends PlanNode, Optional extends keyof Node> = Omit<Node, 'kind' | Optional> & Partial<Pick<Node, Optional>>

function make<Node extends PlanNode>(kind: Node['kind'], fields: object): Node {
  return parsePlanNode({ kind, ...fields }) as Node
}

/**
 * Constructors of frozen, validated plan nodes (defaults filled in), e.g.
 * `planNodes.limit({ input: planNodes.topicSearch({ query: 'billing' }), count: 10 })`.
 */
export const planNodes = Object.freeze({
  get: (fields: Input<GetNode, 'keyspace'>): GetNode => make('get', fields),
  scan: (fields: Input<ScanNode, 'keyspace'>): ScanNode => make('scan', fields),
  filter: (fields: Input<FilterNode, never>): FilterNode => make('filter', fields),
  topicSearch: (fields: Input<TopicSearchNode, 'limit'>): TopicSearchNode => make('topicSearch', fields),
  entityLookup: (fields: Input<EntityLookupNode, 'limit'>): EntityLookupNode => make('entityLookup', fields),
  traverse: (fields: Input<TraverseNode, 'direction' | 'depth' | 'includeInput' | 'limit'>): TraverseNode => make('traverse', fields),
  vectorSearch: (fields: Input<VectorSearchNode, 'limit'>): VectorSearchNode => make('vectorSearch', fields),
  fuse: (fields: Input<FuseNode, 'k'>): FuseNode => make('fuse', fields),
  asOf: (fields: Input<AsOfNode, never>): AsOfNode => make('asOf', fields),
  between: (fields: Input<BetweenNode, never>): BetweenNode => make('between', fields),
  aggregate: (fields: Input<AggregateNode, 'metrics'>): AggregateNode => make('aggregate', fields),
  sort: (fields: Input<SortNode, 'by' | 'direction'>): SortNode => make('sort', fields),
  limit: (fields: Input<LimitNode, 'offset'>): LimitNode => make('limit', fields),
  answer: (fields: Input<AnswerNode, 'mode' | 'maxSentences'>): AnswerNode => make('answer', fields),
})
