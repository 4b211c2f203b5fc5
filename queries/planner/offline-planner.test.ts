import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHistoryCartridge } from '../../cartridges/temporal/index.js'
import { createTasksCartridge } from '../../cartridges/tasks/index.js'
import { createTopicsCartridge } from '../../cartridges/topics/index.js'
import type { Database } from '../../core/index.js'
import { buildCatalog } from '../catalog/build-catalog.js'
import type { Catalog } from '../catalog/catalog-types.js'
import { nameTable, resolveName } from '../execute/name-table.js'
import type { Plan, PlanNode } from '../plan/plan-node.js'
import { walkPlan } from '../plan/plan-node.js'
import { validatePlan } from '../plan/validate-plan.js'
import { openSampleDatabase } from '../test-support/sample-database.js'
import type { NameLookup } from './analyze-question.js'
import { planOffline } from './offline-planner.js'

let db: Database
let catalog: Catalog
let lookup: NameLookup
const now = Date.parse('2026-03-21T10:00:00Z')

beforeAll(async () => {
  const opened = await openSampleDatabase({ cartridges: [createTopicsCartridge(), createHistoryCartridge(), createTasksCartridge()] })
  db = opened.db
  catalog = buildCatalog({ db, cartridges: opened.cartridges })
  const table = db.read((snapshot) => nameTable({ snapshot, catalog, cacheOwner: db }))
  lookup = (phrase) => resolveName(table, phrase).map(({ record, score }) => ({ keyspace: record.keyspace, key: record.key, score }))
})

afterAll(async () => {
  await db.close()
})

function plan(question: string): Plan {
  const made = planOffline({ question, catalog, now, lookup })
  expect(validatePlan(made, catalog).valid).toBe(true)
  return made
}

function nodes(made: Plan): PlanNode[] {
  const found: PlanNode[] = []
  walkPlan(made.root, (node) => found.push(node))
  return found
}

function only<Kind extends PlanNode['kind']>(made: Plan, kind: Kind): Extract<PlanNode, { kind: Kind }> {
  const matching = nodes(made).filter((node) => node.kind === kind)
  expect(matching).toHaveLength(1)
  return matching[0] as Extract<PlanNode, { kind: Kind }>
}

describe('planOffline', () => {
  it('looks up a named person and ranks their own record first', () => {
    const made = plan('Who is Dana Okafor?')
    expect(only(made, 'get').keys).toEqual(['people/dana-okafor'])
    expect(only(made, 'entityLookup')).toMatchObject({ name: 'Dana Okafor', entityPrefix: 'people/' })
    expect(made.planner).toBe('offline')
  })

  it('answers "about X" with hybrid retrieval fused by RRF', () => {
    const made = plan('What is blocking the billing migration?')
    const fuse = only(made, 'fuse')
    expect(fuse.k).toBe(60)
    expect(fuse.inputs.map((input) => input.kind).sort()).toEqual(['entityLookup', 'topicSearch'])
    expect(only(made, 'topicSearch').query).toBe('blocking billing migration')
    expect(only(plan('Anything about the Chargebee card export?'), 'topicSearch').query).toBe('Chargebee card export')
  })

  it('turns field values into filters over the kind of record asked for', () => {
    const made = plan('open high priority tasks for Omar')
    expect(only(made, 'scan').prefix).toBe('tasks/')
    expect(only(made, 'filter').where).toEqual(expect.arrayContaining([
      { op: 'eq', field: 'status', value: 'open' },
      { op: 'eq', field: 'priority', value: 'high' },
      { op: 'eq', field: 'assignee', value: 'people/omar-haddad' },
    ]))
  })

  it('picks the reference field a verb names', () => {
    expect(only(plan('Decisions owned by Omar'), 'filter').where).toContainEqual({ op: 'eq', field: 'owner', value: 'people/omar-haddad' })
    expect(only(plan('Notes written by Grace Mensah about Lumen Pharmacy'), 'filter').where).toContainEqual({ op: 'eq', field: 'author', value: 'people/grace-mensah' })
  })

  it('counts, with a group-by', () => {
    const count = only(plan('How many enterprise customers do we have?'), 'aggregate')
    expect(count.metrics).toEqual([{ op: 'count' }])
    expect(only(plan('How many tasks per status?'), 'aggregate').groupBy).toBe('status')
  })

  it('filters record dates for relative and absolute times', () => {
    expect(only(plan('decisions made last week'), 'filter').where).toContainEqual({ op: 'range', field: 'date', gte: '2026-03-09', lt: '2026-03-16' })
    expect(only(plan('tasks due in April'), 'filter').where).toContainEqual({ op: 'range', field: 'dueOn', gte: '2026-04-01', lt: '2026-05-01' })
    expect(only(plan('customer calls in March'), 'filter').where).toContainEqual({ op: 'eq', field: 'kind', value: 'customer-call' })
  })

  it('reads as of a txn and finds what changed since one', () => {
    expect(only(plan('blocked tasks as of txn 15'), 'asOf').txnId).toBe(15)
    expect(only(plan('which tasks changed since txn 15?'), 'between')).toMatchObject({ by: 'txn', from: 16, to: catalog.timeRange.lastTxnId })
  })

  it('searches by meaning for "similar to"', () => {
    const made = plan('notes similar to the dashboard outage postmortem')
    expect(only(made, 'vectorSearch')).toMatchObject({ text: 'the dashboard outage postmortem', prefix: 'notes/' })
  })

  it('follows the reference a "who" question asks about', () => {
    expect(only(plan('Who owns the churn prediction project?'), 'traverse')).toMatchObject({ direction: 'out', relation: 'owner' })
  })

  it('adds an answer node and honours the limit', () => {
    const made = planOffline({ question: 'SAML single sign-on', catalog, now, lookup, limit: 4, answer: 'extractive' })
    expect(made.root).toMatchObject({ kind: 'answer', mode: 'extractive', input: { kind: 'limit', count: 4 } })
  })
})
