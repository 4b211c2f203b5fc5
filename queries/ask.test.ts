import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cartridge } from '../cartridges/spec/index.js'
import type { Database } from '../core/index.js'
import { LivingDbError } from '../errors/index.js'
import { ask } from './ask.js'
import type { AskPluginHost } from './ask-types.js'
import { buildCatalog } from './catalog/build-catalog.js'
import { createPlan, planNodes } from './plan/create-plan.js'
import { openSmallDatabase } from './test-support/small-database.js'

let db: Database
let cartridges: Cartridge[]

beforeAll(async () => {
  ;({ db, cartridges } = await openSmallDatabase())
})

afterAll(async () => {
  await db.close()
})

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (error) {
    return LivingDbError.isInstance(error) ? error.code : 'not a LivingDbError'
  }
  return undefined
}

/** A plugin host double: what `onQuery` hooks returned, through the host's `query`. */
function pluginHost(outcome: Partial<Awaited<ReturnType<AskPluginHost['query']>>> | 'hang' | Error): AskPluginHost & { calls: unknown[] } {
  const calls: unknown[] = []
  return {
    calls,
    async query(args) {
      calls.push(args)
      if (outcome === 'hang') return new Promise(() => undefined)
      if (outcome instanceof Error) throw outcome
      return { plan: args.plan, candidates: args.candidates ?? [], contributions: [], ...outcome }
    },
  }
}

describe('ask', () => {
  it('returns the plan, scored results with citations to records and commits, cost, timings and warnings', async () => {
    const result = await ask({ db, cartridges, question: 'login', options: { now: '2026-03-21' } })
    expect(result.question).toBe('login')
    expect(result.plan.planner).toBe('offline')
    expect(result.results.map((item) => item.key).sort()).toEqual(['tasks/1', 'tasks/4'])
    const first = result.results.find((item) => item.key === 'tasks/1')!
    expect(first.value).toMatchObject({ title: 'Fix the login timeout', status: 'done' })
    expect(first.score).toBeGreaterThan(0)
    expect(first.citations[0]).toMatchObject({ key: 'tasks/1', keyspace: 'default', txnId: 8, source: 'topicSearch:topics' })
    expect(result.cost.estimated.cartridgeCalls).toBe(1)
    expect(result.timings.steps.length).toBeGreaterThan(0)
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.executeMs)
    expect(result.partial).toBe(false)
    expect(result.txnId).toBe(db.txnId)
    expect(result.explanation).toBeUndefined()
  })

  it('explains the plan with its cost estimate and step times', async () => {
    const result = await ask({ db, cartridges, question: 'open high priority tasks', options: { explain: true } })
    expect(result.explanation).toMatch(/^limit 10 {2}\[[\d.]+ ms, 1 out, limit\]/)
    expect(result.explanation).toMatch(/filter (status = "open" and priority = "high"|priority = "high" and status = "open")/)
    expect(result.explanation).toContain('cost estimate: 5 records read')
  })

  it('answers extractively, each sentence cited', async () => {
    const result = await ask({ db, cartridges, question: 'Why rotate the staging keys?', options: { answer: true } })
    expect(result.answer?.mode).toBe('extractive')
    expect(result.answer?.sentences[0]?.text).toContain('The staging API key leaked.')
    expect(result.answer?.sentences[0]?.citations[0]).toMatchObject({ key: 'tasks/3', field: 'description', txnId: 5 })
    const count = await ask({ db, cartridges, question: 'How many open tasks?', options: { answer: true } })
    expect(count.answer).toMatchObject({ mode: 'aggregate', text: 'Count: 2.' })
  })

  it('answers as of a txn id or a time', async () => {
    const now = await ask({ db, cartridges, question: 'open tasks' })
    expect(now.results.map((item) => item.key).sort()).toEqual(['tasks/3', 'tasks/5'])
    const before = await ask({ db, cartridges, question: 'open tasks', options: { asOf: 7 } })
    expect(before.txnId).toBe(7)
    expect(before.results.map((item) => item.key).sort()).toEqual(['tasks/1', 'tasks/3', 'tasks/5'])
    expect(before.results.find((item) => item.key === 'tasks/1')!.citations[0]!.txnId).toBe(3)
    const atTime = db.readAt(7, (snapshot) => snapshot.timestamp)
    const byTime = await ask({ db, cartridges, question: 'open tasks', options: { asOf: new Date(atTime).toISOString() } })
    expect(byTime.txnId).toBeGreaterThanOrEqual(7)
    expect(await codeOf(ask({ db, cartridges, question: 'open tasks', options: { asOf: db.txnId + 5 } }))).toBe('TXN_NOT_FOUND')
  })

  it('runs a given plan after validating it', async () => {
    const plan = createPlan(planNodes.get({ keys: ['people/ada'] }))
    const result = await ask({ db, cartridges, question: 'ada', options: { plan } })
    expect(result.results.map((item) => item.key)).toEqual(['people/ada'])
    expect(await codeOf(ask({ db, cartridges, question: 'x', options: { plan: createPlan(planNodes.scan({ prefix: 'invoices/' })) } }))).toBe('QUERY_PLAN_INVALID')
  })

  it('runs plans over records newer than a cached catalog, with a warning', async () => {
    const fresh = await openSmallDatabase()
    try {
      const older = buildCatalog({ db: fresh.db, cartridges: fresh.cartridges })
      await fresh.db.put('invoices/1', { total: 3 })
      const result = await ask({ db: fresh.db, cartridges: fresh.cartridges, question: 'x', options: { catalog: older, plan: createPlan(planNodes.scan({ prefix: 'invoices/' })) } })
      expect(result.results.map((item) => item.key)).toEqual(['invoices/1'])
      expect(result.warnings.map((warning) => warning.code)).toContain('QUERY_PLAN_WARNING')
    } finally {
      await fresh.db.close()
    }
  })

  it('rejects bad arguments with QUERY_INVALID naming the option', async () => {
    expect(await codeOf(ask({ db, cartridges, question: '  ' }))).toBe('QUERY_INVALID')
    expect(await codeOf(ask({ db, cartridges, question: 'x', options: { limit: 0 } }))).toBe('QUERY_INVALID')
    expect(await codeOf(ask({ db, cartridges, question: 'x', options: { now: 'not a time' } }))).toBe('QUERY_INVALID')
    expect(await codeOf(ask({ db, cartridges, question: 'x', options: { planner: 'model' } }))).toBe('QUERY_INVALID')
    expect(await codeOf(ask({ db, cartridges, question: 'x', options: { answer: 'poem' as never } }))).toBe('QUERY_INVALID')
    expect(await codeOf(ask({ db: {} as never, question: 'x' }))).toBe('QUERY_INVALID')
    const aborted = new AbortController()
    aborted.abort()
    expect(await codeOf(ask({ db, cartridges, question: 'x', options: { abortSignal: aborted.signal } }))).toBe('QUERY_ABORTED')
    const error = await ask({ db, cartridges, question: 'x', options: { limit: 0 } }).catch((caught: LivingDbError) => caught)
    expect((error as LivingDbError).message).toContain('options.limit')
  })
})

describe('ask with plugins', () => {
  it('passes the plan and candidates to onQuery and fuses the candidates plugins add', async () => {
    const host = pluginHost({ candidates: [{ keyspace: 'default', key: 'people/grace', score: 9, source: 'crm' }], contributions: [{ plugin: 'crm', addedCandidates: 1, rewrotePlan: false }] })
    const result = await ask({ db, cartridges, plugins: host, question: 'login' })
    const call = host.calls[0] as { question: string; plan: { root: { kind: string } }; candidates: { key: string }[] }
    expect(call.question).toBe('login')
    expect(call.plan.root.kind).toBe('limit')
    expect(call.candidates.map((item) => item.key).sort()).toEqual(['tasks/1', 'tasks/4'])
    const added = result.results.find((item) => item.key === 'people/grace')
    expect(added?.citations[0]?.source).toBe('plugin:crm')
    expect(added?.value).toMatchObject({ name: 'Grace Hopper' })
  })

  it('runs a rewritten plan when it validates, and keeps the original when it does not', async () => {
    const rewritten = createPlan(planNodes.get({ keys: ['tasks/2'] }))
    const good = await ask({ db, cartridges, plugins: pluginHost({ plan: JSON.parse(JSON.stringify(rewritten)), contributions: [{ plugin: 'router', addedCandidates: 0, rewrotePlan: true }] }), question: 'login' })
    expect(good.plan.planner).toBe('plugin:router')
    expect(good.results.map((item) => item.key)).toEqual(['tasks/2'])
    const bad = await ask({ db, cartridges, plugins: pluginHost({ plan: { root: { kind: 'scan', prefix: 'nope/' } }, contributions: [{ plugin: 'router', addedCandidates: 0, rewrotePlan: true }] }), question: 'login' })
    expect(bad.plan.planner).toBe('offline')
    expect(bad.warnings.map((warning) => warning.code)).toContain('QUERY_PLUGIN_PLAN_INVALID')
  })

  it('goes on without the plugins when they time out, fail or skip', async () => {
    const slow = await ask({ db, cartridges, plugins: pluginHost('hang'), question: 'login', options: { pluginTimeoutMs: 20 } })
    expect(slow.results).toHaveLength(2)
    expect(slow.warnings.map((warning) => warning.code)).toContain('QUERY_PLUGINS_TIMEOUT')
    const broken = await ask({ db, cartridges, plugins: pluginHost(new Error('host closed')), question: 'login' })
    expect(broken.warnings[0]).toMatchObject({ code: 'QUERY_PLUGINS_FAILED' })
    const skipped = await ask({ db, cartridges, plugins: pluginHost({ contributions: [{ plugin: 'flaky', addedCandidates: 0, rewrotePlan: false, error: { code: 'PLUGIN_HOOK_TIMEOUT', message: 'took too long' } }] }), question: 'login' })
    expect(skipped.warnings[0]!.message).toContain('flaky')
  })
})
