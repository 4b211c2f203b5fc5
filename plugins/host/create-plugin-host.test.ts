import { afterEach, describe, expect, it } from 'vitest'
import { open } from '../../index.js'
import { createPluginHost, headTxnId, type PluginHost } from './create-plugin-host.js'
import type { HostCommit, PluginHostDatabase } from './host-database.js'
import { MemoryDatabase } from './test-support/memory-database.js'

const fixture = (name: string) => new URL(`./test-support/fixtures/${name}.ts`, import.meta.url)
const hosts: PluginHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

async function start(db: PluginHostDatabase, plugins: Parameters<typeof createPluginHost>[0]['plugins'], policy?: Parameters<typeof createPluginHost>[0]['policy']) {
  const host = await createPluginHost({ db, plugins, ...(policy === undefined ? {} : { policy }), onLog: () => {} })
  hosts.push(host)
  return host
}

async function scan(db: PluginHostDatabase, keyspace: string, prefix = ''): Promise<{ key: string; value: unknown }[]> {
  return db.read((snapshot) => [...(snapshot.keyspace(keyspace).scan({ prefix }) as Iterable<{ key: string; value: unknown }>)])
}

async function get(db: PluginHostDatabase, keyspace: string, key: string): Promise<unknown> {
  return db.read((snapshot) => snapshot.keyspace(keyspace).get(key))
}

async function allCommits(db: PluginHostDatabase): Promise<HostCommit[]> {
  const head = await headTxnId(db)
  const commits: HostCommit[] = []
  for await (const commit of db.commits({ from: 1 })) {
    commits.push(commit)
    if (commit.txnId >= head) break
  }
  return commits
}

/** The host runs against the real engine (in memory) and the test double alike. */
const databases: readonly [string, () => Promise<PluginHostDatabase>][] = [
  ['the engine', async () => open({ durability: 'none' })],
  ['the memory test double', async () => new MemoryDatabase()],
]

describe.each(databases)('plugin host on the commit stream of %s', (_label, createDatabase) => {
  it('delivers every visible commit once and commits writes with the cursor', async () => {
    const db = await createDatabase()
    const host = await start(db, [fixture('counting-plugin')])
    for (let index = 0; index < 50; index++) await db.write((tx) => tx.put(`item/${index}`, index), { origin: 'app' })
    await db.write((tx) => tx.put('other/1', 1), { origin: 'app' })
    await host.idle()
    expect(await get(db, 'counter', 'total')).toBe(50)
    expect(await scan(db, 'counter', 'seen/')).toHaveLength(50)
    const [status] = await host.status()
    expect(status).toMatchObject({ name: 'counter', state: 'running', lag: 0, errors: 0, restarts: 0 })
    expect(status!.cursor).toBeGreaterThanOrEqual(50)
    const applied = (await allCommits(db)).filter((commit) => commit.origin === 'plugin:counter' && commit.ops.some((operation) => operation.keyspace === 'counter'))
    for (const commit of applied) expect(commit.ops.some((operation) => operation.keyspace === 'sys' && operation.key === 'plugins/counter/cursor')).toBe(true)
  })

  it('resumes after a restart from the durable cursor without recounting', async () => {
    const db = await createDatabase()
    const first = await start(db, [fixture('counting-plugin')])
    for (let index = 0; index < 20; index++) await db.write((tx) => tx.put(`item/${index}`, index), { origin: 'app' })
    await first.idle()
    await first.close()
    for (let index = 20; index < 30; index++) await db.write((tx) => tx.put(`item/${index}`, index), { origin: 'app' })
    const second = await start(db, [fixture('counting-plugin')])
    await second.idle()
    expect(await get(db, 'counter', 'total')).toBe(30)
    expect(await scan(db, 'counter', 'seen/')).toHaveLength(30)
  })
})

describe.each(databases)('on %s, the commit path never waits on a plugin', (_label, createDatabase) => {
  it('db.write() resolves while a plugin that sleeps 1 s per batch still holds its batch', async () => {
    const db = await createDatabase()
    const host = await start(db, [{ module: fixture('sleepy-plugin'), config: { ms: 1_000 } }])
    await db.write((tx) => tx.put('first', 1), { origin: 'app' })
    while ((await host.status())[0]!.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const resolved: number[] = []
    for (let index = 0; index < 50; index++) resolved.push((await db.write((tx) => tx.put(`next/${index}`, index), { origin: 'app' })).txnId)
    const during = (await host.status())[0]!
    expect(resolved).toHaveLength(50)
    expect(during.inFlight).toBe(1)
    expect(during.cursor).toBe(0)
    expect(during.lag).toBe(51)
    expect(await scan(db, 'sleepy')).toHaveLength(0)
    await host.idle()
    expect(await scan(db, 'sleepy', 'seen/')).toHaveLength(51)
  })
})
