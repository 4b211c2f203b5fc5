import { afterEach, describe, expect, it } from 'vitest'
import { attachCartridges } from '../cartridges/index.js'
import { open, type Database } from '../core/index.js'
import { ask } from '../queries/ask.js'
import { createFieldIndexCartridge } from '../queries/field-index/index.js'
import type { Plan } from '../queries/plan/plan-node.js'
import { isArchiveReference } from './archive-segment.js'
import { createAutonomy } from './create-autonomy.js'
import { hideAutonomyCommits } from './hide-autonomy-commits.js'

const opened: Database[] = []
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close()
})

const openTasks: Plan = { version: 1, question: 'open tasks', planner: 'manual', root: { kind: 'filter', where: [{ op: 'eq', field: 'status', value: 'open' }], input: { kind: 'scan', keyspace: 'default', prefix: 'tasks/' } } }

describe('wiring autonomy into open()', () => {
  it('cartridges attached to hideAutonomyCommits(autonomy.db) never index archive references, also after a rebuild; ask over autonomy.db sees the values', async () => {
    const db = await open({ durability: 'none' })
    opened.push(db)
    const autonomy = await createAutonomy({ db, policy: { halfLifeMs: 1, tiering: { minObservedMs: 0, minRunBytes: 0, minValueBytes: 16 } } })
    const view = hideAutonomyCommits(autonomy.db)
    const fields = createFieldIndexCartridge({ source: { prefix: 'tasks/' }, fields: ['status'] })
    const cartridges = await attachCartridges({ db: view, cartridges: [fields] })
    const openKeys: string[] = []
    await db.write((transaction) => {
      for (let index = 0; index < 200; index += 1) {
        const key = `tasks/${String(index).padStart(4, '0')}`
        if (index % 10 === 0) openKeys.push(key)
        transaction.put(key, { status: index % 10 === 0 ? 'open' : 'done', text: `task number ${index} about the ferry schedule` })
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const report = await autonomy.run()
    expect(report.actions[0]?.numbers.keysMoved).toBe(200)
    expect(isArchiveReference(db.get('tasks/0000'))).toBe(true)
    await cartridges.idle()
    const matched = (): unknown => cartridges.query('fields', 'match', { field: 'status', values: ['open'], prefix: 'tasks/' })
    expect(matched()).toEqual({ keys: openKeys })
    await cartridges.rebuild('fields')
    expect(matched()).toEqual({ keys: openKeys })
    const result = await ask({ db: view, cartridges: [fields], guards: [], question: 'open tasks', options: { plan: openTasks, limit: 100 } })
    expect(result.results.map((item) => item.key)).toEqual(openKeys)
    expect(result.results[0]!.value).toMatchObject({ status: 'open' })
    await autonomy.flush()
    expect(isArchiveReference(db.get(openKeys[0]!))).toBe(false)
    await cartridges.close()
  })
})
