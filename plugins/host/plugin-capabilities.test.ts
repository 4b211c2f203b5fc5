import { afterEach, describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { createPluginHost, type PluginHost } from './create-plugin-host.js'
import { createLlmModelAccess } from './llm-model-access.js'
import type { PluginModelAccess } from './plugin-model-access.js'
import type { DeadLetterRecord } from './plugin-sys-records.js'
import { MemoryDatabase } from './test-support/memory-database.js'

const fixture = (name: string) => new URL(`./test-support/fixtures/${name}.ts`, import.meta.url)
const hosts: PluginHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

async function start(db: MemoryDatabase, options: Omit<Parameters<typeof createPluginHost>[0], 'db' | 'onLog'>) {
  const host = await createPluginHost({ db, onLog: () => {}, ...options, policy: { maxAttempts: 1, backoff: { initialMs: 5, maxMs: 20 }, cursorFlushMs: 20, ...options.policy } })
  hosts.push(host)
  return host
}

function scan(db: MemoryDatabase, keyspace: string, prefix = ''): { key: string; value: unknown }[] {
  return db.read((snapshot) => [...(snapshot.keyspace(keyspace).scan({ prefix }) as Iterable<{ key: string; value: unknown }>)])
}

async function errorCode(action: () => Promise<unknown>): Promise<string> {
  try {
    await action()
  } catch (error) {
    return LivingDbError.isInstance(error) ? error.code : `unexpected: ${String(error)}`
  }
  return 'no error'
}

describe('permissions are enforced by the host', () => {
  it.each([
    ['read-foreign', 'PLUGIN_PERMISSION_DENIED'],
    ['read-sys', 'PLUGIN_PERMISSION_DENIED'],
    ['model', 'PLUGIN_PERMISSION_DENIED'],
    ['fetch', 'PLUGIN_PERMISSION_DENIED'],
  ])('%s is refused inside the plugin with %s', async (attempt, code) => {
    const db = new MemoryDatabase()
    await db.write((tx) => tx.put('secret/1', 'hidden'), { origin: 'app' })
    const host = await start(db, { plugins: [{ module: fixture('intruder-plugin'), config: { attempt } }] })
    await db.write((tx) => tx.put('public/1', 'hello'), { origin: 'app' })
    await host.idle()
    expect(db.read((snapshot) => snapshot.keyspace('intruder').get('outcome'))).toBe(code)
  })

  it.each([
    ['write-foreign', 'PLUGIN_PERMISSION_DENIED'],
    ['bad-result', 'PLUGIN_HOOK_FAILED'],
  ])('a returned %s is rejected with %s and nothing of the batch is applied', async (attempt, code) => {
    const db = new MemoryDatabase()
    const host = await start(db, { plugins: [{ module: fixture('intruder-plugin'), config: { attempt } }] })
    await db.write((tx) => tx.put('public/1', 'hello'), { origin: 'app' })
    await host.idle()
    expect(db.read((snapshot) => snapshot.get('public/defaced'))).toBeUndefined()
    expect(scan(db, 'intruder')).toHaveLength(0)
    const [letter] = scan(db, 'sys', 'plugins/intruder/dead-letters/').map((entry) => entry.value as DeadLetterRecord)
    expect(letter?.error.code).toBe(code)
  })

  it('delivers only the operations a plugin may read, and skips commits with none', async () => {
    const db = new MemoryDatabase()
    const host = await start(db, { plugins: [fixture('librarian-plugin')] })
    await db.write((tx) => {
      tx.put('doc/1', 'alpha beta')
      tx.put('secret/1', 'gamma')
    }, { origin: 'app' })
    await db.write((tx) => tx.put('secret/2', 'delta'), { origin: 'app' })
    await host.idle()
    const words = scan(db, 'library', 'word/').map((entry) => entry.key)
    expect(words).toEqual(['word/alpha/doc/1', 'word/beta/doc/1'])
  })
})

describe('loading and registration', () => {
  it.each([
    ['a missing module', { module: fixture('does-not-exist') }, 'PLUGIN_LOAD_FAILED'],
    ['a module without a plugin', { module: fixture('not-a-plugin') }, 'PLUGIN_LOAD_FAILED'],
    ['a config the schema rejects', { module: fixture('faulty-plugin'), config: { mode: 'explode' } }, 'PLUGIN_CONFIG_INVALID'],
    ['a TypeScript plugin asking for the sandbox (it runs JavaScript only)', { module: fixture('untrusted-plugin') }, 'PLUGIN_INVALID'],
  ])('%s fails with %s', async (_label, registration, code) => {
    expect(await errorCode(() => createPluginHost({ db: new MemoryDatabase(), plugins: [registration] }))).toBe(code)
  })

  it('two plugins owning one keyspace fail with PLUGIN_INVALID', async () => {
    expect(await errorCode(() => createPluginHost({ db: new MemoryDatabase(), plugins: [fixture('counting-plugin'), fixture('keyspace-thief-plugin')] }))).toBe('PLUGIN_INVALID')
  })

  it('a plugin object (not a module) is refused with a clear PLUGIN_INVALID', async () => {
    expect(await errorCode(() => createPluginHost({ db: new MemoryDatabase(), plugins: [{ name: 'inline' } as never] }))).toBe('PLUGIN_INVALID')
  })

  it('unknown plugin names fail with PLUGIN_NOT_FOUND and a closed host refuses work', async () => {
    const host = await start(new MemoryDatabase(), { plugins: [fixture('counting-plugin')] })
    expect(await errorCode(() => host.disable('nobody'))).toBe('PLUGIN_NOT_FOUND')
    await host.close()
    expect(await errorCode(() => host.idle())).toBe('PLUGIN_HOST_CLOSED')
  })
})

describe('hooks beyond onCommit', () => {
  it('onQuery adds candidates and rewrites the plan, onSchedule runs periodically', async () => {
    const db = new MemoryDatabase()
    const host = await start(db, { plugins: [fixture('librarian-plugin')] })
    await db.write((tx) => tx.put('doc/a', 'the quick fox'), { origin: 'app' })
    await db.write((tx) => tx.put('doc/b', 'a lazy dog'), { origin: 'app' })
    await host.idle()
    const outcome = await host.query({ question: 'fox', plan: { kind: 'scan' } })
    expect(outcome.candidates).toEqual([{ keyspace: 'default', key: 'doc/a', score: 1, source: 'librarian' }])
    expect(outcome.plan).toEqual({ kind: 'rewritten-by-librarian', inner: { kind: 'scan' } })
    expect(outcome.contributions).toEqual([{ plugin: 'librarian', addedCandidates: 1, rewrotePlan: true }])
    while (((db.read((snapshot) => snapshot.keyspace('library').get('ticks')) as number | undefined) ?? 0) < 2) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(db.log.filter((commit) => commit.ops.some((operation) => operation.key === 'ticks')).every((commit) => commit.origin === 'plugin:librarian')).toBe(true)
  })

  it('model calls go through the host with scope plugin:<name>, count spend and stop at the budget', async () => {
    const scopes: string[] = []
    const models: PluginModelAccess = {
      async generate({ request, context }) {
        scopes.push(context.scope)
        const prompt = String(request.messages.at(-1)?.content)
        expect(request.responseSchema?.schema).toMatchObject({ type: 'object' })
        return { text: JSON.stringify({ summary: prompt.split(' ')[0] }), toolCalls: [], usage: { inputTokens: 5, outputTokens: 70 }, finishReason: 'stop' }
      },
      async embed({ request, context }) {
        scopes.push(context.scope)
        return { embeddings: request.values.map((value) => [value.length, 1, 0]), usage: { inputTokens: 75 } }
      },
    }
    const db = new MemoryDatabase()
    const host = await start(db, { plugins: [{ module: fixture('librarian-plugin'), config: { useModel: true } }], models })
    for (const text of ['one fish', 'two fish', 'red fish', 'blue fish']) await db.write((tx) => tx.put(`doc/${text}`, text), { origin: 'app' })
    await host.idle()
    expect(db.read((snapshot) => snapshot.keyspace('library').get('summary/doc/one fish'))).toBe('one')
    expect(db.read((snapshot) => snapshot.keyspace('library').get('vector/doc/two fish'))).toEqual([8, 1, 0])
    expect(scan(db, 'library', 'refused/').map((entry) => entry.value)).toContain('BUDGET_EXCEEDED')
    expect(new Set(scopes)).toEqual(new Set(['plugin:librarian']))
    const [status] = await host.status()
    expect(status!.modelSpend.inputTokens + status!.modelSpend.outputTokens).toBeGreaterThanOrEqual(400)
    expect(status!.modelSpend.calls).toBe(scopes.length)
  })

  it('works with the llm layer: offline models behind the default guards, priced per plugin', async () => {
    const db = new MemoryDatabase()
    const host = await start(db, { plugins: [{ module: fixture('librarian-plugin'), config: { useModel: true } }], models: createLlmModelAccess() })
    await db.write((tx) => tx.put('doc/oslo', 'Dana Scully met Fox Mulder in Oslo on Monday.'), { origin: 'app' })
    await host.idle()
    const library = Object.fromEntries(scan(db, 'library').map((entry) => [entry.key, entry.value]))
    expect(library['refused/doc/oslo']).toBeUndefined()
    expect(typeof library['summary/doc/oslo']).toBe('string')
    expect((library['vector/doc/oslo'] as number[]).length).toBeGreaterThan(0)
    const [status] = await host.status()
    expect(status!.modelSpend.calls).toBe(2)
    expect(status!.modelSpend.inputTokens).toBeGreaterThan(0)
  })

  it('disable and enable are persisted in sys and survive a new host', async () => {
    const db = new MemoryDatabase()
    const first = await start(db, { plugins: [fixture('counting-plugin')] })
    await first.disable('counter')
    await db.write((tx) => tx.put('item/1', 1), { origin: 'app' })
    await first.idle()
    expect((await first.status())[0]).toMatchObject({ state: 'disabled', enabled: false })
    await first.close()
    const second = await start(db, { plugins: [fixture('counting-plugin')] })
    await second.idle()
    expect((await second.status())[0]).toMatchObject({ state: 'disabled', lag: 2 })
    expect(db.read((snapshot) => snapshot.keyspace('counter').get('total'))).toBeUndefined()
    await second.enable('counter')
    await second.idle()
    expect(db.read((snapshot) => snapshot.keyspace('counter').get('total'))).toBe(1)
    expect((await second.status())[0]).toMatchObject({ state: 'running', enabled: true, lag: 0 })
  })
})
