/**
 * The plan language: frozen, kind-tagged nodes. A plan is a tree; leaves produce
 * candidate records (`get`, `scan`, `topicSearch`, `entityLookup`, `vectorSearch`),
 * inner nodes transform them (`filter`, `traverse`, `fuse`, `asOf`, `between`,
 * `aggregate`, `sort`, `limit`, `answer`). Every node is plain JSON, so a plan can be
 * printed, hashed, sent to a plugin's `onQuery` or written by a model.
 */

/** A JSON scalar a predicate compares with. */
export type PlanScalar = string | number | boolean | null

/** A dotted field path into a record value, e.g. `status` or `owner.name`. */
export type FieldPath = string

/** One field predicate of a {@link FilterNode}. */
export type Predicate =
  | { readonly op: 'eq'; readonly field: FieldPath; readonly value: PlanScalar }
  | { readonly op: 'in'; readonly field: FieldPath; readonly values: readonly PlanScalar[] }
  | {
      readonly op: 'range'
      readonly field: FieldPath
      readonly gte?: number | string
      readonly gt?: number | string
      readonly lte?: number | string
      readonly lt?: number | string
    }
  /** Substring (case-insensitive) of a string field, or an element of an array field. */
  | { readonly op: 'contains'; readonly field: FieldPath; readonly value: string }
  | { readonly op: 'exists'; readonly field: FieldPath; readonly exists: boolean }

/** Reads the named keys. */
export interface GetNode {
  readonly kind: 'get'
  readonly keyspace: string
  readonly keys: readonly string[]
}

/** Reads keys in order under a prefix and/or within a range. */
export interface ScanNode {
  readonly kind: 'scan'
  readonly keyspace: string
  readonly prefix?: string
  readonly range?: { readonly gte?: string; readonly gt?: string; readonly lte?: string; readonly lt?: string }
  readonly limit?: number
}

/** Keeps the input records matching every predicate (AND). */
export interface FilterNode {
  readonly kind: 'filter'
  readonly input: PlanNode
  readonly where: readonly Predicate[]
}

/** Full-text search (BM25) through a topics cartridge. */
export interface TopicSearchNode {
  readonly kind: 'topicSearch'
  readonly query: string
  /** Which topics cartridge (default: the first attached one). */
  readonly cartridge?: string
  readonly prefix?: string
  readonly limit: number
}

/** The records that are, or mention, a named entity (a person, company, project...). */
export interface EntityLookupNode {
  readonly kind: 'entityLookup'
  readonly name: string
  /** Key prefix of the entity's own record, when known (e.g. `people/`). */
  readonly entityPrefix?: string
  readonly cartridge?: string
  readonly limit: number
}

/** Follows relationships (or key references) from the input records. */
export interface TraverseNode {
  readonly kind: 'traverse'
  readonly input: PlanNode
  /** Only edges of this type (a relationship type, or a field name for key references). */
  readonly relation?: string
  readonly direction: 'out' | 'in' | 'both'
  readonly depth: number
  readonly cartridge?: string
  /** Keep the input records in the output too. */
  readonly includeInput: boolean
  readonly limit: number
}

/** Nearest neighbours of a text's embedding through a vectors cartridge. */
export interface VectorSearchNode {
  readonly kind: 'vectorSearch'
  readonly text: string
  readonly cartridge?: string
  readonly prefix?: string
  readonly limit: number
}

/** Reciprocal rank fusion of several ranked inputs: score = Σ weight / (k + rank). */
export interface FuseNode {
  readonly kind: 'fuse'
  readonly inputs: readonly PlanNode[]
  readonly k: number
  readonly weights?: readonly number[]
}

/** Runs the input on the database as it was at a txn id or a commit time (ISO). */
export interface AsOfNode {
  readonly kind: 'asOf'
  readonly input: PlanNode
  readonly txnId?: number
  readonly time?: string
}

/** Keeps the input records that have a version committed within [from, to] (txn ids or ISO times). */
export interface BetweenNode {
  readonly kind: 'between'
  readonly input: PlanNode
  readonly by: 'txn' | 'time'
  readonly from: number | string
  readonly to: number | string
}

/** One metric of an {@link AggregateNode}. */
export interface AggregateMetric {
  readonly op: 'count' | 'min' | 'max' | 'avg' | 'sum'
  /** The field (not needed for `count`). */
  readonly field?: FieldPath
}

/** Counts (and min/max/avg/sum) over the input, optionally per value of a field. */
export interface AggregateNode {
  readonly kind: 'aggregate'
  readonly input: PlanNode
  readonly groupBy?: FieldPath
  readonly metrics: readonly AggregateMetric[]
}

/** Orders the input by score or by a field. */
export interface SortNode {
  readonly kind: 'sort'
  readonly input: PlanNode
  /** `score`, `key`, or a field path. */
  readonly by: string
  readonly direction: 'asc' | 'desc'
}

/** Keeps `count` records after skipping `offset`. */
export interface LimitNode {
  readonly kind: 'limit'
  readonly input: PlanNode
  readonly count: number
  readonly offset: number
}

/** Writes an answer from the input's top records: extractive offline, generated with a model. */
export interface AnswerNode {
  readonly kind: 'answer'
  readonly input: PlanNode
  readonly mode: 'auto' | 'extractive' | 'model'
  readonly maxSentences: number
}

/** Any plan node. */
export type PlanNode =
  | GetNode
  | ScanNode
  | FilterNode
  | TopicSearchNode
  | EntityLookupNode
  | TraverseNode
  | VectorSearchNode
  | FuseNode
  | AsOfNode
  | BetweenNode
  | AggregateNode
  | SortNode
  | LimitNode
  | AnswerNode

/** The kind tag of a plan node. */
export type PlanNodeKind = PlanNode['kind']

/** A whole plan: the root node plus what produced it. */
export interface Plan {
  readonly version: 1
  readonly root: PlanNode
  /** The question the plan answers, when a planner made it. */
  readonly question?: string
  /** Which planner made it: `offline`, `model`, `model-repaired`, `offline-fallback`, `manual`, `plugin:<name>`. */
  readonly planner?: string
}

/** Every node kind, in a stable order. */
export const PLAN_NODE_KINDS: readonly PlanNodeKind[] = Object.freeze([
  'get', 'scan', 'filter', 'topicSearch', 'entityLookup', 'traverse', 'vectorSearch', 'fuse', 'asOf', 'between', 'aggregate', 'sort', 'limit', 'answer',
])

/** The child nodes of a node (empty for leaves). */
export function childNodes(node: PlanNode): readonly PlanNode[] {
  switch (node.kind) {
    case 'fuse':
      return node.inputs
    case 'filter':
    case 'traverse':
    case 'asOf':
    case 'between':
    case 'aggregate':
    case 'sort':
    case 'limit':
    case 'answer':
      return [node.input]
    default:
      return []
  }
}

/** Calls `visit` on every node, depth first, with its path (`root.input.inputs[1]`). */
export function walkPlan(node: PlanNode, visit: (node: PlanNode, path: string) => void, path = 'root'): void {
  visit(node, path)
  if (node.kind === 'fuse') node.inputs.forEach((child, index) => walkPlan(child, visit, `${path}.inputs[${index}]`))
  else for (const child of childNodes(node)) walkPlan(child, visit, `${path}.input`)
}
