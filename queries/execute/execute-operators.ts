import type { AggregateNode, BetweenNode, FilterNode, SortNode, TraverseNode } from '../plan/plan-node.js'
import { type Candidate, byScore, candidate, candidateId, mergeCitations } from './candidate.js'
import type { ExecutionContext } from './execution-context.js'
import { matchesPredicate, readField } from './field-path.js'
import { incomingReferences, outgoingReferences } from './reference-index.js'
import { hitsFromOutput } from './cartridge-adapters.js'

/** Fills in `value` of each candidate from the context's snapshot (null when absent). */
export function loadValues(context: ExecutionContext, candidates: readonly Candidate[]): void {
  for (const item of candidates) {
    if (item.value !== undefined) continue
    item.value = context.snapshot.keyspace(item.keyspace).get(item.key) ?? null
  }
}

/** Keeps the candidates whose value matches every predicate. */
export function executeFilter(context: ExecutionContext, node: FilterNode, input: Candidate[]): Candidate[] {
  loadValues(context, input)
  return input.filter((item) => item.value !== null && node.where.every((predicate) => matchesPredicate(item, predicate)))
}

/** Follows relationships through a relationships cartridge, else key references, `depth` hops. */
export function executeTraverse(context: ExecutionContext, node: TraverseNode, input: Candidate[], cacheOwner: object): { candidates: Candidate[]; servedBy: string } {
  const found = new Map<string, Candidate>()
  if (node.includeInput) for (const item of input) found.set(candidateId(item), item)
  const graph = context.cartridge('relationships', node.cartridge)
  // A graph cartridge serves traverse only when its neighbour query takes a record key (an entity graph is reached through entityLookup instead).
  const neighboursQuery = graph === undefined ? undefined : graph.queries.find((query) => ['neighbors', 'neighbours', 'edges'].includes(query.name) && query.input.safeParse({ key: 'probe' }).success)?.name
  let frontier = input
  for (let hop = 1; hop <= node.depth && frontier.length > 0; hop++) {
    const next: Candidate[] = []
    for (const item of frontier) {
      if (context.outOfTime()) break
      const neighbours: { key: string; via: string }[] = []
      if (graph !== undefined && neighboursQuery !== undefined) {
        const output = context.query(graph, neighboursQuery, { key: item.key, direction: node.direction, ...(node.relation === undefined ? {} : { type: node.relation }) })
        for (const hit of hitsFromOutput(output)) neighbours.push({ key: hit.key, via: graph.name })
      } else {
        if (node.direction !== 'in') for (const reference of outgoingReferences(context, item.keyspace, item.key, item.value)) if (node.relation === undefined || reference.field === node.relation) neighbours.push({ key: reference.to, via: reference.field })
        if (node.direction !== 'out') for (const reference of incomingReferences(context, item.keyspace, item.key, cacheOwner, node.limit)) if (node.relation === undefined || reference.field === node.relation) neighbours.push({ key: reference.from, via: reference.field })
      }
      for (const neighbour of neighbours) {
        const reached = candidate({ keyspace: item.keyspace, key: neighbour.key, score: item.score / (hop + 1), source: `traverse:${neighbour.via}` })
        const id = candidateId(reached)
        const existing = found.get(id)
        if (existing === undefined) {
          found.set(id, reached)
          next.push(reached)
        } else {
          existing.score += reached.score / 2
          mergeCitations(existing, reached.citations)
        }
      }
    }
    frontier = next
  }
  return { candidates: [...found.values()].sort(byScore).slice(0, node.limit), servedBy: graph === undefined || neighboursQuery === undefined ? 'references' : graph.name }
}

/** Txn id of the first commit at or after `time` (ms), by binary search over commit times. */
export function txnAtTime(readAt: ExecutionContext['readAt'], head: number, time: number): number {
  let low = 0
  let high = head
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    const timestamp = readAt(middle, (snapshot) => snapshot.timestamp ?? 0)
    if (timestamp <= time) low = middle
    else high = middle - 1
  }
  return low
}

function boundTxn(context: ExecutionContext, value: number | string): number {
  if (typeof value === 'number') return value
  return context.timeToTxn.get(value) ?? txnAtTime(context.readAt, context.snapshot.txnId, Date.parse(value))
}

/**
 * Keeps the candidates with a version committed within [from, to]: through a history
 * cartridge when attached, else by comparing each record before and after the window.
 */
export function executeBetween(context: ExecutionContext, node: BetweenNode, input: Candidate[]): { candidates: Candidate[]; servedBy: string } {
  const history = context.cartridge('history')
  if (history !== undefined && context.queryName(history, ['between']) !== undefined) {
    const from = node.by === 'time' && typeof node.from === 'string' ? Date.parse(node.from) : node.from
    const to = node.by === 'time' && typeof node.to === 'string' ? Date.parse(node.to) : node.to
    const kept = input.filter((item) => {
      const versions = context.query(history, 'between', { key: item.key, from, to, by: node.by, limit: 1 }) as { txnId: number }[]
      const version = versions[0]
      if (version !== undefined) item.citations.push({ key: item.key, keyspace: item.keyspace, txnId: version.txnId, source: `between:${history.name}` })
      return version !== undefined
    })
    return { candidates: kept, servedBy: history.name }
  }
  const fromTxn = Math.max(0, boundTxn(context, node.from) - 1)
  const toTxn = Math.min(context.snapshot.txnId, boundTxn(context, node.to))
  const before = context.readAt(fromTxn, (snapshot) => input.map((item) => JSON.stringify(snapshot.keyspace(item.keyspace).get(item.key) ?? null)))
  const after = context.readAt(toTxn, (snapshot) => input.map((item) => JSON.stringify(snapshot.keyspace(item.keyspace).get(item.key) ?? null)))
  return { candidates: input.filter((_, index) => before[index] !== after[index]), servedBy: 'snapshots' }
}

function metricName(metric: AggregateNode['metrics'][number]): string {
  return metric.field === undefined ? metric.op : `${metric.op}_${metric.field.replaceAll('.', '_')}`
}

/** Groups (by a field, or one group) with count/min/max/avg/sum; each row cites its records. */
export function executeAggregate(context: ExecutionContext, node: AggregateNode, input: Candidate[]): Candidate[] {
  // A plain count needs no values (an index-served filter leaves them unread).
  const needsValues = node.groupBy !== undefined || node.metrics.some((metric) => metric.field !== undefined)
  if (needsValues) loadValues(context, input)
  const groups = new Map<string, { label: unknown; members: Candidate[] }>()
  for (const item of input) {
    if (item.value === null) continue
    const raw = node.groupBy === undefined ? '(all)' : readField(item.value, node.groupBy)
    for (const label of Array.isArray(raw) ? raw : [raw ?? null]) {
      const id = JSON.stringify(label)
      let group = groups.get(id)
      if (group === undefined) groups.set(id, (group = { label, members: [] }))
      group.members.push(item)
    }
  }
  const rows: Candidate[] = []
  for (const group of groups.values()) {
    const value: Record<string, unknown> = node.groupBy === undefined ? {} : { [node.groupBy]: group.label }
    for (const metric of node.metrics) {
      const numbers = metric.field === undefined ? [] : group.members.map((member) => readField(member.value, metric.field!)).filter((item): item is number | string => typeof item === 'number' || typeof item === 'string')
      const numeric = numbers.filter((item): item is number => typeof item === 'number')
      switch (metric.op) {
        case 'count':
          value[metricName(metric)] = metric.field === undefined ? group.members.length : numbers.length
          break
        case 'min':
          value[metricName(metric)] = numbers.length === 0 ? null : numbers.reduce((left, right) => (right < left ? right : left))
          break
        case 'max':
          value[metricName(metric)] = numbers.length === 0 ? null : numbers.reduce((left, right) => (right > left ? right : left))
          break
        case 'sum':
          value[metricName(metric)] = numeric.reduce((sum, item) => sum + item, 0)
          break
        case 'avg':
          value[metricName(metric)] = numeric.length === 0 ? null : numeric.reduce((sum, item) => sum + item, 0) / numeric.length
          break
      }
    }
    value.records = group.members.length
    const key = node.groupBy === undefined ? 'aggregate' : `aggregate/${node.groupBy}=${String(group.label)}`
    rows.push({
      keyspace: '(aggregate)',
      key,
      score: group.members.length,
      value,
      citations: group.members.slice(0, 20).map((member) => ({ key: member.key, keyspace: member.keyspace, txnId: null, source: 'aggregate' })),
    })
  }
  return rows.sort(byScore)
}

/** Orders by score, key or a field (missing values last). */
export function executeSort(context: ExecutionContext, node: SortNode, input: Candidate[]): Candidate[] {
  const sign = node.direction === 'asc' ? 1 : -1
  if (node.by === 'score') return [...input].sort((left, right) => sign * (left.score - right.score) || left.key.localeCompare(right.key))
  if (node.by === 'key') return [...input].sort((left, right) => sign * left.key.localeCompare(right.key))
  loadValues(context, input)
  return [...input].sort((left, right) => {
    const a = readField(left.value, node.by)
    const b = readField(right.value, node.by)
    if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1
    if (b === undefined || b === null) return -1
    return sign * (a < b ? -1 : a > b ? 1 : 0)
  })
}
