import { afterEach, describe, expect, it } from 'vitest'
import { createPluginHost, type PluginHost } from './create-plugin-host.js'
import type { DeadLetterRecord } from './plugin-sys-records.js'
import { MemoryDatabase } from './test-support/memory-database.js'

const fixture = (name: string) => new URL(`./test-support/fixtures/${name}.ts`, import.meta.url)
const hosts: PluginHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

const fastPolicy = { maxAttempts: 2, backoff: { initialMs: 10, maxMs: 50 }, cursorFlushMs: 20 }

function scan(db: MemoryDatabase, keyspace: string, prefix = ''): { key: string; value: unknown }[] {
  return db.read((snapshot) => [...(snapshot.keyspace(keyspace).scan({ prefix }) as Iterable<{ key: string; value: unknown }>)])
}

async function writeWorkload(db: MemoryDatabase): Promise<{ poisonTxnId: number; goodTxnIds: number[] }> {
  const goodTxnIds: number[] = []
  for (let index = 0; index < 12; index++) goodTxnIds.push((await db.write((tx) => tx.put(`item/${index}`, index), { origin: 'app' })).txnId)
  const poisonTxnId = (await db.write((tx) => tx.put('poison/1', 'boom'), { origin: 'app' })).txnId
  for (let index = 12; index < 24; index++) goodTxnIds.push((await db.write((tx) => tx.put(`item/${index}`, index), { origin: 'app' })).txnId)
  return { poisonTxnId, goodTxnIds }
}

describe.each(['throw', 'loop', 'allocate', 'exit'] as const)('a plugin that misbehaves by %s', (mode) => {
  it('is contained: the db commits, others keep up, the poison commit alone is dead-lettered and skipped', async () => {
    const db = new MemoryDatabase()
    const host = await createPluginHost({
      db,
      plugins: [{ module: fixture('faulty-plugin'), config: { mode, keyspace: `faulty-${mode}` }, heapLimitMb: 32 }, fixture('counting-plugin')],
      policy: { ...fastPolicy, deadLetter: 'skip' },
      onLog: () => {},
    })
    hosts.push(host)
    const { poisonTxnId, goodTxnIds } = await writeWorkload(db)
    await host.idle()

    expect(db.read((snapshot) => snapshot.keyspace('counter').get('total'))).toBe(24)
    const seen = scan(db, `faulty-${mode}`, 'seen/').map((entry) => entry.value)
    expect(seen.sort((left, right) => Number(left) - Number(right))).toEqual(goodTxnIds)
    const deadLetters = scan(db, 'sys', 'plugins/faulty/dead-letters/').map((entry) => entry.value as DeadLetterRecord)
    expect(deadLetters).toHaveLength(1)
    expect(deadLetters[0]).toMatchObject({ txnIds: [poisonTxnId], policy: 'skip', attempts: 2 })
    const expectedCode = { throw: 'PLUGIN_HOOK_FAILED', loop: 'PLUGIN_HOOK_TIMEOUT', allocate: 'PLUGIN_CRASHED', exit: 'PLUGIN_CRASHED' }[mode]
    expect(deadLetters[0]!.error.code).toBe(expectedCode)

    const status = Object.fromEntries((await host.status()).map((row) => [row.name, row]))
    expect(status.faulty).toMatchObject({ state: 'running', lag: 0, deadLetters: 1 })
    expect(status.faulty!.errors).toBeGreaterThanOrEqual(2)
    if (mode !== 'throw') expect(status.faulty!.restarts).toBeGreaterThanOrEqual(1)
    expect(status.counter).toMatchObject({ state: 'running', lag: 0, errors: 0, restarts: 0 })
  })
})

describe('the halt policy', () => {
  it('stops the plugin at the poison commit, keeps it visible, and retries it on enable', async () => {
    const db = new MemoryDatabase()
    const host = await createPluginHost({
      db,
      plugins: [{ module: fixture('faulty-plugin'), config: { mode: 'throw', keyspace: 'faulty-throw' } }, fixture('counting-plugin')],
      policy: { ...fastPolicy, deadLetter: 'halt' },
      onLog: () => {},
    })
    hosts.push(host)
    const { poisonTxnId } = await writeWorkload(db)
    await host.idle()
    const faulty = (await host.status()).find((row) => row.name === 'faulty')!
    expect(faulty.state).toBe('dead-lettered')
    expect(faulty.halted).toMatchObject({ firstTxnId: poisonTxnId, lastTxnId: poisonTxnId, error: { code: 'PLUGIN_HOOK_FAILED' } })
    expect(faulty.cursor).toBe(poisonTxnId - 1)
    expect(scan(db, 'faulty-throw', 'seen/')).toHaveLength(12)
    expect(db.read((snapshot) => snapshot.keyspace('sys').get('plugins/faulty/halted'))).toMatchObject({ firstTxnId: poisonTxnId })
    expect(db.read((snapshot) => snapshot.keyspace('counter').get('total'))).toBe(24)

    await host.enable('faulty')
    await host.idle()
    const again = (await host.status()).find((row) => row.name === 'faulty')!
    expect(again.state).toBe('dead-lettered')
    expect(again.deadLetters).toBe(2)
  })
})

describe('a worker plugin that loops forever outside any hook (in a timer)', () => {
  it('fails its liveness check, is restarted, and both plugins keep up', async () => {
    const db = new MemoryDatabase()
    const host = await createPluginHost({
      db,
      plugins: [{ module: fixture('faulty-plugin'), config: { mode: 'background-loop', keyspace: 'faulty-background-loop' } }, fixture('counting-plugin')],
      policy: { ...fastPolicy, liveness: { intervalMs: 50, timeoutMs: 200 } },
      onLog: () => {},
    })
    hosts.push(host)
    const { goodTxnIds } = await writeWorkload(db)
    await host.idle()
    let faulty = (await host.status()).find((row) => row.name === 'faulty')!
    while (faulty.lastError?.code !== 'PLUGIN_UNRESPONSIVE') {
      await new Promise((resolve) => setTimeout(resolve, 20))
      faulty = (await host.status()).find((row) => row.name === 'faulty')!
    }
    await db.write((tx) => tx.put('item/late', 1), { origin: 'app' })
    await host.idle()
    faulty = (await host.status()).find((row) => row.name === 'faulty')!
    expect(faulty.restarts).toBeGreaterThanOrEqual(1)
    expect(scan(db, 'faulty-background-loop', 'seen/').length).toBeGreaterThanOrEqual(goodTxnIds.length + 1)
    expect(db.read((snapshot) => snapshot.keyspace('counter').get('total'))).toBe(25)
  })
})
