import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { open } from '../../db/index.js'
import { jsonError, runInProcess, useTemporaryDatabase } from '../test-support/run-in-process.js'

const temporary = useTemporaryDatabase({ beforeEach, afterEach })
const plugins = (...argv: string[]) => runInProcess(['plugins', ...argv, '--db', temporary.db])
const COUNTER = new URL('../../plugins/host/test-support/fixtures/counting-plugin.ts', import.meta.url)

/** A database where the counter plugin is registered in the database and caught up on 5 commits, then 3 more arrive while it is closed. */
async function seedDatabase(): Promise<void> {
  const db = await open({ path: temporary.db, durability: 'none', onPluginLog: () => {} })
  await db.plugins.add(COUNTER)
  for (let index = 0; index < 5; index++) await db.put(`item/${index}`, index)
  await db.plugins.idle()
  await db.close()
  const engineOnly = await open({ path: temporary.db, durability: 'none', startPlugins: false })
  for (let index = 5; index < 8; index++) await engineOnly.put(`item/${index}`, index)
  await engineOnly.close()
}

describe('livingdb plugins', () => {
  it('list shows the plugins the database records, with their stored registration', async () => {
    await seedDatabase()
    const run = await plugins('list', '--json')
    expect(run.exitCode, run.stderr).toBe(0)
    const listed = JSON.parse(run.stdout) as { plugins: { name: string; enabled: boolean; version: string; registration: { module: string } | null }[] }
    expect(listed.plugins).toEqual([{ name: 'counter', enabled: true, version: '1.0.0', registration: { module: COUNTER.href } }])
    const human = await plugins('list')
    expect(human.stdout.split('\n')[0]).toMatch(/^NAME\s+ENABLED\s+TRUST\s+VERSION\s+MODULE$/)
    expect(human.stdout).toMatch(/counter\s+yes\s+trusted\s+1\.0\.0\s+file:/)
  })

  it('status reports cursor and lag without starting the plugin', async () => {
    await seedDatabase()
    const run = await plugins('status', '--json')
    expect(run.exitCode, run.stderr).toBe(0)
    const status = JSON.parse(run.stdout) as { head: number; plugins: { name: string; state: string; cursor: number; lag: number }[] }
    expect(status.plugins).toHaveLength(1)
    expect(status.plugins[0]).toMatchObject({ name: 'counter', state: 'enabled', lag: 3, deadLetters: 0, halted: null })
    expect(status.plugins[0]!.cursor).toBeGreaterThan(0)
    expect(status.plugins[0]!.cursor).toBeLessThanOrEqual(status.head - 3)
    const again = await plugins('status', '--json')
    expect(JSON.parse(again.stdout)).toEqual(status)
    expect((await plugins('status')).stdout).toMatch(/counter\s+enabled\s+\d+\s+3\s+0\s+-/)
  })

  it('disable and enable flip the flag the next open() honours', async () => {
    await seedDatabase()
    const disabled = await plugins('disable', 'counter')
    expect(disabled.exitCode, disabled.stderr).toBe(0)
    expect(disabled.stdout).toBe('disabled counter\n')
    let db = await open({ path: temporary.db, durability: 'none', onPluginLog: () => {} })
    expect((await db.plugins.status())[0]).toMatchObject({ name: 'counter', state: 'disabled' })
    await db.close()
    expect(JSON.parse((await plugins('status', '--json')).stdout).plugins[0]).toMatchObject({ state: 'disabled', lag: 3 })

    const enabled = await plugins('enable', 'counter', '--json')
    expect(JSON.parse(enabled.stdout)).toEqual({ name: 'counter', enabled: true })
    db = await open({ path: temporary.db, durability: 'none', onPluginLog: () => {} })
    await db.plugins.idle()
    expect(db.keyspace('counter').get('total')).toBe(8)
    await db.close()
  })

  it('an unknown plugin is PLUGIN_NOT_FOUND and a missing database DB_NOT_FOUND', async () => {
    await seedDatabase()
    const unknown = await plugins('enable', 'nobody', '--json')
    expect(unknown.exitCode).toBe(1)
    expect(jsonError(unknown)).toMatchObject({ code: 'PLUGIN_NOT_FOUND', message: expect.stringContaining('counter') })
    const missing = await runInProcess(['plugins', 'status', '--db', `${temporary.db}-absent`, '--json'])
    expect(jsonError(missing).code).toBe('DB_NOT_FOUND')
  })
})
