import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { catchLivingDbError } from '../../llm/test-support/catch-error.js'
import { smallCatalog } from '../test-support/small-catalog.js'
import { createPlan, parsePlan, planNodes } from './create-plan.js'
import { PLAN_NODE_KINDS, walkPlan } from './plan-node.js'
import { planSchema } from './plan-schema.js'
import { assertValidPlan, validatePlan } from './validate-plan.js'

const codeOf = (run: () => unknown): string => catchLivingDbError(run).code

describe('plan nodes', () => {
  it('are frozen, kind-tagged and get their defaults', () => {
    const search = planNodes.topicSearch({ query: 'billing' })
    const root = planNodes.limit({ input: planNodes.fuse({ inputs: [search, planNodes.scan({ prefix: 'tasks/' })] }), count: 5 })
    expect(root).toMatchObject({ kind: 'limit', count: 5, offset: 0, input: { kind: 'fuse', k: 60, inputs: [{ kind: 'topicSearch', limit: 50 }, { kind: 'scan', keyspace: 'default' }] } })
    expect(Object.isFrozen(root)).toBe(true)
    expect(Object.isFrozen(root.input)).toBe(true)
    expect(() => {
      ;(root as { count: number }).count = 9
    }).toThrow(TypeError)
  })

  it('cover every kind of the plan language, and walkPlan visits them with their paths', () => {
    const plan = createPlan(
      planNodes.answer({
        input: planNodes.limit({
          count: 3,
          input: planNodes.sort({
            input: planNodes.aggregate({
              groupBy: 'status',
              input: planNodes.asOf({
                txnId: 4,
                input: planNodes.between({
                  by: 'txn',
                  from: 1,
                  to: 4,
                  input: planNodes.filter({
                    where: [{ op: 'eq', field: 'status', value: 'open' }],
                    input: planNodes.fuse({
                      inputs: [
                        planNodes.get({ keys: ['tasks/1'] }),
                        planNodes.traverse({ input: planNodes.entityLookup({ name: 'Ada' }) }),
                        planNodes.vectorSearch({ text: 'login' }),
                        planNodes.topicSearch({ query: 'login' }),
                        planNodes.scan({ prefix: 'tasks/' }),
                      ],
                    }),
                  }),
                }),
              }),
            }),
          }),
        }),
      }),
    )
    const seen: string[] = []
    walkPlan(plan.root, (node, path) => seen.push(`${node.kind}@${path}`))
    expect(new Set(seen.map((item) => item.split('@')[0]))).toEqual(new Set(PLAN_NODE_KINDS))
    expect(seen).toContain('entityLookup@root.input.input.input.input.input.input.input.inputs[1].input')
  })

  it('parsePlan rejects malformed plans with QUERY_PLAN_INVALID naming the path', () => {
    const error = catchLivingDbError(() => parsePlan({ root: { kind: 'filter', input: { kind: 'scan' }, where: [{ op: 'eq', field: '' }] } }))
    expect(error?.code).toBe('QUERY_PLAN_INVALID')
    expect(error?.message).toContain('root.where.0.field')
    expect(codeOf(() => parsePlan({ root: { kind: 'teleport' } }))).toBe('QUERY_PLAN_INVALID')
    expect(codeOf(() => parsePlan({ root: { kind: 'asOf', input: { kind: 'scan' } } }))).toBe('QUERY_PLAN_INVALID')
    expect(codeOf(() => parsePlan({ root: { kind: 'fuse', inputs: [{ kind: 'scan' }], weights: [1, 2] } }))).toBe('QUERY_PLAN_INVALID')
    expect(codeOf(() => parsePlan({ root: { kind: 'scan', extra: true } }))).toBe('QUERY_PLAN_INVALID')
  })

  it('round-trips through JSON and converts to a JSON Schema for the model planner', () => {
    const plan = createPlan(planNodes.limit({ input: planNodes.topicSearch({ query: 'x' }), count: 2 }))
    expect(parsePlan(JSON.parse(JSON.stringify(plan)))).toEqual(plan)
    const schema = z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, unknown> }
    expect(Object.keys(schema.properties)).toContain('root')
  })
})

describe('validatePlan', () => {
  const catalog = smallCatalog()
  const issuesOf = (root: Parameters<typeof createPlan>[0]) => validatePlan(createPlan(root), catalog).issues

  it('accepts a plan that fits the catalog', () => {
    const plan = createPlan(planNodes.limit({ count: 5, input: planNodes.filter({ input: planNodes.scan({ prefix: 'tasks/' }), where: [{ op: 'eq', field: 'status', value: 'open' }, { op: 'range', field: 'createdOn', gte: '2026-02-01' }, { op: 'range', field: '$key', gte: 'tasks/' }] }) }))
    expect(validatePlan(plan, catalog)).toEqual({ valid: true, issues: [] })
  })

  it('names the node, the problem and the fix for unknown keyspaces, prefixes, fields and values', () => {
    const keyspace = issuesOf(planNodes.scan({ keyspace: 'nowhere' }))
    expect(keyspace[0]).toMatchObject({ path: 'root', kind: 'scan', severity: 'error' })
    expect(keyspace[0]!.fix).toContain('default')
    const prefix = issuesOf(planNodes.scan({ prefix: 'invoices/' }))
    expect(prefix[0]!.message).toContain('invoices/')
    expect(prefix[0]!.fix).toContain('tasks/')
    const field = issuesOf(planNodes.limit({ count: 3, input: planNodes.filter({ input: planNodes.scan({ prefix: 'tasks/' }), where: [{ op: 'eq', field: 'state', value: 'open' }] }) }))
    expect(field[0]).toMatchObject({ path: 'root.input', kind: 'filter' })
    expect(field[0]!.fix).toContain('status')
    const value = issuesOf(planNodes.filter({ input: planNodes.scan({ prefix: 'tasks/' }), where: [{ op: 'eq', field: 'status', value: 'opened' }] }))
    expect(value[0]!.message).toContain('"opened"')
    expect(value[0]!.fix).toContain('"open"')
  })

  it('checks cartridges, txn ids, times, aggregates and the answer position', () => {
    expect(issuesOf(planNodes.topicSearch({ query: 'x', cartridge: 'bm25' }))[0]!.message).toContain('not attached')
    expect(issuesOf(planNodes.asOf({ txnId: 99, input: planNodes.scan({ prefix: 'tasks/' }) }))[0]!.fix).toContain('1 to 20')
    expect(issuesOf(planNodes.asOf({ time: 'yesterday-ish', input: planNodes.scan({}) }))[0]!.message).toContain('not a time')
    expect(issuesOf(planNodes.between({ by: 'txn', from: 9, to: 2, input: planNodes.scan({}) }))[0]!.fix).toBe('Swap from and to.')
    expect(issuesOf(planNodes.aggregate({ input: planNodes.scan({ prefix: 'tasks/' }), metrics: [{ op: 'avg' }] }))[0]!.message).toContain('needs a field')
    expect(issuesOf(planNodes.limit({ count: 1, input: planNodes.answer({ input: planNodes.scan({}) }) }))[0]!.message).toContain('root')
    expect(issuesOf(planNodes.traverse({ relation: 'friend', input: planNodes.get({ keys: ['people/ada'] }) }))[0]!.fix).toContain('assignee')
  })

  it('only warns about unknown prefixes, fields and values when lenient (an older catalog)', () => {
    const plan = createPlan(planNodes.filter({ input: planNodes.scan({ prefix: 'invoices/' }), where: [{ op: 'eq', field: 'total', value: 3 }] }))
    expect(validatePlan(plan, catalog).valid).toBe(false)
    const lenient = validatePlan(plan, catalog, { lenient: true })
    expect(lenient.valid).toBe(true)
    expect(lenient.issues.map((item) => item.severity)).toEqual(['warning'])
  })

  it('warns (without failing) when full-text search has no topics cartridge', () => {
    const plan = createPlan(planNodes.topicSearch({ query: 'login' }))
    const validation = validatePlan(plan, smallCatalog({ cartridges: [] }))
    expect(validation.valid).toBe(true)
    expect(validation.issues[0]?.severity).toBe('warning')
    expect(assertValidPlan(plan, smallCatalog({ cartridges: [] }))).toHaveLength(1)
    expect(codeOf(() => assertValidPlan(createPlan(planNodes.scan({ prefix: 'x/' })), catalog))).toBe('QUERY_PLAN_INVALID')
  })
})
