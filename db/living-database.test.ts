import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Database } from '../core/index.js'
import { LivingDbError } from '../errors/index.js'
import { readStoredPlugins } from '../plugins/host/stored-plugins.js'
import type { LivingDatabase } from './living-database.js'
import { open } from './open.js'

const COUNTER = new URL('../plugins/host/test-support/fixtures/counting-plugin.ts', import.meta.url)
const root = mkdtempSync(join(tmpdir(), 'livingdb-db-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let directories = 0
const freshPath = () => join(root, `db-${directories++}`)

async function writeItems(db: LivingDatabase, from: number, count: number): Promise<void> {
  for (let index = from; index < from + count; index++) await db.put(`item/${index}`, index)
}

describe('open() with plugins', () => {
  it('delegates the engine API and runs plugins registered in code', async () => {
    const db = await open({ path: freshPath(), durability: 'none', plugins: [COUNTER], onPluginLog: () => {} })
    try {
      expect(db).toBeInstanceOf(Database)
      await writeItems(db, 0, 10)
      await db.write((tx) => tx.keyspace('notes').put('a', { text: 'hello' }))
      expect(db.get('item/3')).toBe(3)
      expect([...db.scan({ prefix: 'item/' })]).toHaveLength(10)
      expect(db.readAt(5, (snapshot) => snapshot.txnId)).toBe(5)
      expect(db.read((snapshot) => snapshot.keyspace('notes').get('a'))).toEqual({ text: 'hello' })
      expect(db.keyspace('notes').get('a')).toEqual({ text: 'hello' })
      expect(db.keyspaces()).toContain('notes')
      await db.plugins.idle()
      expect(db.keyspace('counter').get('total')).toBe(10)
      expect(db.plugins.list().map((manifest) => manifest.name)).toEqual(['counter'])
      expect((await db.plugins.status())[0]).toMatchObject({ name: 'counter', state: 'running', lag: 0, sandboxed: false })
      const origins = new Set<string>()
      for await (const commit of db.commits({ from: 1 })) {
        origins.add(commit.origin)
        if (commit.txnId >= db.txnId) break
      }
      expect(origins).toEqual(new Set(['app', 'plugin:counter']))
      await db.checkpoint()
      expect(db.verify().ok).toBe(true)
      expect(Object.keys(db.checkValid())).toContain('default')
      expect(db.stats().txnId).toBe(db.txnId)
      expect(db.path).toBeDefined()
      await db.delete('item/0')
      expect(db.get('item/0')).toBeUndefined()
    } finally {
      await db.close()
    }
    await db.close()
    expect(() => db.get('item/1')).toThrow()
  })

  it('starts plugins registered in the database itself on reopen, with their enabled flag', async () => {
    const path = freshPath()
    const first = await open({ path, durability: 'none', onPluginLog: () => {} })
    const manifest = await first.plugins.add(COUNTER)
    expect(manifest.name).toBe('counter')
    await writeItems(first, 0, 5)
    await first.plugins.idle()
    await first.close()

    const second = await open({ path, durability: 'none', onPluginLog: () => {} })
    expect(second.plugins.list().map((plugin) => plugin.name)).toEqual(['counter'])
    await writeItems(second, 5, 5)
    await second.plugins.idle()
    expect(second.keyspace('counter').get('total')).toBe(10)
    await second.plugins.disable('counter')
    await writeItems(second, 10, 3)
    await second.close()

    const third = await open({ path, durability: 'none', onPluginLog: () => {} })
    expect((await third.plugins.status())[0]).toMatchObject({ name: 'counter', state: 'disabled', enabled: false })
    await third.plugins.enable('counter')
    await third.plugins.idle()
    expect(third.keyspace('counter').get('total')).toBe(13)
    await third.plugins.remove('counter')
    expect(third.plugins.list()).toEqual([])
    const stored = await readStoredPlugins(third)
    expect(stored).toMatchObject([{ name: 'counter', registration: null, cursor: expect.any(Number) }])
    await third.close()

    const fourth = await open({ path, durability: 'none', onPluginLog: () => {} })
    expect(fourth.plugins.list()).toEqual([])
    await fourth.close()
  })

  it('registers a module once when it is both in code and stored', async () => {
    const path = freshPath()
    const first = await open({ path, durability: 'none', onPluginLog: () => {} })
    await first.plugins.add(COUNTER)
    await first.close()
    const second = await open({ path, durability: 'none', plugins: [COUNTER], onPluginLog: () => {} })
    expect(second.plugins.list()).toHaveLength(1)
    await second.close()
  })

  it('closes the engine again when a plugin fails to start, so the directory can be reopened', async () => {
    const path = freshPath()
    let code: string | undefined
    try {
      await open({ path, durability: 'none', plugins: [new URL('./no-such-plugin.js', import.meta.url)] })
    } catch (error) {
      code = LivingDbError.isInstance(error) ? error.code : String(error)
    }
    expect(code).toBe('PLUGIN_LOAD_FAILED')
    const again = await open({ path, durability: 'none', startPlugins: false })
    expect(again.plugins.list()).toEqual([])
    await again.close()
  })
})
