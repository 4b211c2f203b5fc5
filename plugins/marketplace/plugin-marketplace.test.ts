import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { open as openEngine } from '../../core/index.js'
import { LivingDbError } from '../../errors/index.js'
import { setStoredPluginEnabled } from '../host/stored-plugins.js'
import { PluginMarketplace } from './plugin-marketplace.js'
import { createDatabaseActivation, type PluginActivation } from './plugin-activation.js'
import { LOCKFILE_NAME } from './plugin-lockfile.js'
import { NpmRegistrySource } from './npm-registry.js'
import { startRegistryServer } from './registry-server.js'
import { StaticRegistrySource } from './static-registry.js'
import { startFakeNpmRegistry, type FakeNpmRegistry } from './test-support/fake-npm-registry.js'
import { consentAnswering, createTestWorld, installedState, PUBLISHER_KEY, registeredPlugins, writePluginSource, type TestWorld } from './test-support/marketplace-fixtures.js'
import { packPlugin } from './publish-plugin.js'

const worlds: TestWorld[] = []
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) world.remove()
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

function world(options?: Parameters<typeof createTestWorld>[0]): TestWorld {
  const created = createTestWorld(options)
  worlds.push(created)
  return created
}

const yes = (target: TestWorld) => consentAnswering(target, true)

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(LivingDbError.isInstance(error), String(error)).toBe(true)
  expect((error as LivingDbError).code).toBe(code)
}

describe('installing from a static registry directory', () => {
  it('installs a plugin with its dependency: consent first, then files, lockfile and untrusted registrations', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0', dependencies: { beta: '^1.0.0' } })
    target.publish({ name: 'beta', version: '1.0.0' })
    target.publish({ name: 'beta', version: '1.2.0' })
    target.publish({ name: 'beta', version: '2.0.0' })
    const report = await target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '^1.0.0' }], consent: yes(target) })
    expect(report.changed.map((plugin) => `${plugin.name}@${plugin.version}`)).toEqual(['beta@1.2.0', 'alpha@1.0.0'])
    expect(target.consents).toHaveLength(1)
    expect(target.consents[0]!.plugins.map((plugin) => [plugin.name, plugin.needsConsent, plugin.publisherTrusted])).toEqual([
      ['beta', true, true],
      ['alpha', true, true],
    ])
    expect(target.consents[0]!.plugins[1]!.permissionLines).toEqual(['read keys starting with "notes/" in your records (keyspace "default") and receive their commits', 'write its own keyspace "alpha"', 'no network access'])
    const lockfile = target.marketplace.lockfile()
    expect(lockfile.plugins.alpha).toMatchObject({ version: '1.0.0', requested: '^1.0.0', dependencies: { beta: '1.2.0' }, directory: 'packages/alpha@1.0.0', source: target.registry.location, publisherTrusted: true })
    expect(lockfile.plugins.alpha!.integrity).toMatch(/^sha512-/)
    expect(lockfile.plugins.alpha!.permissions).toEqual({ read: [{ keyspace: 'default', prefix: 'notes/' }], write: ['alpha'], network: false })
    expect(lockfile.plugins.beta!.requested).toBeUndefined()
    const state = await installedState(target)
    expect(state.packages).toEqual(['alpha@1.0.0', 'beta@1.2.0'])
    expect(state.staging).toEqual([])
    const registered = await registeredPlugins(target.databasePath)
    expect(registered.map((plugin) => [plugin.name, plugin.registration!.trusted, plugin.registration!.module.endsWith(`/plugins/packages/${plugin.name}@${plugin.name === 'alpha' ? '1.0.0' : '1.2.0'}/index.js`)])).toEqual([
      ['alpha', false, true],
      ['beta', false, true],
    ])
    expect(existsSync(join(target.pluginsDirectory, 'packages/alpha@1.0.0/livingdb-plugin.sig'))).toBe(true)
  })

  it('updates within the recorded range without asking again when permissions stay the same, and removes the old files', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    await target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '^1.0.0' }], consent: yes(target) })
    target.publish({ name: 'alpha', version: '1.1.0' })
    target.publish({ name: 'alpha', version: '2.0.0' })
    const report = await target.marketplace.update({ consent: consentAnswering(target, false) })
    expect(report.changed).toMatchObject([{ name: 'alpha', version: '1.1.0', previousVersion: '1.0.0' }])
    expect(target.consents).toHaveLength(1)
    expect((await installedState(target)).packages).toEqual(['alpha@1.1.0'])
    expect((await registeredPlugins(target.databasePath))[0]!.registration!.module).toContain('alpha@1.1.0')
    const again = await target.marketplace.update({ consent: yes(target) })
    expect(again).toEqual({ changed: [], unchanged: ['alpha'] })
  })

  it('updates with widened permissions once consent is given and records the new grant', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    await target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) })
    target.publish({ name: 'alpha', version: '1.1.0', permissions: { read: [{ keyspace: 'default' }], write: ['alpha'], network: false } })
    await target.marketplace.update({ names: ['alpha'], consent: yes(target) })
    expect(target.consents.at(-1)!.plugins[0]!.newPermissionLines).toEqual(['read every key of your records (keyspace "default") and receive its commits'])
    expect(target.marketplace.lockfile().plugins.alpha).toMatchObject({ version: '1.1.0', permissions: { read: [{ keyspace: 'default' }] } })
  })

  it('uninstalls a plugin with the dependencies nobody else needs, and refuses to pull a dependency from under a plugin', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0', dependencies: { beta: '^1.0.0' } })
    target.publish({ name: 'beta', version: '1.0.0' })
    await target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) })
    await expectCode(target.marketplace.uninstall({ names: ['beta'] }), 'MARKETPLACE_DEPENDED_ON')
    await expectCode(target.marketplace.uninstall({ names: ['gamma'] }), 'MARKETPLACE_NOT_INSTALLED')
    target.publish({ name: 'beta', version: '1.1.0' })
    await target.marketplace.update({ names: ['beta'], consent: yes(target) })
    expect(target.marketplace.lockfile().plugins.beta!.version).toBe('1.1.0')
    expect(target.marketplace.lockfile().plugins.beta!.requested).toBeUndefined()
    expect(target.marketplace.lockfile().plugins.alpha!.dependencies).toEqual({ beta: '1.1.0' })
    expect(await target.marketplace.uninstall({ names: ['alpha'] })).toEqual({ removed: ['alpha', 'beta'] })
    const state = await installedState(target)
    expect(state.packages).toEqual([])
    expect(state.registered).toEqual([])
    expect(JSON.parse(state.lockfile!).plugins).toEqual({})
  })

  it('reinstalls exactly what the lockfile records into a fresh database (a fresh clone), without new consent', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0', dependencies: { beta: '*' } })
    target.publish({ name: 'beta', version: '1.0.0' })
    await target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) })
    const lockfile = target.marketplace.lockfile()
    target.publish({ name: 'beta', version: '1.5.0' })
    const fresh = join(target.root, 'clone')
    mkdirSync(join(fresh, 'plugins'), { recursive: true })
    copyFileSync(join(target.pluginsDirectory, LOCKFILE_NAME), join(fresh, 'plugins', LOCKFILE_NAME))
    copyFileSync(join(target.pluginsDirectory, 'keyring.json'), join(fresh, 'plugins', 'keyring.json'))
    const clone = new PluginMarketplace({ pluginsDirectory: join(fresh, 'plugins'), engineVersion: '0.1.0', activation: createDatabaseActivation({ databasePath: fresh }) })
    const report = await clone.reinstall({ consent: consentAnswering(target, false) })
    expect(report.changed.map((plugin) => `${plugin.name}@${plugin.version}`).sort()).toEqual(['alpha@1.0.0', 'beta@1.0.0'])
    expect(clone.lockfile()).toEqual(lockfile)
    expect((await registeredPlugins(fresh)).map((plugin) => plugin.name)).toEqual(['alpha', 'beta'])
    expect(clone.list().every((plugin) => plugin.present)).toBe(true)
    rmSync(join(fresh, 'plugins', 'packages'), { recursive: true })
    await clone.reinstall({ consent: consentAnswering(target, false) })
    expect(clone.list().every((plugin) => plugin.present)).toBe(true)
  })

  it('keeps a plugin the user disabled off across an update, and switches it on again for a new install', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    await target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) })
    const disable = async () => {
      const engine = await openEngine({ path: target.databasePath, durability: 'none' })
      await setStoredPluginEnabled(engine, { name: 'alpha', enabled: false })
      await engine.close()
    }
    await disable()
    target.publish({ name: 'alpha', version: '1.1.0' })
    await target.marketplace.update({ consent: yes(target) })
    expect((await registeredPlugins(target.databasePath)).map((plugin) => [plugin.name, plugin.enabled])).toEqual([['alpha', false]])
    await target.marketplace.uninstall({ names: ['alpha'] })
    await target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) })
    expect((await registeredPlugins(target.databasePath)).map((plugin) => [plugin.name, plugin.enabled])).toEqual([['alpha', true]])
  })

  it('undoes the install when the database is held open by another handle (DB_LOCKED)', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    const holder = await openEngine({ path: target.databasePath, durability: 'none' })
    try {
      await expectCode(target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) }), 'DB_LOCKED')
      expect(existsSync(join(target.pluginsDirectory, LOCKFILE_NAME))).toBe(false)
      expect(readdirSync(join(target.pluginsDirectory, 'packages'))).toEqual([])
    } finally {
      await holder.close()
    }
    expect((await installedState(target)).registered).toEqual([])
  })

  it('undoes every step when enabling fails halfway through the commit', async () => {
    const target = world()
    const real = createDatabaseActivation({ databasePath: target.databasePath })
    let enables = 0
    const failing: PluginActivation = { ...real, enable: async (args) => {
      if (++enables === 2) throw new Error('disk full while registering')
      await real.enable(args)
    } }
    const flaky = new PluginMarketplace({ pluginsDirectory: target.pluginsDirectory, engineVersion: '0.1.0', activation: failing })
    target.publish({ name: 'alpha', version: '1.0.0', dependencies: { beta: '*' } })
    target.publish({ name: 'beta', version: '1.0.0' })
    const before = await installedState(target)
    await expect(flaky.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) })).rejects.toThrow('disk full')
    expect(await installedState(target)).toEqual(before)
  })
})

describe('one change at a time', () => {
  it('refuses to run beside another change, takes over a lock left by a dead process, and clears leftovers of an interrupted change', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    mkdirSync(target.pluginsDirectory, { recursive: true })
    writeFileSync(join(target.pluginsDirectory, '.lock'), String(process.pid))
    await expectCode(target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) }), 'MARKETPLACE_BUSY')
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    writeFileSync(join(target.pluginsDirectory, '.lock'), String(dead))
    mkdirSync(join(target.pluginsDirectory, '.staging', 'txn-interrupted', 'alpha@0.9.0'), { recursive: true })
    mkdirSync(join(target.pluginsDirectory, 'packages', 'ghost@1.0.0'), { recursive: true })
    await target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: yes(target) })
    const state = await installedState(target)
    expect(state.packages).toEqual(['alpha@1.0.0'])
    expect(state.staging).toEqual([])
    expect(existsSync(join(target.pluginsDirectory, '.lock'))).toBe(false)
  })
})

describe('other registries', () => {
  it('installs from a static registry served over HTTP by startRegistryServer, which serves nothing outside its directory', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    const server = await startRegistryServer({ directory: target.registryDirectory })
    cleanups.push(() => server.close())
    expect((await fetch(`${server.url}..%2f..%2fetc%2fpasswd`)).status).toBe(404)
    expect((await fetch(`${server.url}index.json`, { method: 'POST' })).status).toBe(405)
    const registry = new StaticRegistrySource(server.url)
    expect((await registry.search('test plugin')).map((hit) => hit.name)).toEqual(['alpha'])
    await target.marketplace.install({ registry, requests: [{ name: 'alpha', range: '1.0.0' }], consent: yes(target) })
    expect(target.marketplace.lockfile().plugins.alpha!.source).toBe(server.url)
  })

  describe('an npm registry (keyword livingdb-plugin, npm integrity plus our signature)', () => {
    let npm: FakeNpmRegistry
    async function npmWorld(options?: Parameters<typeof createTestWorld>[0]): Promise<{ target: TestWorld; source: NpmRegistrySource }> {
      const target = world(options)
      npm = await startFakeNpmRegistry()
      cleanups.push(() => npm.close())
      for (const [name, version] of [['alpha', '1.0.0'], ['alpha', '1.1.0'], ['beta', '1.0.0']] as const) {
        npm.publish(packPlugin({ directory: writePluginSource({ root: target.root, name, version }), privateKey: PUBLISHER_KEY }))
      }
      npm.publishOther('left-pad', '1.3.0')
      return { target, source: new NpmRegistrySource(npm.url) }
    }

    it('finds plugins through the search API and skips packages without the keyword', async () => {
      const { source } = await npmWorld()
      expect((await source.search('')).map((hit) => `${hit.name}@${hit.version}`)).toEqual(['alpha@1.1.0', 'beta@1.0.0'])
      expect((await source.search('alpha')).map((hit) => hit.name)).toEqual(['alpha'])
      expect(npm.requests.some((path) => path.startsWith('/-/v1/search?text=keywords%3Alivingdb-plugin'))).toBe(true)
      await expectCode(source.versions('left-pad'), 'MARKETPLACE_PACKAGE_NOT_FOUND')
      await expectCode(source.versions('nothing-here'), 'MARKETPLACE_PACKAGE_NOT_FOUND')
    })

    it('installs from the packument and tarball, recording the npm source', async () => {
      const { target, source } = await npmWorld()
      await target.marketplace.install({ registry: source, requests: [{ name: 'alpha', range: '~1.0.0' }], consent: yes(target) })
      expect(target.marketplace.lockfile().plugins.alpha).toMatchObject({ version: '1.0.0', source: `npm:${npm.url}` })
      expect((await target.marketplace.update({ consent: yes(target) })).changed).toMatchObject([])
      await target.marketplace.update({ ranges: { alpha: '^1.0.0' }, consent: yes(target) })
      expect(target.marketplace.lockfile().plugins.alpha).toMatchObject({ version: '1.1.0', requested: '^1.0.0' })
    })

    it('stops downloading an oversized tarball at the limit', async () => {
      const { target, source } = await npmWorld({ limits: { maxPackageBytes: 300 } })
      await expectCode(target.marketplace.install({ registry: source, requests: [{ name: 'beta', range: '*' }], consent: yes(target) }), 'MARKETPLACE_PACKAGE_TOO_LARGE')
      expect((await installedState(target)).packages).toEqual([])
    })

    it("refuses a tarball that does not match npm's dist.integrity", async () => {
      const { target, source } = await npmWorld()
      const other = packPlugin({ directory: writePluginSource({ root: target.root, name: 'alpha', version: '1.0.0', permissions: { read: [{ keyspace: 'default' }], write: ['alpha'], network: false } }), privateKey: PUBLISHER_KEY })
      npm.replaceTarball('alpha', '1.0.0', other.tarball)
      await expectCode(target.marketplace.install({ registry: source, requests: [{ name: 'alpha', range: '1.0.0' }], consent: yes(target) }), 'MARKETPLACE_INTEGRITY_MISMATCH')
      expect((await installedState(target)).packages).toEqual([])
    })
  })
})
