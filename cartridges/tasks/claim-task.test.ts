import { describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { SeededRandom, dumpNow, testSeed } from '../conformance/index.js'
import { type CartridgeKeyspaceReader, type CartridgeReader, attachCartridges, rebuildCartridge } from '../spec/index.js'
import { claimTask } from './claim-task.js'
import { createTasksCartridge } from './create-tasks-cartridge.js'

/** A reader that counts how many index entries a query scans. */
function countingReader(reader: CartridgeReader): { reader: CartridgeReader; scanned: () => number } {
  let scanned = 0
  const wrap = (space: CartridgeKeyspaceReader): CartridgeKeyspaceReader => ({
    get: (key) => space.get(key),
    *scan(options) {
      for (const entry of space.scan(options)) {
        scanned++
        yield entry
      }
    },
  })
  return { reader: { txnId: reader.txnId, keyspace: (name) => wrap(reader.keyspace(name)) }, scanned: () => scanned }
}

describe('pending_tasks_by_type', () => {
  it('lists pending tasks of a type by priority (ties by key), reading only the entries it returns', async () => {
    const seed = testSeed()
    const random = new SeededRandom(seed)
    const db = await open({ durability: 'none' })
    const cartridge = createTasksCartridge()
    const attached = await attachCartridges({ db, cartridges: [cartridge] })
    const expected: { key: string; priority: number }[] = []
    for (let batch = 0; batch < 20; batch++) {
      await db.write((transaction) => {
        for (let index = 0; index < 100; index++) {
          const key = `tasks/${batch}-${index}`
          const priority = random.integer(-50, 50)
          const type = random.pick(['email', 'resize', 'resize'])
          const status = random.pick(['pending', 'pending', 'done'])
          transaction.put(key, { type, priority, status, claimedBy: null })
          if (type === 'email' && status === 'pending') expected.push({ key, priority })
        }
      })
    }
    await attached.idle()
    expected.sort((a, b) => b.priority - a.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    const pending = cartridge.queries.find((query) => query.name === 'pending')!
    const counted = db.read((snapshot) => {
      const { reader, scanned } = countingReader({ txnId: snapshot.txnId, keyspace: (name) => snapshot.keyspace(name) })
      const result = pending.run({ input: { type: 'email', limit: 10 }, reader }) as { key: string; priority: number }[]
      return { result, scanned: scanned() }
    })
    expect(counted.result.map(({ key, priority }) => ({ key, priority })), `seed ${seed}`).toEqual(expected.slice(0, 10))
    expect(counted.scanned, 'the top 10 of ~650 pending tasks cost 10 index reads').toBe(10)
    expect((attached.query('pending_tasks_by_type', 'counts', {}) as Record<string, number>).email).toBe(expected.length)
    await attached.close()
    await db.close()
  })

  it('concurrent claimers never claim a task twice and together claim every task', async () => {
    const db = await open({ durability: 'none' })
    const cartridge = createTasksCartridge()
    const attached = await attachCartridges({ db, cartridges: [cartridge] })
    const TASKS = 300
    await db.write((transaction) => {
      for (let index = 0; index < TASKS; index++) transaction.put(`tasks/${String(index).padStart(4, '0')}`, { type: 'email', priority: index % 10, status: 'pending', claimedBy: null })
    })
    await attached.idle()
    const claims = new Map<string, string[]>()
    const workers = Array.from({ length: 8 }, (_, worker) =>
      (async () => {
        const name = `worker-${worker}`
        for (;;) {
          const claimed = await claimTask({ db, cartridge, type: 'email', worker: name })
          if (claimed === null) return
          claims.set(claimed.key, [...(claims.get(claimed.key) ?? []), name])
          // Interleave with ordinary writes and the cartridge catching up.
          if (claims.size % 25 === 0) await db.put(`notes/${claims.size}`, { text: 'unrelated' })
        }
      })(),
    )
    await Promise.all(workers)
    expect(claims.size).toBe(TASKS)
    for (const [key, claimers] of claims) expect(claimers, key).toHaveLength(1)
    for (const [key, claimers] of claims) expect(db.get(key)).toMatchObject({ status: 'claimed', claimedBy: claimers[0] })
    await attached.idle()
    expect(attached.query('pending_tasks_by_type', 'counts', {})).toEqual({})
    expect(await claimTask({ db, cartridge, type: 'email', worker: 'late' })).toBeNull()
    const live = dumpNow(db, cartridge)
    await attached.close()
    await rebuildCartridge({ db, cartridge })
    expect(dumpNow(db, cartridge), 'claims leave the index equal to a rebuild').toEqual(live)
    await db.close()
  })

  it('claims the highest priority first and skips tasks the index has not caught up on', async () => {
    const db = await open({ durability: 'none' })
    const cartridge = createTasksCartridge()
    const attached = await attachCartridges({ db, cartridges: [cartridge] })
    await db.put('tasks/low', { type: 'email', priority: 1 })
    await db.put('tasks/high', { type: 'email', priority: 9 })
    await db.put('tasks/other', { type: 'resize', priority: 99 })
    await attached.idle()
    // Claimed elsewhere after the index saw it as pending: the claim re-reads the record and moves on.
    await db.put('tasks/high', { type: 'email', priority: 9, status: 'claimed', claimedBy: 'someone' })
    const first = await claimTask({ db, cartridge, type: 'email', worker: 'w' })
    expect(first?.key).toBe('tasks/low')
    expect(first?.record).toMatchObject({ status: 'claimed', claimedBy: 'w', priority: 1 })
    expect(await claimTask({ db, cartridge, type: 'email', worker: 'w' })).toBeNull()
    await expect(claimTask({ db, cartridge, type: '', worker: 'w' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await attached.close()
    await db.close()
  })
})
