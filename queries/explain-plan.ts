import type { PlanCost, StepTiming } from './ask-types.js'
import type { Plan, PlanNode, Predicate } from './plan/plan-node.js'
import { childNodes } from './plan/plan-node.js'

function predicateText(predicate: Predicate): string {
  switch (predicate.op) {
    case 'eq':
      return `${predicate.field} = ${JSON.stringify(predicate.value)}`
    case 'in':
      return `${predicate.field} in ${JSON.stringify(predicate.values)}`
    case 'contains':
      return `${predicate.field} contains ${JSON.stringify(predicate.value)}`
    case 'exists':
      return `${predicate.field} ${predicate.exists ? 'exists' : 'is missing'}`
    case 'range': {
      const parts = [predicate.gte === undefined ? '' : `>= ${predicate.gte}`, predicate.gt === undefined ? '' : `> ${predicate.gt}`, predicate.lte === undefined ? '' : `<= ${predicate.lte}`, predicate.lt === undefined ? '' : `< ${predicate.lt}`].filter((part) => part !== '')
      return `${predicate.field} ${parts.join(' and ')}`
    }
  }
}

/** One line describing a node (without its children). */
export function describeNode(node: PlanNode): string {
  switch (node.kind) {
    case 'get':
      return `get ${node.keys.join(', ')}${node.keyspace === 'default' ? '' : ` in ${node.keyspace}`}`
    case 'scan':
      return `scan ${node.prefix ?? '(all)'}${node.keyspace === 'default' ? '' : ` in ${node.keyspace}`}${node.limit === undefined ? '' : ` limit ${node.limit}`}`
    case 'filter':
      return `filter ${node.where.map(predicateText).join(' and ')}`
    case 'topicSearch':
      return `topicSearch "${node.query}"${node.prefix === undefined ? '' : ` under ${node.prefix}`} top ${node.limit}`
    case 'entityLookup':
      return `entityLookup "${node.name}"${node.entityPrefix === undefined ? '' : ` (${node.entityPrefix})`} top ${node.limit}`
    case 'traverse':
      return `traverse ${node.direction}${node.relation === undefined ? '' : ` via ${node.relation}`} depth ${node.depth}`
    case 'vectorSearch':
      return `vectorSearch "${node.text}"${node.prefix === undefined ? '' : ` under ${node.prefix}`} top ${node.limit}`
    case 'fuse':
      return `fuse (RRF k=${node.k}${node.weights === undefined ? '' : `, weights ${node.weights.join('/')}`})`
    case 'asOf':
      return `asOf ${node.txnId === undefined ? node.time : `txn ${node.txnId}`}`
    case 'between':
      return `between ${node.by} ${node.from} .. ${node.to}`
    case 'aggregate':
      return `aggregate ${node.metrics.map((metric) => (metric.field === undefined ? metric.op : `${metric.op}(${metric.field})`)).join(', ')}${node.groupBy === undefined ? '' : ` by ${node.groupBy}`}`
    case 'sort':
      return `sort by ${node.by} ${node.direction}`
    case 'limit':
      return `limit ${node.count}${node.offset === 0 ? '' : ` offset ${node.offset}`}`
    case 'answer':
      return `answer (${node.mode}, ${node.maxSentences} sentences)`
  }
}

/**
 * The plan as an indented tree, each step with its time and output count when it ran,
 * followed by the cost estimate.
 *
 * @example
 * explainPlan({ plan, cost, steps }) // "limit 10  [0.01 ms, 3 out]\n  filter status = \"open\" ..."
 */
export function explainPlan(args: { readonly plan: Plan; readonly cost?: PlanCost; readonly steps?: readonly StepTiming[] }): string {
  const lines: string[] = []
  const steps = new Map((args.steps ?? []).map((step) => [step.path, step]))
  const visit = (node: PlanNode, path: string, depth: number): void => {
    const step = steps.get(path)
    const timing = step === undefined ? '' : `  [${step.milliseconds.toFixed(2)} ms, ${step.outputs} out, ${step.servedBy}]`
    lines.push(`${'  '.repeat(depth)}${describeNode(node)}${timing}`)
    if (node.kind === 'fuse') node.inputs.forEach((child, index) => visit(child, `${path}.inputs[${index}]`, depth + 1))
    else for (const child of childNodes(node)) visit(child, `${path}.input`, depth + 1)
  }
  visit(args.plan.root, 'root', 0)
  if (args.cost !== undefined) {
    lines.push(`cost estimate: ${args.cost.candidates} records read, ${args.cost.cartridgeCalls} cartridge calls, ${args.cost.modelCalls} model calls, ~${args.cost.milliseconds} ms`)
  }
  if (args.plan.planner !== undefined) lines.push(`planner: ${args.plan.planner}`)
  return lines.join('\n')
}
