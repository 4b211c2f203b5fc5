import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { errorCodeOf } from './test-support/error-code.js'
import { contentDigest, generatePublisherKey, integrityOf, keyFingerprint, parsePrivateKey, parsePublicKey, SIGNATURE_FILE, signPackage, verifyPackageSignature } from './package-signature.js'
import { parsePluginManifest } from './plugin-package-manifest.js'
import { describePermissions, widenedPermissions } from './plugin-permission-text.js'
import { unpackTarball } from './plugin-tarball.js'
import { PublisherKeyring } from './publisher-keyring.js'
import { packPlugin, publishToDirectory } from './publish-plugin.js'
import { PUBLISHER, PUBLISHER_KEY, writePluginSource } from './test-support/marketplace-fixtures.js'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})
function temporary(): string {
  const root = mkdtempSync(join(tmpdir(), 'livingdb-signature-'))
  roots.push(root)
  return root
}
const file = (path: string, content: string) => ({ path, data: new TextEncoder().encode(content) })

describe('package signatures', () => {
  it('signs the contents, not the tar metadata, and verifies only for the signed name and version', () => {
    const files = [file('index.js', 'export default {}'), file('livingdb-plugin.json', '{}')]
    const signature = signPackage({ files, name: 'alpha', version: '1.0.0', privateKey: PUBLISHER_KEY })
    const signed = new Map([...files, file(SIGNATURE_FILE, signature)].map((entry) => [entry.path, entry]))
    expect(verifyPackageSignature({ files: signed, name: 'alpha', version: '1.0.0' }).keyId).toBe(PUBLISHER.fingerprint)
    expect(errorCodeOf(() => verifyPackageSignature({ files: signed, name: 'alpha', version: '1.0.1' }))).toBe('MARKETPLACE_SIGNATURE_INVALID')
    expect(errorCodeOf(() => verifyPackageSignature({ files: signed, name: 'beta', version: '1.0.0' }))).toBe('MARKETPLACE_SIGNATURE_INVALID')
    const extra = new Map(signed).set('extra.js', file('extra.js', 'added later'))
    expect(errorCodeOf(() => verifyPackageSignature({ files: extra, name: 'alpha', version: '1.0.0' }))).toBe('MARKETPLACE_SIGNATURE_INVALID')
    const garbage = new Map(signed).set(SIGNATURE_FILE, file(SIGNATURE_FILE, '{"format":"nope"}'))
    expect(errorCodeOf(() => verifyPackageSignature({ files: garbage, name: 'alpha', version: '1.0.0' }))).toBe('MARKETPLACE_SIGNATURE_INVALID')
    expect(contentDigest(files)).toBe(contentDigest([...files].reverse()))
    expect(integrityOf(new Uint8Array([1]))).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/)
  })

  it('reads keys made by openssl (the documented alternative to plugins keygen)', () => {
    const root = temporary()
    const keyPath = join(root, 'publisher.pem')
    try {
      execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', keyPath], { stdio: 'ignore' })
    } catch {
      writeFileSync(keyPath, generatePublisherKey().privateKeyPem)
    }
    const privateKey = parsePrivateKey(readFileSync(keyPath, 'utf8'), keyPath)
    expect(keyFingerprint(parsePublicKey(readFileSync(keyPath, 'utf8'), keyPath))).toMatch(/^[0-9a-f]{64}$/)
    expect(privateKey.asymmetricKeyType).toBe('ed25519')
    expect(errorCodeOf(() => parsePrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'bad.pem'))).toBe('MARKETPLACE_KEY_INVALID')
  })
})

describe('the keyring', () => {
  it('trusts keys by file or fingerprint, persists them, and refuses anything else', () => {
    const root = temporary()
    const path = join(root, 'keyring.json')
    const keyring = PublisherKeyring.open(path)
    expect(keyring.isTrusted(PUBLISHER.fingerprint)).toBe(false)
    expect(keyring.trust({ keyOrFingerprint: PUBLISHER.privateKeyPem }).fingerprint).toBe(PUBLISHER.fingerprint)
    const other = generatePublisherKey()
    keyring.trust({ keyOrFingerprint: other.fingerprint.toUpperCase(), name: 'other' })
    const reopened = PublisherKeyring.open(path)
    expect(reopened.isTrusted(PUBLISHER.fingerprint) && reopened.isTrusted(other.fingerprint)).toBe(true)
    expect(readFileSync(path, 'utf8')).not.toContain('PRIVATE KEY')
    expect(errorCodeOf(() => keyring.trust({ keyOrFingerprint: 'abc123' }))).toBe('MARKETPLACE_KEY_INVALID')
    writeFileSync(path, '{"format":"livingdb-keyring","version":1,"keys":[{"fingerprint":"zz"}]}')
    expect(errorCodeOf(() => PublisherKeyring.open(path))).toBe('MARKETPLACE_LOCKFILE_INVALID')
  })
})

describe('manifests and publishing', () => {
  it('validates livingdb-plugin.json and names every bad field', () => {
    let message = ''
    try {
      parsePluginManifest({ name: 'Bad Name', version: '1', apiVersion: 2, main: '../index.js', engines: { livingdb: '^^1' } }, 'test')
    } catch (error) {
      message = (error as Error).message
      expect((error as LivingDbError).code).toBe('MARKETPLACE_MANIFEST_INVALID')
    }
    for (const field of ['name', 'version', 'apiVersion', 'main', 'engines', 'permissions', 'description', 'license', 'author']) expect(message).toContain(field)
  })

  it('packs a directory into a signed tarball with an npm-ready package.json, and never republishes a version', () => {
    const root = temporary()
    const directory = writePluginSource({ root, name: 'alpha', version: '1.0.0', dependencies: { beta: '^1.0.0' } })
    writeFileSync(join(directory, '.env'), 'SECRET=1')
    const packed = packPlugin({ directory, privateKey: PUBLISHER_KEY })
    const files = unpackTarball({ bytes: packed.tarball })
    expect([...files.keys()].sort()).toEqual(['index.js', 'livingdb-plugin.json', 'livingdb-plugin.sig', 'package.json'])
    expect(JSON.parse(new TextDecoder().decode(files.get('package.json')!.data))).toMatchObject({ name: 'alpha', type: 'module', keywords: ['livingdb-plugin', 'test'], livingdb: { dependencies: { beta: '^1.0.0' } } })
    const registry = join(root, 'registry')
    publishToDirectory({ registryDirectory: registry, packed })
    expect(errorCodeOf(() => publishToDirectory({ registryDirectory: registry, packed }))).toBe('MARKETPLACE_VERSION_EXISTS')
    const index = JSON.parse(readFileSync(join(registry, 'index.json'), 'utf8'))
    expect(index.packages.alpha.versions['1.0.0']).toMatchObject({ integrity: packed.integrity, keyId: PUBLISHER.fingerprint, signature: packed.signature.signature, tarball: 'tarballs/alpha-1.0.0.tgz' })
  })

  it('describes permissions in plain sentences and finds what an update widens', () => {
    const before = { read: [{ keyspace: 'default', prefix: 'notes/' }], write: ['alpha'], network: false, model: { budget: { maxTokens: 100 } } }
    expect(describePermissions(before)).toEqual([
      'read keys starting with "notes/" in your records (keyspace "default") and receive their commits',
      'write its own keyspace "alpha"',
      'call language models through the guarded client (at most 100 tokens)',
      'no network access',
    ])
    expect(widenedPermissions(before, { ...before, read: [{ keyspace: 'default', prefix: 'notes/2026/' }] })).toEqual([])
    expect(widenedPermissions(before, { ...before, write: ['alpha', 'alpha-index'], model: { budget: { maxTokens: 1000 } }, receiveOwnCommits: true })).toEqual([
      'write its own keyspace "alpha-index"',
      'a larger model budget (at most 1000 tokens, was at most 100 tokens)',
      'receive its own commits',
    ])
    expect(widenedPermissions({ ...before, model: false }, before)).toEqual(['call language models through the guarded client (at most 100 tokens)'])
  })
})
