import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { attachCartridges, createEntitiesCartridge, createTasksCartridge, createTopicsCartridge } from '../../cartridges/index.js'
import { dumpNow } from '../../cartridges/conformance/index.js'
import { jsonError, runInProcess, useTemporaryDatabase } from '../test-support/run-in-process.js'

const temporary = useTemporaryDatabase({ beforeEach, afterEach })
const cartridges = (...argv: string[]) => runInProcess(['cartridges', ...argv, '--db', temporary.db])

/** A database with notes and tasks, topics (custom options) and tasks attached and current. */
async function seedDatabase(): Promise<void> {
  const db = await open({ path: temporary.db, durability: 'none' })
  const attached = await attachCartridges({ db, cartridges: [createTopicsCartridge({ source: { prefix: 'notes/' }, fields: ['text'], segmentSize: 8 }), createTasksCartridge()] })
  for (let index = 0; index < 40; index++) {
    await db.write((transaction) => {
      transaction.put(`notes/${index}`, { text: `ferry ${index} crosses the fjord`, ignored: 'oslo' })
      if (index % 4 === 0) transaction.put(`tasks/${index}`, { type: 'email', priority: index })
    })
  }
  await attached.idle()
  await attached.close()
  await db.close()
}

describe('livingdb cartridges', () => {
  it('list shows built cartridges with state and cursor, and built-ins not built yet', async () => {
    await seedDatabase()
    const run = await cartridges('list', '--json')
    expect(run.exitCode).toBe(0)
    const listed = JSON.parse(run.stdout) as { head: number; cartridges: { name: string; kind: string; state: string; cursor: number; pendingCommits: number | null; queries: string[] }[] }
    const byName = new Map(listed.cartridges.map((item) => [item.name, item]))
    expect(byName.get('topics')).toMatchObject({ kind: 'topics', state: 'current', pendingCommits: 0, queries: ['search'] })
    expect(byName.get('topics')!.cursor).toBeGreaterThanOrEqual(40)
    expect(byName.get('pending_tasks_by_type')).toMatchObject({ state: 'current', queries: ['pending', 'counts'] })
    expect(byName.get('history')).toMatchObject({ state: 'not-built' })
    const human = await cartridges('list')
    expect(human.stdout.split('\n')[0]).toMatch(/^NAME\s+KIND\s+STATE\s+CURSOR\s+PENDING\s+QUERIES$/)
    expect(human.stdout).toMatch(/topics\s+topics\s+current/)
  })

  it('rebuild recreates a cartridge from its recorded recipe (same bytes) and draws a progress bar on a terminal', async () => {
    await seedDatabase()
    const topics = createTopicsCartridge({ source: { prefix: 'notes/' }, fields: ['text'], segmentSize: 8 })
    let db = await open({ path: temporary.db, durability: 'none' })
    const before = dumpNow(db, topics)
    await db.close()
    const run = await runInProcess(['cartridges', 'rebuild', 'topics', '--db', temporary.db, '--batch', '5'], { tty: true })
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^rebuilt topics: 40 commits applied in \d+ batches, cursor \d+ \(\d+ ms\)\n$/)
    expect(run.stderr).toContain('rebuild topics')
    expect(run.stderr).toContain('100%')
    db = await open({ path: temporary.db, durability: 'none' })
    expect(dumpNow(db, topics), 'the recorded recipe recreates the same options: same bytes').toEqual(before)
    await db.close()
    const quiet = await cartridges('rebuild', 'topics', '--json')
    expect(JSON.parse(quiet.stdout)).toMatchObject({ name: 'topics', applied: 40, stats: { documents: 40, segmentSize: 8 } })
    expect(quiet.stderr).toBe('')
  })

  it('rebuild builds a built-in that was never built; stats reports it', async () => {
    await seedDatabase()
    const built = await cartridges('rebuild', 'history', '--json')
    expect(built.exitCode).toBe(0)
    expect(JSON.parse(built.stdout)).toMatchObject({ name: 'history', stats: { keys: 50, versions: 50 } })
    const stats = await cartridges('stats', '--json')
    const all = JSON.parse(stats.stdout) as { cartridges: { name: string; state: string; stats: Record<string, unknown> }[] }
    expect(all.cartridges.map((item) => item.name).sort()).toEqual(['history', 'pending_tasks_by_type', 'topics'])
    expect(all.cartridges.find((item) => item.name === 'pending_tasks_by_type')).toMatchObject({ state: 'current', stats: { pending: 10 } })
    const human = await cartridges('stats', 'topics')
    expect(human.stdout).toMatch(/^topics:\n\s+state:\s+current\n/)
    expect(human.stdout).toMatch(/documents:\s+40/)
  })

  it('an unknown cartridge is CARTRIDGE_NOT_FOUND naming the known ones (exit 1); a missing database is DB_NOT_FOUND', async () => {
    await seedDatabase()
    const run = await cartridges('stats', 'nope', '--json')
    expect(run.exitCode).toBe(1)
    expect(jsonError(run)).toMatchObject({ code: 'CARTRIDGE_NOT_FOUND', message: expect.stringContaining('topics') })
    const missing = await runInProcess(['cartridges', 'list', '--db', `${temporary.db}-absent`, '--json'])
    expect(jsonError(missing).code).toBe('DB_NOT_FOUND')
    const usage = await cartridges('rebuild')
    expect(usage.exitCode).toBe(2)
  })

  it('a built-in recorded without a recipe is recognised when it was built with default options', async () => {
    const db = await open({ path: temporary.db, durability: 'none' })
    const attached = await attachCartridges({ db, cartridges: [createEntitiesCartridge(), createTopicsCartridge({ name: 'custom', fields: ['text'] })] })
    await db.put('notes/1', { text: 'Dana met Lee in Oslo' })
    await attached.idle()
    await attached.close()
    await db.close()
    const listed = JSON.parse((await cartridges('list', '--json')).stdout) as { cartridges: { name: string; kind: string; state: string }[] }
    expect(listed.cartridges.find((item) => item.name === 'entities')).toMatchObject({ kind: 'entities', state: 'current' })
    expect(listed.cartridges.find((item) => item.name === 'custom')).toMatchObject({ kind: 'topics', state: 'current' })
    const rebuilt = await cartridges('rebuild', 'entities', '--json')
    expect(rebuilt.exitCode, rebuilt.stderr).toBe(0)
  })
})
