import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cartridge } from '../../cartridges/spec/index.js'
import type { Database } from '../../core/index.js'
import { buildCatalog } from '../catalog/build-catalog.js'
import type { Catalog } from '../catalog/catalog-types.js'
import { createPlan, planNodes } from '../plan/create-plan.js'
import type { PlanNode } from '../plan/plan-node.js'
import { createFieldIndexCartridge } from '../field-index/index.js'
import { SMALL_RECORDS, openSmallDatabase } from '../test-support/small-database.js'
import { candidate } from './candidate.js'
import { executePlan } from './execute-plan.js'
import { matchesPredicate } from './field-path.js'
import { reciprocalRankFusion } from './reciprocal-rank-fusion.js'

let db: Database
let cartridges: Cartridge[]
let catalog: Catalog

beforeAll(async () => {
  ;({ db, cartridges } = await openSmallDatabase())
  catalog = buildCatalog({ db, cartridges })
})

afterAll(async () => {
  await db.close()
})

function run(root: PlanNode, options: { readonly asOf?: number; readonly candidates?: number; readonly cartridges?: readonly Cartridge[]; readonly timeMs?: number } = {}) {
  return executePlan({
    db,
    plan: createPlan(root),
    catalog,
    cartridges: options.cartridges ?? cartridges,
    budget: { deadline: performance.now() + (options.timeMs ?? 10_000), candidates: options.candidates ?? 100_000 },
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
  })
}

const keys = (outcome: ReturnType<typeof run>): string[] => outcome.candidates.map((item) => item.key)

describe('reciprocalRankFusion', () => {
  it('scores Σ weight / (k + rank) and keeps every citation', () => {
    const list = (...names: string[]) => names.map((key) => candidate({ keyspace: 'default', key, score: 1, source: `from-${names.join('')}` }))
    const fused = reciprocalRankFusion([list('a', 'b'), list('b', 'c')], { k: 60 })
    expect(fused.map((item) => item.key)).toEqual(['b', 'a', 'c'])
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12)
    expect(fused[0]!.citations.map((citation) => citation.source)).toEqual(['from-ab', 'from-bc'])
    const weighted = reciprocalRankFusion([list('a'), list('c')], { weights: [1, 3] })
    expect(weighted.map((item) => item.key)).toEqual(['c', 'a'])
  })
})

describe('predicates', () => {
  const record = { key: 'tasks/9', value: { status: 'Open', tags: ['billing', 'q1'], estimate: 5, owner: { name: 'Ada' }, due: '2026-03-01' } }
  it.each([
    [{ op: 'eq', field: 'status', value: 'open' }, true],
    [{ op: 'eq', field: 'tags', value: 'q1' }, true],
    [{ op: 'in', field: 'status', values: ['done', 'open'] }, true],
    [{ op: 'range', field: 'estimate', gte: 5, lt: 6 }, true],
    [{ op: 'range', field: 'estimate', gt: 5 }, false],
    [{ op: 'range', field: 'due', gte: '2026-02-01', lt: '2026-03-01' }, false],
    [{ op: 'contains', field: 'owner.name', value: 'ad' }, true],
    [{ op: 'exists', field: 'owner.email', exists: false }, true],
    [{ op: 'exists', field: 'tags', exists: true }, true],
    [{ op: 'range', field: '$key', gte: 'tasks/', lt: 'tasks0' }, true],
  ] as const)('%j → %s', (predicate, expected) => {
    expect(matchesPredicate(record, predicate)).toBe(expected)
  })
})

describe('executePlan', () => {
  it('routes full-text search to the topics cartridge, and scans when none is attached', () => {
    const indexed = run(planNodes.topicSearch({ query: 'login' }))
    expect(keys(indexed).sort()).toEqual(['tasks/1', 'tasks/4'])
    expect(indexed.steps[0]).toMatchObject({ kind: 'topicSearch', servedBy: 'topics' })
    expect(indexed.candidates[0]!.citations[0]!.source).toBe('topicSearch:topics')
    const scanned = run(planNodes.topicSearch({ query: 'login' }), { cartridges: [] })
    expect(keys(scanned).sort()).toEqual(['tasks/1', 'tasks/4'])
    expect(scanned.warnings[0]!.code).toBe('QUERY_FALLBACK')
  })

  it('filters inside scans and fusions', () => {
    const where = [{ op: 'eq', field: 'priority', value: 'high' }, { op: 'eq', field: 'status', value: 'open' }] as const
    expect(keys(run(planNodes.filter({ input: planNodes.scan({ prefix: 'tasks/' }), where: [...where] })))).toEqual(['tasks/5'])
    const fused = run(planNodes.filter({ where: [{ op: 'eq', field: 'assignee', value: 'people/ada' }], input: planNodes.fuse({ inputs: [planNodes.topicSearch({ query: 'billing' }), planNodes.scan({ prefix: 'tasks/' })], weights: [1, 0.01] }) }))
    expect(keys(fused)).toEqual(['tasks/5', 'tasks/1', 'tasks/4'])
  })

  it('finds an entity by name and the records that reference it, and follows references', () => {
    const lookup = run(planNodes.entityLookup({ name: 'Grace' }))
    expect(keys(lookup)[0]).toBe('people/grace')
    expect(keys(lookup).slice(1).sort()).toEqual(['tasks/2', 'tasks/3'])
    const owner = run(planNodes.traverse({ input: planNodes.get({ keys: ['tasks/3'] }), direction: 'out', relation: 'assignee', includeInput: false }))
    expect(keys(owner)).toEqual(['people/grace'])
    expect(owner.candidates[0]!.citations[0]!.source).toBe('traverse:assignee')
    const unknown = run(planNodes.entityLookup({ name: 'Linus' }))
    expect(unknown.candidates).toEqual([])
    expect(unknown.warnings[0]!.code).toBe('QUERY_ENTITY_UNRESOLVED')
  })

  it('reads as of an earlier txn, for the whole plan or one subtree', () => {
    const open = planNodes.filter({ input: planNodes.scan({ prefix: 'tasks/' }), where: [{ op: 'eq', field: 'status', value: 'open' }] })
    expect(keys(run(open))).toEqual(['tasks/3', 'tasks/5'])
    expect(keys(run(open, { asOf: 7 }))).toEqual(['tasks/1', 'tasks/3', 'tasks/5'])
    expect(keys(run(open, { asOf: 4 }))).toEqual(['tasks/1'])
    const nested = run(planNodes.asOf({ txnId: 7, input: open }))
    expect(keys(nested)).toEqual(['tasks/1', 'tasks/3', 'tasks/5'])
    expect(nested.candidates[0]!.value).toMatchObject({ status: 'open' })
  })

  it('keeps records changed in a txn window, with the history cartridge or by comparing snapshots', () => {
    const changed = planNodes.between({ by: 'txn', from: 8, to: 8, input: planNodes.scan({ prefix: 'tasks/' }) })
    expect(keys(run(changed))).toEqual(['tasks/1'])
    expect(keys(run(changed, { cartridges: cartridges.filter((cartridge) => cartridge.name !== 'history') }))).toEqual(['tasks/1'])
    const early = planNodes.between({ by: 'txn', from: 3, to: 4, input: planNodes.scan({ prefix: 'tasks/' }) })
    expect(keys(run(early)).sort()).toEqual(['tasks/1', 'tasks/2'])
  })

  it('aggregates counts, min/max/avg/sum, per group, citing the records', () => {
    const rows = run(planNodes.aggregate({ input: planNodes.scan({ prefix: 'tasks/' }), groupBy: 'priority', metrics: [{ op: 'count' }, { op: 'min', field: 'estimate' }, { op: 'max', field: 'createdOn' }, { op: 'avg', field: 'estimate' }, { op: 'sum', field: 'estimate' }] }))
    expect(rows.candidates.map((row) => row.value)).toEqual([
      { priority: 'high', count: 3, min_estimate: 2, max_createdOn: '2026-03-10', avg_estimate: 10 / 3, sum_estimate: 10, records: 3 },
      { priority: 'low', count: 2, min_estimate: 1, max_createdOn: '2026-03-01', avg_estimate: 4.5, sum_estimate: 9, records: 2 },
    ])
    expect(rows.candidates[1]!.citations.map((citation) => citation.key)).toEqual(['tasks/2', 'tasks/3'])
  })

  it('sorts by a field and limits', () => {
    const sorted = run(planNodes.limit({ count: 2, offset: 1, input: planNodes.sort({ input: planNodes.scan({ prefix: 'tasks/' }), by: 'createdOn', direction: 'desc' }) }))
    expect(keys(sorted)).toEqual(['tasks/4', 'tasks/3'])
  })

  it('does not use a cartridge at a txn from before it was built', () => {
    const early = run(planNodes.asOf({ txnId: 4, input: planNodes.topicSearch({ query: 'login' }) }))
    expect(keys(early)).toEqual(['tasks/1'])
    expect(early.warnings.map((warning) => warning.code)).toEqual(['QUERY_CARTRIDGE_BEHIND', 'QUERY_FALLBACK'])
  })

  it('serves a selective filter from the field index with the same records as a scan', async () => {
    const withIndex = await openSmallDatabase({ cartridges: [createFieldIndexCartridge()] })
    try {
      const plan = createPlan(planNodes.filter({ input: planNodes.scan({ prefix: 'tasks/' }), where: [{ op: 'eq', field: 'assignee', value: 'people/grace' }, { op: 'eq', field: 'status', value: 'OPEN' }] }))
      const indexCatalog = buildCatalog({ db: withIndex.db, cartridges: withIndex.cartridges })
      const execute = (cartridgeList: readonly Cartridge[]) => executePlan({ db: withIndex.db, plan, catalog: indexCatalog, cartridges: cartridgeList, budget: { deadline: performance.now() + 10_000, candidates: 1_000 } })
      const indexed = execute(withIndex.cartridges)
      const scanned = execute([])
      expect(indexed.candidates.map((item) => item.key)).toEqual(['tasks/3'])
      expect(scanned.candidates.map((item) => item.key)).toEqual(['tasks/3'])
      expect(indexed.steps.find((step) => step.kind === 'scan')?.servedBy).toBe('fields index')
      expect(indexed.candidatesRead).toBeLessThan(scanned.candidatesRead)
      const lookup = executePlan({ db: withIndex.db, plan: createPlan(planNodes.entityLookup({ name: 'Grace' })), catalog: indexCatalog, cartridges: withIndex.cartridges, budget: { deadline: performance.now() + 10_000, candidates: 1_000 } })
      expect(lookup.candidates.map((item) => item.key)).toEqual(['people/grace', 'tasks/2', 'tasks/3'])
      expect(lookup.candidatesRead).toBeLessThan(SMALL_RECORDS.length)
    } finally {
      await withIndex.db.close()
    }
  })

  it('stops at the candidates budget and flags the result partial', () => {
    const capped = run(planNodes.scan({ prefix: 'tasks/' }), { candidates: 2 })
    expect(capped.partial).toBe(true)
    expect(capped.candidates).toHaveLength(2)
    expect(capped.warnings[0]!.code).toBe('QUERY_BUDGET_CANDIDATES')
  })

  it('stops traversals at the time budget', () => {
    const late = run(planNodes.traverse({ input: planNodes.scan({ prefix: 'tasks/' }) }), { timeMs: -1 })
    expect(late.partial).toBe(true)
    expect(late.warnings.map((warning) => warning.code)).toContain('QUERY_BUDGET_TIME')
  })

  it('records a timing for every step, by path', () => {
    const outcome = run(planNodes.limit({ count: 1, input: planNodes.fuse({ inputs: [planNodes.topicSearch({ query: 'billing' }), planNodes.get({ keys: ['tasks/2'] })] }) }))
    expect(outcome.steps.map((step) => step.path).sort()).toEqual(['root', 'root.input', 'root.input.inputs[0]', 'root.input.inputs[1]'])
    expect(outcome.steps.every((step) => step.milliseconds >= 0)).toBe(true)
  })
})
