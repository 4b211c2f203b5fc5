import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { open } from '../../db/index.js'
import { createLlmModelAccess } from '../../plugins/index.js'
import { startFakeNpmRegistry, TOKEN } from '../../plugins/marketplace/test-support/fake-npm-registry.js'
import { runCli } from '../run-cli.js'
import { jsonError, runInProcess, useTemporaryDatabase } from '../test-support/run-in-process.js'

const temporary = useTemporaryDatabase({ beforeEach, afterEach })
const EXAMPLES = fileURLToPath(new URL('../../plugins/examples/', import.meta.url))
const cli = (...argv: string[]) => runInProcess([...argv, '--db', temporary.db])

/** Runs `livingdb registry serve` in this process until the returned stop() is called. */
async function serveRegistry(directory: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const controller = new AbortController()
  let announced: (url: string) => void
  const url = new Promise<string>((resolve) => (announced = resolve))
  const running = runInProcess(['registry', 'serve', directory, '--port', '0', '--json'], { signal: controller.signal, onStdout: (text) => announced((JSON.parse(text) as { url: string }).url) })
  return {
    url: await Promise.race([url, running.then((run) => Promise.reject(new Error(`registry serve exited: ${run.stderr}`)))]),
    stop: async () => {
      controller.abort()
      expect((await running).exitCode).toBe(0)
    },
  }
}

describe('livingdb plugins (marketplace) and livingdb registry serve', () => {
  it('publishes both example plugins, finds them over HTTP, installs them with trust and consent, runs them sandboxed, and removes them', async () => {
    const key = join(temporary.directory, 'publisher.pem')
    const registryDirectory = join(temporary.directory, 'registry')
    const keygen = await runInProcess(['plugins', 'keygen', '--out', key, '--json'])
    expect(keygen.exitCode, keygen.stderr).toBe(0)
    const { fingerprint } = JSON.parse(keygen.stdout) as { fingerprint: string }
    expect((await runInProcess(['plugins', 'keygen', '--out', key])).exitCode).toBe(1)
    for (const example of ['pii-scanner', 'topic-tagger']) {
      const published = await runInProcess(['plugins', 'publish', join(EXAMPLES, example), '--registry', registryDirectory, '--key', key, '--json'])
      expect(published.exitCode, published.stderr).toBe(0)
      expect(JSON.parse(published.stdout)).toMatchObject({ name: example, version: '1.0.0', keyId: fingerprint })
    }
    const again = await runInProcess(['plugins', 'publish', join(EXAMPLES, 'pii-scanner'), '--registry', registryDirectory, '--key', key, '--json'])
    expect(jsonError(again).code).toBe('MARKETPLACE_VERSION_EXISTS')

    const server = await serveRegistry(registryDirectory)
    try {
      const search = await runInProcess(['plugins', 'search', 'personal', '--registry', server.url, '--json'])
      expect(search.exitCode, search.stderr).toBe(0)
      expect((JSON.parse(search.stdout) as { results: { name: string }[] }).results.map((hit) => hit.name)).toEqual(['pii-scanner'])
      const info = await cli('plugins', 'info', 'topic-tagger', '--registry', server.url, '--json')
      expect(JSON.parse(info.stdout)).toMatchObject({ name: 'topic-tagger', latest: '1.0.0', publisher: fingerprint, publisherTrusted: false, installed: null })
      expect((JSON.parse(info.stdout) as { permissions: string[] }).permissions).toContain('call language models through the guarded client (at most 500000 tokens)')

      const untrusted = await cli('plugins', 'install', 'pii-scanner', '--registry', server.url, '--yes', '--json')
      expect(jsonError(untrusted)).toMatchObject({ code: 'MARKETPLACE_PUBLISHER_UNTRUSTED', message: expect.stringContaining(fingerprint) })
      const trusted = await cli('plugins', 'trust', `${key}.pub`, '--name', 'examples', '--json')
      expect(JSON.parse(trusted.stdout)).toMatchObject({ fingerprint, name: 'examples' })
      const noConsent = await cli('plugins', 'install', 'pii-scanner@^1.0.0', '--registry', server.url)
      expect(noConsent.exitCode).toBe(1)
      expect(noConsent.stderr).toContain('MARKETPLACE_CONSENT_REQUIRED')
      expect(noConsent.stderr).toContain('--yes')

      for (const name of ['pii-scanner@^1.0.0', 'topic-tagger']) {
        const installed = await cli('plugins', 'install', name, '--registry', server.url, '--yes', '--json')
        expect(installed.exitCode, installed.stderr).toBe(0)
        expect((JSON.parse(installed.stdout) as { changed: { name: string; version: string }[] }).changed).toMatchObject([{ name: name.split('@')[0], version: '1.0.0' }])
      }
    } finally {
      await server.stop()
    }
    const lockfile = JSON.parse(readFileSync(join(temporary.db, 'plugins', 'livingdb-plugins.lock.json'), 'utf8')) as { plugins: Record<string, { version: string; permissions: unknown; publisher: string }> }
    expect(Object.keys(lockfile.plugins)).toEqual(['pii-scanner', 'topic-tagger'])
    expect(lockfile.plugins['pii-scanner']).toMatchObject({ version: '1.0.0', publisher: fingerprint, permissions: { read: [{ keyspace: 'default' }], write: ['pii-scanner'], network: false } })
    const listed = await cli('plugins', 'list')
    expect(listed.stdout).toMatch(/pii-scanner\s+yes\s+untrusted/)
    expect(listed.stdout).toMatch(/topic-tagger\s+yes\s+untrusted/)

    const db = await open({ path: temporary.db, durability: 'none', models: createLlmModelAccess({ languageModel: 'offline:default' }), onPluginLog: () => {} })
    try {
      await db.put('people/dana', { name: 'Dana', email: 'dana@example.com', phone: '+1 415 555 0100' })
      await db.put('notes/launch', { title: 'Sandbox launch', text: 'The plugin sandbox launch is next week. Marketplace packages are signed with Ed25519 and verified before install.' })
      await db.plugins.idle()
      const status = await db.plugins.status()
      expect(status.map((row) => [row.name, row.sandboxed, row.errors])).toEqual([
        ['pii-scanner', true, 0],
        ['topic-tagger', true, 0],
      ])
      const flag = db.keyspace('pii-scanner').get('flags/default/people/dana') as { kinds: Record<string, number> }
      expect(flag.kinds).toEqual({ email: 1, phone: 1 })
      expect(db.keyspace('pii-scanner').get('flags/default/notes/launch')).toBeUndefined()
      const tags = db.keyspace('topic-tagger').get('records/notes/launch') as { tags: string[] }
      expect(tags.tags.length).toBeGreaterThan(0)
      expect(tags.tags.some((tag) => tag.includes('sandbox') || tag.includes('launch') || tag.includes('marketplace'))).toBe(true)
      expect(status.find((row) => row.name === 'topic-tagger')!.modelSpend.calls).toBeGreaterThan(0)
    } finally {
      await db.close()
    }

    const removed = await cli('plugins', 'uninstall', 'topic-tagger', '--json')
    expect(JSON.parse(removed.stdout)).toEqual({ removed: ['topic-tagger'] })
    const afterUninstall = JSON.parse((await cli('plugins', 'list', '--json')).stdout) as { plugins: { name: string; registration: unknown }[] }
    expect(afterUninstall.plugins.find((plugin) => plugin.name === 'topic-tagger')?.registration ?? null).toBeNull()
    expect(afterUninstall.plugins.find((plugin) => plugin.name === 'pii-scanner')?.registration).toMatchObject({ trusted: false })
    const reinstall = await cli('plugins', 'install', '--registry', registryDirectory, '--json')
    expect(reinstall.exitCode, reinstall.stderr).toBe(0)
    expect((JSON.parse(reinstall.stdout) as { changed: { name: string }[] }).changed.map((plugin) => plugin.name)).toEqual(['pii-scanner'])
  })

  it('asks for consent on a terminal, showing the permissions, and installs only on yes', async () => {
    const key = join(temporary.directory, 'publisher.pem')
    const registryDirectory = join(temporary.directory, 'registry')
    expect((await runInProcess(['plugins', 'keygen', '--out', key])).exitCode).toBe(0)
    expect((await runInProcess(['plugins', 'publish', join(EXAMPLES, 'topic-tagger'), '--registry', registryDirectory, '--key', key])).exitCode).toBe(0)
    expect((await cli('plugins', 'trust', `${key}.pub`)).exitCode).toBe(0)
    const onTerminal = async (answer: string) => {
      let stdout = ''
      let stderr = ''
      const stdin = Object.assign(Readable.from([answer]), { isTTY: true })
      const exitCode = await runCli({
        argv: ['plugins', 'install', 'topic-tagger', '--registry', registryDirectory, '--db', temporary.db],
        io: { stdout: { write: (text) => ((stdout += text), true) }, stderr: { write: (text) => ((stderr += text), true) }, stdin, env: {} },
      })
      return { exitCode, stdout, stderr }
    }
    const declined = await onTerminal('n\n')
    expect(declined.exitCode).toBe(1)
    expect(declined.stderr).toContain('topic-tagger 1.0.0 (new)')
    expect(declined.stderr).toContain('call language models through the guarded client (at most 500000 tokens)')
    expect(declined.stderr).toContain('[y/N]')
    expect(declined.stderr).toContain('MARKETPLACE_CONSENT_REQUIRED')
    const accepted = await onTerminal('yes\n')
    expect(accepted.exitCode, accepted.stderr).toBe(0)
    expect(accepted.stdout).toContain('installed topic-tagger@1.0.0')
  })

  it('publishes to an npm registry and installs from it (search API, packument, dist.integrity, our signature)', async () => {
    const npm = await startFakeNpmRegistry()
    try {
      const key = join(temporary.directory, 'publisher.pem')
      expect((await runInProcess(['plugins', 'keygen', '--out', key])).exitCode).toBe(0)
      const publish = (...extra: string[]) => runInProcess(['plugins', 'publish', join(EXAMPLES, 'pii-scanner'), '--registry', `npm:${npm.url}`, '--key', key, '--json', ...extra], { env: { NPM_TOKEN: TOKEN } })
      expect(jsonError(await runInProcess(['plugins', 'publish', join(EXAMPLES, 'pii-scanner'), '--registry', `npm:${npm.url}`, '--key', key, '--json']))).toMatchObject({ code: 'MARKETPLACE_REGISTRY_UNREACHABLE', message: expect.stringContaining('--token') })
      const published = await publish()
      expect(published.exitCode, published.stderr).toBe(0)
      expect(JSON.parse(published.stdout)).toMatchObject({ name: 'pii-scanner', registry: `npm:${npm.url}` })
      expect(jsonError(await publish()).code).toBe('MARKETPLACE_VERSION_EXISTS')
      const search = await runInProcess(['plugins', 'search', 'pii', '--registry', `npm:${npm.url}`, '--json'])
      expect((JSON.parse(search.stdout) as { results: { name: string; version: string }[] }).results).toMatchObject([{ name: 'pii-scanner', version: '1.0.0' }])
      expect((await cli('plugins', 'trust', `${key}.pub`)).exitCode).toBe(0)
      const installed = await cli('plugins', 'install', 'pii-scanner', '--registry', `npm:${npm.url}`, '--yes', '--json')
      expect(installed.exitCode, installed.stderr).toBe(0)
      const lockfile = JSON.parse(readFileSync(join(temporary.db, 'plugins', 'livingdb-plugins.lock.json'), 'utf8')) as { plugins: Record<string, { source: string }> }
      expect(lockfile.plugins['pii-scanner']!.source).toBe(`npm:${npm.url}`)
      expect(npm.requests).toContain('PUT /pii-scanner')
    } finally {
      await npm.close()
    }
  })

  it('explains what is missing: a registry, a key, an installed plugin', async () => {
    expect(jsonError(await runInProcess(['plugins', 'search', 'x', '--json'])).code).toBe('CLI_USAGE')
    expect(jsonError(await runInProcess(['plugins', 'publish', EXAMPLES, '--registry', temporary.directory, '--json'])).code).toBe('CLI_USAGE')
    expect(jsonError(await cli('plugins', 'uninstall', 'nothing', '--json')).code).toBe('MARKETPLACE_NOT_INSTALLED')
    expect(jsonError(await cli('plugins', 'trust', 'not-a-key', '--json')).code).toBe('MARKETPLACE_KEY_INVALID')
    expect(jsonError(await runInProcess(['plugins', 'search', 'x', '--registry', join(temporary.directory, 'missing'), '--json'])).code).toBe('MARKETPLACE_REGISTRY_UNREACHABLE')
  })
})
