import { LivingDbError } from '../../errors/index.js'
import type { CartridgeRole, Catalog, CatalogField, CatalogPrefix } from '../catalog/catalog-types.js'
import type { PlanNode, Plan, Predicate } from './plan-node.js'
import { walkPlan } from './plan-node.js'

/** One problem of a plan: where, what, and how to fix it. */
export interface PlanIssue {
  /** Path of the node, e.g. `root.input.inputs[1]`. */
  readonly path: string
  readonly kind: PlanNode['kind']
  readonly message: string
  readonly fix: string
  /** `error` makes the plan invalid; `warning` runs it with a fallback. */
  readonly severity: 'error' | 'warning'
}

/** What {@link validatePlan} found. */
export interface PlanValidation {
  readonly valid: boolean
  readonly issues: readonly PlanIssue[]
}

const TEXT_ROLES: Partial<Record<PlanNode['kind'], CartridgeRole>> = { topicSearch: 'topics', vectorSearch: 'vectors', entityLookup: 'entities', traverse: 'relationships' }

function list(items: readonly string[], limit = 12): string {
  return items.length === 0 ? '(none)' : items.slice(0, limit).join(', ') + (items.length > limit ? `, … (${items.length - limit} more)` : '')
}

/** The prefixes a node's records can come from (undefined: any). */
function prefixesOf(node: PlanNode): readonly string[] | undefined {
  switch (node.kind) {
    case 'scan':
      return node.prefix === undefined || node.prefix === '' ? undefined : [node.prefix]
    case 'topicSearch':
    case 'vectorSearch':
      return node.prefix === undefined ? undefined : [node.prefix]
    case 'get':
      return [...new Set(node.keys.map((key) => key.slice(0, key.indexOf('/') + 1)))]
    case 'filter':
    case 'between':
    case 'sort':
    case 'limit':
    case 'asOf':
    case 'answer':
      return prefixesOf(node.input)
    case 'fuse': {
      const all = node.inputs.map(prefixesOf)
      return all.some((item) => item === undefined) ? undefined : [...new Set(all.flat() as string[])]
    }
    default:
      return undefined
  }
}

function prefixEntries(catalog: Catalog, keyspace: string, prefixes: readonly string[] | undefined): CatalogPrefix[] {
  const space = catalog.keyspaces.find((item) => item.name === keyspace)
  const all = space?.prefixes ?? []
  if (prefixes === undefined) return [...all]
  return all.filter((entry) => prefixes.some((prefix) => prefix.startsWith(entry.prefix) || entry.prefix.startsWith(prefix)))
}

function findField(entries: readonly CatalogPrefix[], path: string): CatalogField[] {
  return entries.flatMap((entry) => entry.fields.filter((field) => field.path === path || field.path.startsWith(`${path}.`)))
}

/**
 * Checks a plan against the catalog: keyspaces, prefixes, fields (and categorical
 * values), cartridges and their roles, txn ids and times. Each issue names the node's
 * path and the fix; warnings mark steps that will run with a fallback.
 */
export function validatePlan(plan: Plan, catalog: Catalog, options: { readonly lenient?: boolean } = {}): PlanValidation {
  const issues: PlanIssue[] = []
  const keyspaceNames = catalog.keyspaces.map((space) => space.name)
  const issue = (path: string, node: PlanNode, message: string, fix: string, severity: 'error' | 'warning' = 'error'): void => {
    issues.push({ path, kind: node.kind, message, fix, severity })
  }
  /** What the records hold (keyspaces, prefixes, fields, values) may have changed since an older catalog: only a warning then. */
  const contentIssue = (path: string, node: PlanNode, message: string, fix: string): void => issue(path, node, message, fix, options.lenient === true ? 'warning' : 'error')
  const checkFields = (path: string, node: PlanNode, input: PlanNode, fields: readonly string[], predicates: readonly Predicate[] = []): void => {
    const entries = prefixEntries(catalog, 'default', prefixesOf(input))
    if (entries.length === 0) return
    for (const field of fields) {
      if (field === '$key' || findField(entries, field).length > 0) continue
      const known = [...new Set(entries.flatMap((entry) => entry.fields.map((item) => item.path)))].sort()
      contentIssue(path, node, `No sampled record under ${list(entries.map((entry) => entry.prefix || '(no prefix)'), 4)} has a field "${field}".`, `Use one of: ${list(known, 20)}.`)
    }
    for (const predicate of predicates) {
      if (predicate.op !== 'eq' && predicate.op !== 'in') continue
      const wanted = predicate.op === 'eq' ? [predicate.value] : predicate.values
      const matching = findField(entries, predicate.field).filter((field) => field.path === predicate.field)
      const complete = entries.every((entry) => entry.sampled >= entry.count)
      const categorical = matching.filter((field) => field.values !== undefined)
      if (!complete || categorical.length === 0 || categorical.length < matching.length) continue
      const values = [...new Set(categorical.flatMap((field) => field.values!))]
      const lower = new Set(values.map((value) => String(value).toLowerCase()))
      for (const value of wanted) {
        if (!lower.has(String(value).toLowerCase())) contentIssue(path, node, `No record has ${predicate.field} = ${JSON.stringify(value)}.`, `Use one of the values that exist: ${list(values.map((item) => JSON.stringify(item)), 16)}.`)
      }
    }
  }
  walkPlan(plan.root, (node, path) => {
    if (node.kind === 'answer' && path !== 'root') issue(path, node, 'An answer node must be the root of the plan.', 'Move the answer node to the top, with the rest of the plan as its input.')
    if ((node.kind === 'get' || node.kind === 'scan') && !keyspaceNames.includes(node.keyspace) && keyspaceNames.length > 0) {
      contentIssue(path, node, `Keyspace "${node.keyspace}" holds no records.`, `Use one of: ${list(keyspaceNames)}.`)
    }
    if (node.kind === 'scan' && node.prefix !== undefined && node.prefix !== '') {
      const entries = prefixEntries(catalog, node.keyspace, [node.prefix])
      const space = catalog.keyspaces.find((item) => item.name === node.keyspace)
      if (space !== undefined && entries.length === 0) contentIssue(path, node, `No records start with "${node.prefix}".`, `Scan one of the prefixes that exist: ${list(space.prefixes.map((entry) => entry.prefix))}.`)
    }
    const role = TEXT_ROLES[node.kind]
    if (role !== undefined) {
      const named = 'cartridge' in node ? node.cartridge : undefined
      if (named !== undefined) {
        const cartridge = catalog.cartridges.find((item) => item.name === named)
        if (cartridge === undefined) issue(path, node, `Cartridge "${named}" is not attached.`, `Name an attached cartridge (${list(catalog.cartridges.map((item) => item.name))}) or leave "cartridge" out to use the default.`)
        else if (cartridge.role !== role) issue(path, node, `Cartridge "${named}" is a ${cartridge.role} cartridge, not a ${role} one.`, `Leave "cartridge" out, or name a ${role} cartridge.`)
      } else if (role === 'topics' && !catalog.cartridges.some((item) => item.role === role)) {
        issue(path, node, 'No topics cartridge is attached: full-text search will scan the records.', 'Attach createTopicsCartridge() for indexed BM25 search.', 'warning')
      }
    }
    if (node.kind === 'filter') checkFields(path, node, node.input, node.where.map((predicate) => predicate.field), node.where)
    if (node.kind === 'aggregate') {
      checkFields(path, node, node.input, [...(node.groupBy === undefined ? [] : [node.groupBy]), ...node.metrics.flatMap((metric) => (metric.field === undefined ? [] : [metric.field]))])
      for (const metric of node.metrics) if (metric.op !== 'count' && metric.field === undefined) issue(path, node, `Metric ${metric.op} needs a field.`, `Add "field" to the ${metric.op} metric, e.g. { "op": "${metric.op}", "field": "annualContractValue" }.`)
    }
    if (node.kind === 'sort' && node.by !== 'score' && node.by !== 'key') checkFields(path, node, node.input, [node.by])
    if (node.kind === 'asOf') {
      if (node.txnId !== undefined && node.txnId > catalog.timeRange.lastTxnId) issue(path, node, `Txn ${node.txnId} does not exist yet (the latest is ${catalog.timeRange.lastTxnId}).`, `Use a txn id from ${catalog.timeRange.firstTxnId} to ${catalog.timeRange.lastTxnId}.`)
      if (node.time !== undefined && Number.isNaN(Date.parse(node.time))) issue(path, node, `"${node.time}" is not a time.`, 'Use an ISO date or date-time, e.g. 2026-03-01 or 2026-03-01T09:00:00Z.')
    }
    if (node.kind === 'between') {
      const numeric = typeof node.from === 'number' && typeof node.to === 'number'
      if (node.by === 'txn' && !numeric) issue(path, node, 'A between by txn needs txn ids (numbers) for from and to.', 'Give numbers, or set by: "time" with ISO times.')
      if (node.by === 'time' && [node.from, node.to].some((value) => typeof value !== 'string' || Number.isNaN(Date.parse(value)))) issue(path, node, 'A between by time needs ISO times for from and to.', 'Give ISO dates such as 2026-02-01, or set by: "txn" with txn ids.')
      if (node.by === 'txn' && numeric && (node.from as number) > (node.to as number)) issue(path, node, `from (${node.from}) is after to (${node.to}).`, 'Swap from and to.')
    }
    if (node.kind === 'traverse' && node.relation !== undefined && !catalog.cartridges.some((item) => item.role === 'relationships')) {
      const keyFields = catalog.keyspaces.flatMap((space) => space.prefixes.flatMap((entry) => entry.fields.filter((field) => field.types.includes('key')).map((field) => field.path)))
      if (!keyFields.includes(node.relation)) issue(path, node, `Without a relationships cartridge, traverse follows key references, and no field "${node.relation}" holds keys.`, `Use one of the reference fields: ${list([...new Set(keyFields)].sort())}, or leave "relation" out.`)
    }
  })
  return { valid: !issues.some((item) => item.severity === 'error'), issues }
}

/** Formats issues one per line: `root.input (filter): message Fix: ...`. */
export function formatPlanIssues(issues: readonly PlanIssue[]): string {
  return issues.map((item) => `${item.path} (${item.kind}): ${item.message} Fix: ${item.fix}`).join('\n')
}

/** Throws `QUERY_PLAN_INVALID` listing every error of the plan; returns the warnings. */
export function assertValidPlan(plan: Plan, catalog: Catalog, options: { readonly lenient?: boolean } = {}): readonly PlanIssue[] {
  const validation = validatePlan(plan, catalog, options)
  if (!validation.valid) {
    const errors = validation.issues.filter((item) => item.severity === 'error')
    throw new LivingDbError('QUERY_PLAN_INVALID', `The plan does not fit this database:\n${formatPlanIssues(errors)}`, { details: { issues: errors } })
  }
  return validation.issues
}
