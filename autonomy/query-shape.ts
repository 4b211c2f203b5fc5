import { childNodes, type Plan, type PlanNode } from '../queries/plan/plan-node.js'

/** What a plan touches: its node kinds, the keyspace prefixes it scans and the fields it filters. */
export interface QueryShape {
  /** A stable text naming the shape: node kinds with prefixes and filtered fields, no values. */
  readonly id: string
  readonly kinds: readonly string[]
  /** `keyspace:prefix` of every scan (prefix may be empty). */
  readonly scans: readonly string[]
  /** Fields filtered on top of a whole-prefix scan: `keyspace:prefix` → field names. */
  readonly filteredFields: readonly { readonly keyspace: string; readonly prefix: string; readonly field: string }[]
  /** Prefixes searched by text (`topicSearch`/`vectorSearch`), `*` when unrestricted. */
  readonly textSearches: readonly string[]
}

function describe(node: PlanNode): string {
  switch (node.kind) {
    case 'scan':
      return `scan(${node.keyspace}:${node.prefix ?? ''}${node.range === undefined ? '' : ':range'})`
    case 'get':
      return `get(${node.keyspace})`
    case 'filter':
      return `filter[${node.where.map((predicate) => `${predicate.field} ${predicate.op}`).join(',')}](${describe(node.input)})`
    case 'topicSearch':
    case 'vectorSearch':
      return `${node.kind}(${node.prefix ?? '*'})`
    default: {
      const children = childNodes(node)
      return children.length === 0 ? node.kind : `${node.kind}(${children.map(describe).join(',')})`
    }
  }
}

/**
 * The shape of a plan: values are left out so "status = open" and "status = done" count
 * as the same query shape.
 *
 * @example
 * shapeOfPlan(plan).id // 'limit(filter[status eq](scan(default:tasks/)))'
 */
export function shapeOfPlan(plan: Plan): QueryShape {
  const kinds = new Set<string>()
  const scans = new Set<string>()
  const filtered = new Map<string, { keyspace: string; prefix: string; field: string }>()
  const textSearches = new Set<string>()
  const visit = (node: PlanNode): void => {
    kinds.add(node.kind)
    if (node.kind === 'scan') scans.add(`${node.keyspace}:${node.prefix ?? ''}`)
    if (node.kind === 'topicSearch' || node.kind === 'vectorSearch') textSearches.add(node.prefix ?? '*')
    if (node.kind === 'filter' && node.input.kind === 'scan' && node.input.range === undefined) {
      for (const predicate of node.where) {
        if (predicate.field.includes('.') || predicate.field === '$key') continue
        const entry = { keyspace: node.input.keyspace, prefix: node.input.prefix ?? '', field: predicate.field }
        filtered.set(`${entry.keyspace}:${entry.prefix}:${entry.field}`, entry)
      }
    }
    for (const child of childNodes(node)) visit(child)
  }
  visit(plan.root)
  return { id: describe(plan.root), kinds: [...kinds].sort(), scans: [...scans].sort(), filteredFields: [...filtered.values()], textSearches: [...textSearches].sort() }
}
