import { describe, expect, it } from 'vitest'
import { openCartridge } from '../../cartridges/spec/index.js'
import { runCartridgeConformance, SeededRandom, type GeneratedCommit } from '../../cartridges/conformance/index.js'
import { open } from '../../core/index.js'
import { indexedPairs } from './apply-field-index.js'
import { createFieldIndexCartridge } from './create-field-index-cartridge.js'

const STATUSES = ['open', 'Open', 'done', 'blocked']
const PEOPLE = ['people/ada', 'people/grace', 'people/ünïcode person']

function generate({ seed, count }: { seed: number; count: number }): GeneratedCommit[] {
  const random = new SeededRandom(seed)
  const commits: GeneratedCommit[] = []
  for (let index = 0; index < count; index++) {
    const ops: GeneratedCommit['ops'][number][] = []
    for (let op = random.integer(1, 3); op > 0; op--) {
      const key = `${random.pick(['tasks', 'notes'])}/${random.integer(0, 40)}`
      if (random.next() < 0.15) ops.push({ type: 'delete', key })
      else {
        ops.push({
          type: 'put',
          key,
          value: { status: random.pick(STATUSES), owner: random.pick(PEOPLE), estimate: random.integer(0, 5), urgent: random.next() < 0.3, tags: [random.pick(['a', 'b']), random.pick(['b', 'c'])], date: `2026-0${random.integer(1, 9)}-1${random.integer(0, 9)}`, text: 'x'.repeat(random.integer(10, 100)) },
        })
      }
    }
    commits.push({ ops })
  }
  return commits
}

runCartridgeConformance({
  name: 'fields',
  createCartridge: () => createFieldIndexCartridge(),
  generateCommits: generate,
  sampleQueries: [
    { name: 'match', input: { field: 'status', values: ['open'] } },
    { name: 'match', input: { field: 'owner', values: ['people/grace', 'people/ada'], prefix: 'tasks/' } },
    { name: 'match', input: { field: 'date', range: { gte: '2026-03-01', lt: '2026-06-01' } } },
    { name: 'count', input: { field: 'tags', values: ['b'] } },
  ],
})

describe('field index', () => {
  it('indexes short scalars and scalar arrays, lower-cases strings, skips text', () => {
    expect(indexedPairs({ status: 'Open', tags: ['a', 'A', 'b'], n: 3, ok: false, text: 'x'.repeat(100), nested: { a: 1 }, none: null }, 'scalars')).toEqual([
      ['n', 3],
      ['ok', false],
      ['status', 'open'],
      ['tags', 'a'],
      ['tags', 'b'],
    ])
    expect(indexedPairs({ status: 'open', owner: 'people/ada' }, ['owner'])).toEqual([['owner', 'people/ada']])
  })

  it('matches values (case-insensitively), prefixes and date ranges, and counts, as records change', async () => {
    const db = await open({ durability: 'none' })
    const fields = await openCartridge({ db, cartridge: createFieldIndexCartridge() })
    await db.put('tasks/1', { status: 'Open', date: '2026-03-01' })
    await db.put('tasks/2', { status: 'done', date: '2026-03-09' })
    await db.put('tickets/1', { status: 'open', date: '2026-02-01' })
    await fields.catchUp()
    expect(fields.query('match', { field: 'status', values: ['OPEN'] })).toEqual({ keys: ['tasks/1', 'tickets/1'] })
    expect(fields.query('match', { field: 'status', values: ['open'], prefix: 'tasks/' })).toEqual({ keys: ['tasks/1'] })
    expect(fields.query('match', { field: 'date', range: { gte: '2026-03-01', lt: '2026-03-09' } })).toEqual({ keys: ['tasks/1'] })
    expect(fields.query('count', { field: 'status', values: ['open', 'done'] })).toBe(3)
    await db.put('tasks/1', { status: 'done' })
    await db.delete('tickets/1')
    await fields.catchUp()
    expect(fields.query('match', { field: 'status', values: ['open'] })).toEqual({ keys: [] })
    expect(fields.query('count', { field: 'status', values: ['done'] })).toBe(2)
    expect(fields.stats()).toMatchObject({ records: 2, entries: 3 })
    await db.close()
  })
})
