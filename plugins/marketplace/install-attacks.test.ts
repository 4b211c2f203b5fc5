import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { MarketplaceError } from './marketplace-error.js'
import { generatePublisherKey, parsePrivateKey, signPackage } from './package-signature.js'
import { PLUGIN_MANIFEST_FILE } from './plugin-package-manifest.js'
import { packTarball, unpackTarball } from './plugin-tarball.js'
import { StaticRegistrySource } from './static-registry.js'
import { consentAnswering, createTestWorld, gzippedTar, installedState, replaceTarball, type TestWorld } from './test-support/marketplace-fixtures.js'

const worlds: TestWorld[] = []
const servers: Server[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) world.remove()
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
})

function world(options?: Parameters<typeof createTestWorld>[0]): TestWorld {
  const created = createTestWorld(options)
  worlds.push(created)
  return created
}

/** Runs `attempt`, expects a marketplace error with `code`, and checks nothing changed on disk or in the database. */
async function expectRefused(target: TestWorld, code: string, attempt: () => Promise<unknown>): Promise<MarketplaceError> {
  const before = await installedState(target)
  let caught: unknown
  try {
    await attempt()
  } catch (error) {
    caught = error
  }
  expect(LivingDbError.isInstance(caught), String(caught)).toBe(true)
  expect((caught as LivingDbError).code, (caught as Error).message).toBe(code)
  expect((caught as Error).message.length).toBeGreaterThan(40)
  expect(await installedState(target)).toEqual(before)
  return caught as MarketplaceError
}

const install = (target: TestWorld, name: string, range = '*', extra: { allowUntrustedPublisher?: boolean } = {}) =>
  target.marketplace.install({ registry: target.registry, requests: [{ name, range }], consent: consentAnswering(target, true), ...extra })

/** The files of a published tarball, to rebuild hostile variants of it. */
function publishedFiles(target: TestWorld, name: string, version: string) {
  const tarball = readFileSync(join(target.registryDirectory, 'tarballs', `${name}-${version}.tgz`))
  return [...unpackTarball({ bytes: tarball }).values()]
}

describe('install refuses tampered packages', () => {
  it('refuses a tarball that does not match its integrity', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    const other = target.publish({ name: 'beta', version: '1.0.0' })
    replaceTarball(target, { name: 'alpha', version: '1.0.0', tarball: other.tarball, fixIntegrity: false })
    await expectRefused(target, 'MARKETPLACE_INTEGRITY_MISMATCH', () => install(target, 'alpha'))
  })

  it('refuses a package whose files changed after signing', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    const files = publishedFiles(target, 'alpha', '1.0.0').map((file) => (file.path === 'index.js' ? { ...file, data: new TextEncoder().encode('export default { evil: true }') } : file))
    replaceTarball(target, { name: 'alpha', version: '1.0.0', tarball: packTarball(files), fixIntegrity: true })
    const error = await expectRefused(target, 'MARKETPLACE_SIGNATURE_INVALID', () => install(target, 'alpha'))
    expect(error.message).toMatch(/content digest/)
  })

  it('refuses a package without a signature', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    const files = publishedFiles(target, 'alpha', '1.0.0').filter((file) => file.path !== 'livingdb-plugin.sig')
    replaceTarball(target, { name: 'alpha', version: '1.0.0', tarball: packTarball(files), fixIntegrity: true })
    await expectRefused(target, 'MARKETPLACE_SIGNATURE_MISSING', () => install(target, 'alpha'))
  })

  it('refuses a package re-signed by another key while the index claims the trusted one', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    const stranger = parsePrivateKey(generatePublisherKey().privateKeyPem, 'stranger')
    const unsigned = publishedFiles(target, 'alpha', '1.0.0').filter((file) => file.path !== 'livingdb-plugin.sig')
    const signature = signPackage({ files: unsigned, name: 'alpha', version: '1.0.0', privateKey: stranger })
    replaceTarball(target, { name: 'alpha', version: '1.0.0', tarball: packTarball([...unsigned, { path: 'livingdb-plugin.sig', data: new TextEncoder().encode(signature) }]), fixIntegrity: true })
    await expectRefused(target, 'MARKETPLACE_SIGNATURE_INVALID', () => install(target, 'alpha'))
  })

  it('refuses a signature made for another package name (a swapped package)', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    const beta = target.publish({ name: 'beta', version: '1.0.0' })
    const betaSignature = [...unpackTarball({ bytes: beta.tarball }).values()].find((file) => file.path === 'livingdb-plugin.sig')!
    const files = [...publishedFiles(target, 'alpha', '1.0.0').filter((file) => file.path !== 'livingdb-plugin.sig'), betaSignature]
    replaceTarball(target, { name: 'alpha', version: '1.0.0', tarball: packTarball(files), fixIntegrity: true })
    await expectRefused(target, 'MARKETPLACE_SIGNATURE_INVALID', () => install(target, 'alpha'))
  })

  it('refuses a package whose manifest differs from what the registry lists', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    const files = publishedFiles(target, 'alpha', '1.0.0').map((file) => {
      if (file.path !== PLUGIN_MANIFEST_FILE) return file
      const manifest = JSON.parse(new TextDecoder().decode(file.data)) as { permissions: { read: unknown[] } }
      manifest.permissions.read = [{ keyspace: 'default' }]
      return { ...file, data: new TextEncoder().encode(JSON.stringify(manifest)) }
    })
    replaceTarball(target, { name: 'alpha', version: '1.0.0', tarball: packTarball(files), fixIntegrity: true })
    await expectRefused(target, 'MARKETPLACE_MANIFEST_INVALID', () => install(target, 'alpha'))
  })
})

describe('install refuses untrusted publishers', () => {
  it('refuses a publisher whose key is not in the keyring, and names the fingerprint to trust', async () => {
    const target = world({ trust: false })
    target.publish({ name: 'alpha', version: '1.0.0' })
    const error = await expectRefused(target, 'MARKETPLACE_PUBLISHER_UNTRUSTED', () => install(target, 'alpha'))
    expect(error.message).toContain('livingdb plugins trust')
    expect(error.details.keyId).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('install refuses unsafe archives', () => {
  const cases: [string, Parameters<typeof gzippedTar>[0], string][] = [
    ['path traversal', [{ path: 'package/../../escaped.js', data: new TextEncoder().encode('x') }], 'MARKETPLACE_ARCHIVE_UNSAFE'],
    ['an absolute path', [{ path: '/tmp/livingdb-absolute-escape.js', data: new TextEncoder().encode('x') }], 'MARKETPLACE_ARCHIVE_UNSAFE'],
    ['a symbolic link', [{ path: 'package/link.js', type: 'symlink', linkTarget: '/etc/passwd' }], 'MARKETPLACE_ARCHIVE_UNSAFE'],
    ['a hard link', [{ path: 'package/link.js', type: 'hardlink', linkTarget: 'package/index.js' }], 'MARKETPLACE_ARCHIVE_UNSAFE'],
    ['a device file', [{ path: 'package/device', type: 'character-device' }], 'MARKETPLACE_ARCHIVE_UNSAFE'],
  ]
  for (const [label, entries, code] of cases) {
    it(`refuses ${label} inside the tarball`, async () => {
      const target = world()
      target.publish({ name: 'alpha', version: '1.0.0' })
      const files = publishedFiles(target, 'alpha', '1.0.0').map((file) => ({ path: `package/${file.path}`, data: file.data }))
      replaceTarball(target, { name: 'alpha', version: '1.0.0', tarball: gzippedTar([...files, ...entries]), fixIntegrity: true })
      await expectRefused(target, code, () => install(target, 'alpha'))
      expect(existsSync(join(target.root, 'escaped.js'))).toBe(false)
      expect(existsSync('/tmp/livingdb-absolute-escape.js')).toBe(false)
    })
  }

  it('refuses an oversized package before unpacking it', async () => {
    const target = world({ limits: { maxPackageBytes: 200 } })
    target.publish({ name: 'alpha', version: '1.0.0' })
    await expectRefused(target, 'MARKETPLACE_PACKAGE_TOO_LARGE', () => install(target, 'alpha'))
  })

  it('refuses a gzip bomb at the unpacked-size limit', async () => {
    const target = world({ limits: { maxFileBytes: 1024 * 1024, maxTotalBytes: 2 * 1024 * 1024 } })
    target.publish({ name: 'alpha', version: '1.0.0' })
    const files = publishedFiles(target, 'alpha', '1.0.0').map((file) => ({ path: `package/${file.path}`, data: file.data }))
    const bomb = gzippedTar([...files, { path: 'package/padding.bin', data: new Uint8Array(40 * 1024 * 1024) }])
    expect(bomb.length).toBeLessThan(200_000)
    replaceTarball(target, { name: 'alpha', version: '1.0.0', tarball: bomb, fixIntegrity: true })
    await expectRefused(target, 'MARKETPLACE_PACKAGE_TOO_LARGE', () => install(target, 'alpha'))
  })
})

describe('install refuses what cannot be resolved', () => {
  it('refuses a dependency cycle and names it', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0', dependencies: { beta: '^1.0.0' } })
    target.publish({ name: 'beta', version: '1.0.0', dependencies: { gamma: '^1.0.0' } })
    target.publish({ name: 'gamma', version: '1.0.0', dependencies: { alpha: '^1.0.0' } })
    const error = await expectRefused(target, 'MARKETPLACE_DEPENDENCY_CYCLE', () => install(target, 'alpha'))
    expect(error.details.cycle).toEqual(['alpha', 'beta', 'gamma', 'alpha'])
  })

  it('refuses dependency ranges no single version satisfies, within one install and against installed plugins', async () => {
    const target = world()
    target.publish({ name: 'beta', version: '1.0.0' })
    target.publish({ name: 'beta', version: '2.0.0' })
    target.publish({ name: 'gamma', version: '1.0.0', dependencies: { beta: '^2.0.0' } })
    target.publish({ name: 'alpha', version: '1.0.0', dependencies: { beta: '^1.0.0', gamma: '*' } })
    target.publish({ name: 'delta', version: '1.0.0', dependencies: { beta: '^1.0.0' } })
    await expectRefused(target, 'MARKETPLACE_DEPENDENCY_CONFLICT', () => install(target, 'alpha'))
    await install(target, 'delta')
    expect(target.marketplace.lockfile().plugins.beta!.version).toBe('1.0.0')
    const error = await expectRefused(target, 'MARKETPLACE_DEPENDENCY_CONFLICT', () => install(target, 'gamma'))
    expect(error.details).toMatchObject({ plugin: 'beta', version: '2.0.0', dependent: 'delta', range: '^1.0.0' })
  })

  it('refuses a plugin made for another engine version', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0', engines: '>=2.0.0' })
    const error = await expectRefused(target, 'MARKETPLACE_ENGINE_INCOMPATIBLE', () => install(target, 'alpha'))
    expect(error.message).toContain('>=2.0.0')
  })

  it('refuses a rollback below the version the lockfile records', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    target.publish({ name: 'alpha', version: '1.1.0' })
    await install(target, 'alpha')
    expect(target.marketplace.lockfile().plugins.alpha!.version).toBe('1.1.0')
    await expectRefused(target, 'MARKETPLACE_ROLLBACK_REFUSED', () => install(target, 'alpha', '1.0.0'))
  })

  it('refuses plugin code that declares other permissions than its manifest, after loading it only in the sandbox', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0', codePermissions: { read: [{ keyspace: 'default' }], write: ['alpha'], network: false } })
    await expectRefused(target, 'MARKETPLACE_MANIFEST_INVALID', () => install(target, 'alpha'))
  })
})

describe('updates and unreliable registries', () => {
  it('refuses an update that widens permissions without consent, keeping the installed version', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    await install(target, 'alpha', '^1.0.0')
    target.publish({ name: 'alpha', version: '1.1.0', permissions: { read: [{ keyspace: 'default' }], write: ['alpha'], model: { budget: { maxTokens: 1000 } }, network: false } })
    const error = await expectRefused(target, 'MARKETPLACE_CONSENT_REQUIRED', () => target.marketplace.update({ consent: consentAnswering(target, false) }))
    const asked = target.consents.at(-1)!
    expect(asked.action).toBe('update')
    expect(asked.plugins[0]).toMatchObject({ name: 'alpha', version: '1.1.0', previousVersion: '1.0.0', needsConsent: true })
    expect(asked.plugins[0]!.newPermissionLines.join('\n')).toMatch(/every key of your records[\s\S]*language models/)
    expect(error.details.plugins).toEqual(['alpha@1.1.0'])
    expect(target.marketplace.lockfile().plugins.alpha!.version).toBe('1.0.0')
  })

  it('leaves nothing installed when the registry goes away partway through an install', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0', dependencies: { beta: '^1.0.0' } })
    target.publish({ name: 'beta', version: '1.0.0' })
    let tarballs = 0
    const server = createServer((request, response) => {
      const path = decodeURIComponent(new URL(request.url!, 'http://x/').pathname).slice(1)
      if (path.startsWith('tarballs/') && ++tarballs > 1) return request.socket.destroy()
      try {
        response.end(readFileSync(join(target.registryDirectory, path)))
      } catch {
        response.writeHead(404).end()
      }
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const registry = new StaticRegistrySource(`http://127.0.0.1:${(server.address() as { port: number }).port}/`)
    await expectRefused(target, 'MARKETPLACE_REGISTRY_UNREACHABLE', () => target.marketplace.install({ registry, requests: [{ name: 'alpha', range: '*' }], consent: consentAnswering(target, true) }))
    expect(tarballs).toBe(2)
    expect(target.consents).toHaveLength(0)
  })

  it('refuses when consent is declined for a new plugin, before any of its code runs', async () => {
    const target = world()
    target.publish({ name: 'alpha', version: '1.0.0' })
    await expectRefused(target, 'MARKETPLACE_CONSENT_REQUIRED', () => target.marketplace.install({ registry: target.registry, requests: [{ name: 'alpha', range: '*' }], consent: consentAnswering(target, false) }))
    expect(target.consents[0]!.plugins[0]!.permissionLines).toContain('write its own keyspace "alpha"')
  })
})
