import { afterEach, describe, expect, it } from 'vitest'
import { definitionKey } from '../cartridges/spec/index.js'
import { open, type Database } from '../core/index.js'
import type { Plan } from '../queries/plan/plan-node.js'
import { AUTO_FIELD_INDEX_NAME } from './auto-cartridge.js'
import { createAutonomy } from './create-autonomy.js'
import { seededRandom } from './test-support/seeded-random.js'

const opened: Database[] = []
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close()
})

const openTasks: Plan = { version: 1, question: 'open tasks', planner: 'manual', root: { kind: 'filter', where: [{ op: 'eq', field: 'status', value: 'open' }], input: { kind: 'scan', keyspace: 'default', prefix: 'tasks/' } } }

describe('automatic cartridges', () => {
  const random = seededRandom()
  it(`a workload that keeps filtering one field gets a field index that reads fewer records; undo drops it (seed ${random.seed})`, async () => {
    const db = await open({ durability: 'none' })
    opened.push(db)
    const expectedOpen: string[] = []
    await db.write((transaction) => {
      for (let index = 0; index < 1_500; index += 1) {
        const key = `tasks/${String(index).padStart(5, '0')}`
        const status = random.next() < 0.05 ? 'open' : 'done'
        if (status === 'open') expectedOpen.push(key)
        transaction.put(key, { title: `task ${index}`, status, owner: `people/${index % 17}` })
      }
    })
    const autonomy = await createAutonomy({ db, policy: { cartridges: { minQueries: 5, minCandidates: 200 } } })
    const keysOf = (result: { results: readonly { key: string }[] }): string[] => result.results.map((item) => item.key).sort()
    let baseline = await autonomy.ask({ question: 'open tasks', options: { plan: openTasks, limit: 1_000 } })
    for (let run = 0; run < 5; run += 1) baseline = await autonomy.ask({ question: 'open tasks', options: { plan: openTasks, limit: 1_000 } })
    expect(keysOf(baseline)).toEqual(expectedOpen)
    expect(baseline.cost.candidatesRead).toBeGreaterThanOrEqual(1_500)

    const planned = autonomy.plan()
    expect(planned.cartridges.proposals).toHaveLength(1)
    expect(planned.cartridges.proposals[0]).toMatchObject({ keyspace: 'default', prefix: 'tasks/', fields: ['status'] })
    const report = await autonomy.run()
    const action = report.actions.find((item) => item.kind === 'cartridge')!
    expect(action.status, JSON.stringify(action.numbers)).toBe('applied')
    expect(action.numbers.candidatesAfter).toBeLessThan(action.numbers.candidatesBefore! / 2)
    expect(action.reason).toMatch(/status/)
    expect(autonomy.cartridges().map((cartridge) => cartridge.name)).toEqual([AUTO_FIELD_INDEX_NAME])

    const indexed = await autonomy.ask({ question: 'open tasks', options: { plan: openTasks, limit: 1_000 } })
    expect(keysOf(indexed)).toEqual(expectedOpen)
    expect(indexed.cost.candidatesRead).toBeLessThan(baseline.cost.candidatesRead / 2)
    expect(indexed.timings.steps.map((step) => step.servedBy).join(" ")).toContain(AUTO_FIELD_INDEX_NAME)
    expect(autonomy.plan().cartridges.proposals).toEqual([])

    const undone = await autonomy.undo(action.id)
    expect(undone.status).toBe('undone')
    expect(autonomy.cartridges()).toEqual([])
    expect([...db.keyspace(AUTO_FIELD_INDEX_NAME).scan()]).toEqual([])
    expect(db.read((snapshot) => snapshot.keyspace('sys').get(definitionKey(AUTO_FIELD_INDEX_NAME)))).toBeUndefined()
    const after = await autonomy.ask({ question: 'open tasks', options: { plan: openTasks, limit: 1_000 } })
    expect(keysOf(after)).toEqual(expectedOpen)
    expect(after.cost.candidatesRead).toBe(baseline.cost.candidatesRead)
    await expect(autonomy.undo(action.id)).rejects.toMatchObject({ code: 'AUTONOMY_UNDO_CONFLICT' })
  })
})
