/** The plan language: frozen, kind-tagged nodes, their zod schemas and constructors. */
export type {
  AggregateMetric,
  AggregateNode,
  AnswerNode,
  AsOfNode,
  BetweenNode,
  EntityLookupNode,
  FieldPath,
  FilterNode,
  FuseNode,
  GetNode,
  LimitNode,
  Plan,
  PlanNode,
  PlanNodeKind,
  PlanScalar,
  Predicate,
  ScanNode,
  SortNode,
  TopicSearchNode,
  TraverseNode,
  VectorSearchNode,
} from './plan-node.js'
export { PLAN_NODE_KINDS, childNodes, walkPlan } from './plan-node.js'
export { planNodeSchema, planSchema, predicateSchema } from './plan-schema.js'
export { createPlan, deepFreeze, parsePlan, parsePlanNode, planNodes } from './create-plan.js'
