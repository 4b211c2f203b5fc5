import { afterEach, describe, expect, it } from 'vitest'
import { createPluginHost, type PluginHost } from './create-plugin-host.js'
import { MemoryDatabase } from './test-support/memory-database.js'

const fixture = (name: string) => new URL(`./test-support/fixtures/${name}.ts`, import.meta.url)
const hosts: PluginHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

async function start(db: MemoryDatabase, plugins: Parameters<typeof createPluginHost>[0]['plugins'], policy?: Parameters<typeof createPluginHost>[0]['policy']) {
  const host = await createPluginHost({ db, plugins, ...(policy === undefined ? {} : { policy }), onLog: () => {} })
  hosts.push(host)
  return host
}

function scan(db: MemoryDatabase, keyspace: string, prefix = ''): { key: string; value: unknown }[] {
  return db.read((snapshot) => [...(snapshot.keyspace(keyspace).scan({ prefix }) as Iterable<{ key: string; value: unknown }>)])
}

describe('plugin host on the commit stream', () => {
  it('delivers every visible commit once and commits writes with the cursor', async () => {
    const db = new MemoryDatabase()
    const host = await start(db, [fixture('counting-plugin')])
    for (let index = 0; index < 50; index++) await db.write((tx) => tx.put(`item/${index}`, index), { origin: 'app' })
    await db.write((tx) => tx.put('other/1', 1), { origin: 'app' })
    await host.idle()
    expect(db.read((snapshot) => snapshot.keyspace('counter').get('total'))).toBe(50)
    expect(scan(db, 'counter', 'seen/')).toHaveLength(50)
    const [status] = await host.status()
    expect(status).toMatchObject({ name: 'counter', state: 'running', lag: 0, errors: 0, restarts: 0 })
    expect(status!.cursor).toBeGreaterThanOrEqual(50)
    const applied = db.log.filter((commit) => commit.origin === 'plugin:counter' && commit.ops.some((operation) => operation.keyspace === 'counter'))
    for (const commit of applied) expect(commit.ops.some((operation) => operation.keyspace === 'sys' && operation.key === 'plugins/counter/cursor')).toBe(true)
  })

  it('resumes after a restart from the durable cursor without recounting', async () => {
    const db = new MemoryDatabase()
    const first = await start(db, [fixture('counting-plugin')])
    for (let index = 0; index < 20; index++) await db.write((tx) => tx.put(`item/${index}`, index), { origin: 'app' })
    await first.idle()
    await first.close()
    for (let index = 20; index < 30; index++) await db.write((tx) => tx.put(`item/${index}`, index), { origin: 'app' })
    const second = await start(db, [fixture('counting-plugin')])
    await second.idle()
    expect(db.read((snapshot) => snapshot.keyspace('counter').get('total'))).toBe(30)
    expect(scan(db, 'counter', 'seen/')).toHaveLength(30)
  })
})
