import { afterEach, describe, expect, it } from 'vitest'
import { open, type Database } from '../core/index.js'
import type { AskResult } from '../queries/ask-types.js'
import type { Plan } from '../queries/plan/plan-node.js'
import { createAutonomy } from './create-autonomy.js'
import { seededRandom } from './test-support/seeded-random.js'

const opened: Database[] = []
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close()
})

const plan: Plan = { version: 1, root: { kind: 'topicSearch', query: 'ferry', prefix: 'notes/', limit: 10 } }

function result(milliseconds: number, tokens: number): AskResult {
  return {
    question: 'ferries',
    plan,
    results: [],
    cost: { estimated: { candidates: 0, cartridgeCalls: 1, modelCalls: 0, milliseconds: 1 }, candidatesRead: 10, modelCalls: tokens > 0 ? 1 : 0, inputTokens: tokens, outputTokens: 0 },
    timings: { totalMs: milliseconds, catalogMs: 0, planMs: 0, executeMs: milliseconds, pluginsMs: 0, answerMs: 0, steps: [] },
    warnings: [],
    partial: false,
    txnId: 1,
  }
}

describe('createAutonomy', () => {
  const random = seededRandom()
  it(`records alerts for injected latency and cost spikes, none for a steady workload, and keeps them in sys across reopen (seed ${random.seed})`, async () => {
    const db = await open({ durability: 'none' })
    opened.push(db)
    let clock = 1_700_000_000_000
    const autonomy = await createAutonomy({ db, now: () => clock })
    for (let index = 0; index < 300; index += 1) {
      clock += 1_000
      expect(autonomy.recordQuery(result(30 + random.next() * 10, 400 + Math.round(random.next() * 50)))).toEqual([])
      expect(autonomy.recordSpend('plugin:entities', 100 + random.next() * 20)).toBeUndefined()
    }
    const latency = autonomy.recordQuery(result(400, 420))
    expect(latency.map((alert) => alert.metric)).toEqual(['latency'])
    const cost = autonomy.recordQuery(result(35, 5_000))
    expect(cost.map((alert) => alert.metric)).toEqual(['cost'])
    expect(autonomy.recordSpend('plugin:entities', 2_000)?.subject).toBe('plugin:entities')
    await autonomy.flush()
    const reopened = await createAutonomy({ db, now: () => clock })
    const status = reopened.status()
    expect(status.alerts.map((alert) => alert.metric).sort()).toEqual(['cost', 'latency', 'spend'])
    expect(status.statistics.shapes[0]!.id).toBe('topicSearch(notes/)')
    expect(status.statistics.shapes[0]!.count).toBeGreaterThan(250)
    expect(status.statistics.shapes[0]!.count).toBeLessThan(302)
  })

  it('counts reads and scans through autonomy.db and leaves sys out', async () => {
    const db = await open({ durability: 'none' })
    opened.push(db)
    await db.write((transaction) => {
      for (let index = 0; index < 20; index += 1) transaction.put(`notes/${index}`, { text: `note ${index}` })
    })
    const autonomy = await createAutonomy({ db, now: () => 1_000, statistics: { sampleEvery: 1 } })
    for (let index = 0; index < 5; index += 1) autonomy.db.get('notes/3')
    expect([...autonomy.db.scan({ prefix: 'notes/' })]).toHaveLength(20)
    autonomy.db.read((snapshot) => snapshot.keyspace('sys').get('autonomy/policy'))
    const notes = autonomy.statistics.prefixList().find((usage) => usage.prefix === 'notes/')!
    expect(notes.reads).toBeCloseTo(5, 2)
    expect(notes.scans).toBeCloseTo(1, 2)
    expect(notes.rowsScanned).toBeCloseTo(20, 1)
    expect(autonomy.statistics.prefixList().some((usage) => usage.keyspace === 'sys')).toBe(false)
    expect(autonomy.statistics.keyHeat('default', 'notes/3')).toBeGreaterThanOrEqual(5)
  })
})
