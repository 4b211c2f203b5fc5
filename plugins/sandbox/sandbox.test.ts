import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, cpSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { open, type Database } from '../../core/index.js'
import { LivingDbError } from '../../errors/index.js'
import { createPluginHost, type PluginHost } from '../host/create-plugin-host.js'
import { createLlmModelAccess } from '../host/llm-model-access.js'
import type { DeadLetterRecord } from '../host/plugin-sys-records.js'
import type { PluginLogRecord, PluginStatus } from '../host/plugin-status.js'

const HOSTILE = new URL('./test-support/fixtures/hostile-plugin/index.js', import.meta.url)
const COUNTER = new URL('../host/test-support/fixtures/counting-plugin.ts', import.meta.url)
const root = mkdtempSync(join(tmpdir(), 'livingdb-sandbox-'))
const opened: { host: PluginHost; db: Database }[] = []
let server: Server
let connections = 0
let port = 0

beforeAll(async () => {
  server = createServer((socket) => {
    connections++
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterEach(async () => {
  for (const { host, db } of opened.splice(0)) {
    await host.close()
    await db.close()
  }
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  rmSync(root, { recursive: true, force: true })
})

const policy = { maxAttempts: 2, backoff: { initialMs: 10, maxMs: 50 }, cursorFlushMs: 20 }
let directories = 0

async function startHostile(config: Record<string, unknown>, extra: { heapLimitMb?: number; liveness?: { intervalMs: number; timeoutMs: number } } = {}) {
  const db = await open({ path: join(root, `db-${directories++}`), durability: 'none' })
  const logs: PluginLogRecord[] = []
  const host = await createPluginHost({
    db,
    plugins: [{ module: HOSTILE, trusted: false, config, heapLimitMb: extra.heapLimitMb ?? 64 }, COUNTER],
    policy: { ...policy, ...(extra.liveness === undefined ? {} : { liveness: extra.liveness }) },
    onLog: (record) => logs.push(record),
  })
  opened.push({ host, db })
  await db.write((tx) => tx.put('secret/1', 'the launch codes'), { origin: 'app' })
  for (let index = 0; index < 3; index++) {
    await db.write((tx) => {
      tx.put(`public/${index}`, index)
      tx.put(`item/${index}`, index)
    }, { origin: 'app' })
  }
  await host.idle()
  return { db, host, logs }
}

async function statusOf(host: PluginHost, name: string): Promise<PluginStatus> {
  return (await host.status()).find((row) => row.name === name)!
}

/** After the attack the database still commits and the trusted neighbour still keeps up. */
async function expectDatabaseUnharmed(db: Database, host: PluginHost): Promise<void> {
  for (let index = 0; index < 5; index++) await db.write((tx) => tx.put(`item/after-${index}`, index), { origin: 'app' })
  await host.idle()
  expect(db.keyspace('counter').get('total')).toBe(8)
  expect(await statusOf(host, 'counter')).toMatchObject({ state: 'running', lag: 0, errors: 0, sandboxed: false })
}

function outcomes(db: Database): unknown[] {
  return [...db.keyspace('hostile').scan({ prefix: 'outcome/' })].map((entry) => entry.value)
}

describe('a well-behaved untrusted plugin', () => {
  it('runs in the sandbox with exactly-once delivery like a worker plugin', async () => {
    const { db, host } = await startHostile({ attempt: 'none' })
    expect(outcomes(db)).toEqual(['allowed:none', 'allowed:none', 'allowed:none'])
    expect(await statusOf(host, 'hostile')).toMatchObject({ state: 'running', sandboxed: true, violations: 0, errors: 0, lag: 0 })
    expect(host.list().find((manifest) => manifest.name === 'hostile')).toMatchObject({ trusted: false, permissions: { network: false } })
    await expectDatabaseUnharmed(db, host)
  })
})

describe('an untrusted plugin with model permission', () => {
  it('calls models through the host (offline models, guarded, counted per plugin)', async () => {
    const db = await open({ durability: 'none' })
    const host = await createPluginHost({ db, plugins: [{ module: HOSTILE, exportName: 'summarizer', trusted: false }], models: createLlmModelAccess(), policy, onLog: () => {} })
    opened.push({ host, db })
    await db.write((tx) => tx.put('doc/oslo', 'Dana Scully met Fox Mulder in Oslo on Monday.'), { origin: 'app' })
    await host.idle()
    const summary = db.keyspace('summaries').get('doc/oslo') as { text: string; dimensions: number }
    expect(summary.text.length).toBeGreaterThan(0)
    expect(summary.dimensions).toBeGreaterThan(0)
    expect(await statusOf(host, 'summarizer')).toMatchObject({ sandboxed: true, violations: 0, modelSpend: { calls: 2 } })
  })
})

describe('a plugin that declares trusted: false itself', () => {
  it('is moved from its worker into the sandbox even when registered as trusted', async () => {
    const directory = mkdtempSync(join(root, 'self-declared-'))
    cpSync(fileURLToPath(new URL('.', HOSTILE)), directory, { recursive: true })
    writeFileSync(join(directory, 'modest.js'), "import plugin from './index.js'\nexport default { ...plugin, trusted: false }\n")
    const db = await open({ durability: 'none' })
    const host = await createPluginHost({ db, plugins: [{ module: join(directory, 'modest.js'), config: { attempt: 'socket', port } }], policy, onLog: () => {} })
    opened.push({ host, db })
    await db.write((tx) => tx.put('public/1', 1), { origin: 'app' })
    await host.idle()
    expect(await statusOf(host, 'hostile')).toMatchObject({ sandboxed: true, violations: 1 })
    expect(outcomes(db)).toEqual(['PLUGIN_SANDBOX_VIOLATION'])
    expect(connections).toBe(0)
  })
})

describe('a hostile plugin in the sandbox', () => {
  const cases: readonly [string, () => Record<string, unknown>, string, () => void][] = [
    ['reads a file outside its package', () => ({ attempt: 'read-file', target: '/etc/hostname' }), 'fs.readFileSync', () => {}],
    ['reads the database files', () => ({ attempt: 'list-directory', target: root }), 'fs.readdirSync', () => {}],
    ['writes a file', () => ({ attempt: 'write-file', target: join(root, 'pwned-sync') }), 'fs.writeFileSync', () => expect(existsSync(join(root, 'pwned-sync'))).toBe(false)],
    ['writes a file with fs.promises', () => ({ attempt: 'write-file-async', target: join(root, 'pwned-async') }), 'fs/promises.writeFile', () => expect(existsSync(join(root, 'pwned-async'))).toBe(false)],
    ['opens a socket', () => ({ attempt: 'socket', port }), 'net.connect', () => expect(connections).toBe(0)],
    ['opens a socket through process.getBuiltinModule', () => ({ attempt: 'builtin-socket', port }), 'net.createConnection', () => expect(connections).toBe(0)],
    ['makes an HTTP request', () => ({ attempt: 'http', port }), 'http.get', () => expect(connections).toBe(0)],
    ['calls fetch', () => ({ attempt: 'fetch', port }), 'fetch', () => expect(connections).toBe(0)],
    ['spawns a process', () => ({ attempt: 'spawn', target: join(root, 'spawned') }), 'child_process.execFileSync', () => expect(existsSync(join(root, 'spawned'))).toBe(false)],
    ['starts a worker thread', () => ({ attempt: 'worker' }), 'worker_threads.Worker', () => {}],
    ['reads an environment variable', () => ({ attempt: 'env', name: 'LIVINGDB_SANDBOX_SECRET' }), 'process.env', () => {}],
    ['signals the host process', () => ({ attempt: 'kill-host' }), 'process.kill', () => {}],
    ['renices the host process', () => ({ attempt: 'renice-host' }), 'os.setPriority', () => {}],
    ['calls process.exit', () => ({ attempt: 'exit' }), 'process.exit', () => {}],
    ['turns on V8 natives syntax', () => ({ attempt: 'v8-flags' }), 'v8.setFlagsFromString', () => {}],
    ['reads a key outside its grants through the capability protocol', () => ({ attempt: 'read-foreign' }), 'read.get', () => {}],
    ['scans sys through the capability protocol', () => ({ attempt: 'read-sys' }), 'read.scan', () => {}],
  ]

  it.each(cases)('%s: refused, reported, and the database keeps committing', async (_label, config, action, check) => {
    process.env.LIVINGDB_SANDBOX_SECRET = 'hunter2'
    try {
      const { db, host, logs } = await startHostile(config())
      const seen = outcomes(db)
      expect(seen).toHaveLength(3)
      for (const outcome of seen) expect(String(outcome)).not.toMatch(/^allowed:(?!missing)/)
      expect(JSON.stringify(seen)).not.toContain('hunter2')
      const status = await statusOf(host, 'hostile')
      expect(status.sandboxed).toBe(true)
      expect(status.violations).toBeGreaterThanOrEqual(1)
      expect(status.recentViolations.map((violation) => violation.action)).toContain(action)
      expect(logs.some((record) => record.plugin === 'hostile' && record.fields?.code === 'PLUGIN_SANDBOX_VIOLATION')).toBe(true)
      check()
      await expectDatabaseUnharmed(db, host)
    } finally {
      delete process.env.LIVINGDB_SANDBOX_SECRET
    }
  })

  it('finds no socket class through process.stdout (stdout is not a pipe in the sandbox)', async () => {
    const { db, host } = await startHostile({ attempt: 'stdout-socket', port })
    for (const outcome of outcomes(db)) expect(outcome).not.toMatch(/^allowed/)
    expect(connections).toBe(0)
    await expectDatabaseUnharmed(db, host)
  })

  it('cannot generate code from strings', async () => {
    const { db, host } = await startHostile({ attempt: 'eval' })
    for (const outcome of outcomes(db)) expect(outcome).not.toMatch(/^allowed/)
    await expectDatabaseUnharmed(db, host)
  })

  const crashes: readonly [string, string, string, RegExp][] = [
    ['allocates heap without bound', 'allocate', 'PLUGIN_CRASHED', /ran out of memory/],
    ['allocates buffers outside the heap without bound', 'allocate-buffers', 'PLUGIN_CRASHED', /over the sandbox limit/],
    ['loops forever', 'busy-loop', 'PLUGIN_HOOK_TIMEOUT', /did not finish within/],
  ]

  it.each(crashes)('%s: killed, restarted, dead-lettered, and the database keeps committing', async (_label, attempt, code, message) => {
    const { db, host } = await startHostile({ attempt }, { heapLimitMb: 32 })
    expect(outcomes(db)).toEqual([])
    const deadLetters = [...db.keyspace('sys').scan({ prefix: 'plugins/hostile/dead-letters/' })].map((entry) => entry.value as unknown as DeadLetterRecord)
    expect(deadLetters).toHaveLength(3)
    for (const record of deadLetters) expect(record.error).toMatchObject({ code, message: expect.stringMatching(message) })
    const status = await statusOf(host, 'hostile')
    expect(status).toMatchObject({ state: 'running', sandboxed: true, lag: 0 })
    expect(status.restarts).toBeGreaterThanOrEqual(1)
    await expectDatabaseUnharmed(db, host)
  })
})

describe('a plugin that floods the log', () => {
  it('gets at most its rate of log records through', async () => {
    const { db, host, logs } = await startHostile({ attempt: 'log-flood' })
    const spam = logs.filter((record) => record.plugin === 'hostile' && record.message === 'spam')
    expect(spam.length).toBeGreaterThan(0)
    // 3 batches x (5,000 log calls + 5,000 output lines) were sent; the limit lets 200 a second through.
    expect(spam.length).toBeLessThan(3 * 2 * 5_000)
    await expectDatabaseUnharmed(db, host)
  })
})

describe('a plugin that loops forever outside a hook (in a timer)', () => {
  it('fails its liveness check, is terminated and restarted, and the database keeps committing', async () => {
    const { db, host } = await startHostile({ attempt: 'background-loop' }, { liveness: { intervalMs: 100, timeoutMs: 300 } })
    expect(outcomes(db)).toEqual(['allowed:scheduled', 'allowed:scheduled', 'allowed:scheduled'])
    let status = await statusOf(host, 'hostile')
    while (status.lastError?.code !== 'PLUGIN_UNRESPONSIVE') {
      await new Promise((resolve) => setTimeout(resolve, 50))
      status = await statusOf(host, 'hostile')
    }
    await db.write((tx) => tx.put('public/again', 1), { origin: 'app' })
    await host.idle()
    status = await statusOf(host, 'hostile')
    expect(status.restarts).toBeGreaterThanOrEqual(1)
    expect(outcomes(db)).toHaveLength(4)
    await expectDatabaseUnharmed(db, host)
  })
})

describe('what the sandbox refuses to start', () => {
  function copyPackage(): string {
    const directory = mkdtempSync(join(root, 'package-'))
    cpSync(fileURLToPath(new URL('.', HOSTILE)), directory, { recursive: true })
    return directory
  }

  async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
    try {
      await action()
      return undefined
    } catch (error) {
      return LivingDbError.isInstance(error) ? error.code : String(error)
    }
  }

  it('a package directory that contains the database', async () => {
    const directory = copyPackage()
    const db = await open({ path: join(directory, 'data'), durability: 'none' })
    try {
      expect(await codeOf(() => createPluginHost({ db, plugins: [{ module: join(directory, 'index.js'), trusted: false, config: { attempt: 'none' } }] }))).toBe('PLUGIN_INVALID')
    } finally {
      await db.close()
    }
  })

  it('a module inside the working directory\'s package (the app itself)', async () => {
    const db = await open({ durability: 'none' })
    const inApp = new URL('./test-support/fixtures/loose-plugin.js', import.meta.url)
    expect(await codeOf(() => createPluginHost({ db, plugins: [{ module: inApp, trusted: false }] }))).toBe('PLUGIN_INVALID')
    await db.close()
  })

  it('a symbolic link leading out of the package', async () => {
    const directory = copyPackage()
    mkdirSync(join(directory, 'lib'))
    symlinkSync('/etc', join(directory, 'lib', 'etc'))
    const db = await open({ durability: 'none' })
    expect(await codeOf(() => createPluginHost({ db, plugins: [{ module: join(directory, 'index.js'), trusted: false, config: { attempt: 'none' } }] }))).toBe('PLUGIN_INVALID')
    await db.close()
  })

  it('an untrusted plugin asking for the network', async () => {
    const directory = copyPackage()
    const networked = join(directory, 'networked.js')
    writeFileSync(networked, "import plugin from './index.js'\nexport default { ...plugin, permissions: { ...plugin.permissions, network: true } }\n")
    const db = await open({ durability: 'none' })
    expect(await codeOf(() => createPluginHost({ db, plugins: [{ module: pathToFileURL(networked), trusted: false, config: { attempt: 'none' } }] }))).toBe('PLUGIN_PERMISSION_DENIED')
    await db.close()
  })
})
