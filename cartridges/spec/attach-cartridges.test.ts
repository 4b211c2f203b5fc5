import { describe, expect, it } from 'vitest'
import { open } from '../../core/index.js'
import { LivingDbError } from '../../errors/index.js'
import { dumpNow } from '../conformance/index.js'
import { createTasksCartridge } from '../tasks/index.js'
import { createHistoryCartridge } from '../temporal/index.js'
import { createTopicsCartridge } from '../topics/index.js'
import { attachCartridges } from './attach-cartridges.js'
import type { Cartridge } from './cartridge-definition.js'
import { CURSOR_KEYSPACE, readCursor } from './cartridge-cursor.js'
import { definitionKey, readDefinitionRecords } from './cartridge-recipe.js'
import { rebuildCartridge } from './rebuild-cartridge.js'

const quiet = (): void => undefined

function threeCartridges(): Cartridge[] {
  return [createTopicsCartridge({ source: { prefix: 'notes/' }, segmentSize: 3 }), createHistoryCartridge({ source: { prefix: 'notes/' } }), createTasksCartridge()]
}

async function expectEqualsRebuild(db: Awaited<ReturnType<typeof open>>, cartridges: readonly Cartridge[]): Promise<void> {
  for (const cartridge of cartridges) {
    const live = dumpNow(db, cartridge)
    await rebuildCartridge({ db, cartridge })
    expect(dumpNow(db, cartridge), `${cartridge.name}: live index equals a rebuild`).toEqual(live)
  }
}

describe('attachCartridges', () => {
  it('keeps every cartridge current as concurrent commits arrive, and equal to a rebuild', async () => {
    const db = await open({ durability: 'none' })
    const cartridges = threeCartridges()
    await db.put('notes/0', { text: 'written before attach: oslo harbour' })
    const attached = await attachCartridges({ db, cartridges, maxCommitsPerBatch: 7, onError: quiet })
    const writers = Array.from({ length: 4 }, (_, writer) =>
      (async () => {
        for (let index = 0; index < 60; index++) {
          await db.write((transaction) => {
            transaction.put(`notes/${writer}-${index % 20}`, { text: `ferry ${writer} leaves oslo at ${index}` })
            transaction.put(`tasks/${writer}-${index}`, { type: index % 2 === 0 ? 'email' : 'resize', priority: index % 5 })
            if (index % 7 === 3) transaction.delete(`notes/${writer}-${(index + 5) % 20}`)
          })
        }
      })(),
    )
    await Promise.all(writers)
    const head = db.txnId
    await attached.idle()
    for (const status of attached.status()) {
      expect(status.state, status.name).toBe('running')
      expect(status.position, status.name).toBeGreaterThanOrEqual(head)
      expect(status.errors).toBe(0)
    }
    const hits = attached.query('topics', 'search', { query: 'oslo harbour', limit: 1 }) as { key: string }[]
    expect(hits[0]?.key).toBe('notes/0')
    expect((attached.query('pending_tasks_by_type', 'counts', {}) as Record<string, number>).email).toBe(120)
    await attached.close()
    await expectEqualsRebuild(db, cartridges)
    await db.close()
  })

  it('records each cartridge definition in sys and persists cursors, so reattaching does no work', async () => {
    const db = await open({ durability: 'none' })
    const first = await attachCartridges({ db, cartridges: threeCartridges(), onError: quiet })
    for (let index = 0; index < 30; index++) await db.put(`notes/${index}`, { text: `note ${index} about the fjord` })
    await first.idle()
    await first.close()
    const records = db.read((snapshot) => readDefinitionRecords(snapshot.keyspace(CURSOR_KEYSPACE)))
    expect(records.map((record) => record.recipe?.kind).sort()).toEqual(['history', 'pending_tasks_by_type', 'topics'])
    expect(db.read((snapshot) => snapshot.keyspace(CURSOR_KEYSPACE).get(definitionKey('topics')))).toMatchObject({ keyspaces: ['topics'], formatVersion: 1 })
    const cursors = db.read((snapshot) => threeCartridges().map((cartridge) => readCursor(cartridge, snapshot.keyspace(CURSOR_KEYSPACE))))
    expect(Math.min(...cursors)).toBeGreaterThanOrEqual(30)
    const headBefore = db.txnId
    const second = await attachCartridges({ db, cartridges: threeCartridges(), onError: quiet })
    await second.idle()
    expect(db.txnId, 'reattaching current cartridges writes nothing').toBe(headBefore)
    await second.close()
    await db.close()
  })

  it('rebuilds a stale index on attach, or refuses with CARTRIDGE_STALE', async () => {
    const db = await open({ durability: 'none' })
    const attached = await attachCartridges({ db, cartridges: [createTopicsCartridge({ source: { prefix: 'notes/' } })] })
    await db.put('notes/1', { text: 'winter market' })
    await attached.idle()
    await attached.close()
    const changed = createTopicsCartridge({ source: { prefix: 'notes/' }, segmentSize: 2 })
    const refused = await attachCartridges({ db, cartridges: [changed], onStale: 'throw' }).catch((error: unknown) => error)
    expect(LivingDbError.isInstance(refused) && refused.code).toBe('CARTRIDGE_STALE')
    const rebuilt = await attachCartridges({ db, cartridges: [changed] })
    expect(rebuilt.get('topics').stats()).toMatchObject({ documents: 1, segmentSize: 2 })
    await rebuilt.close()
    await db.close()
  })

  it('a failing cartridge backs off while the others keep going; idle() reports it, then recovers', async () => {
    const db = await open({ durability: 'none' })
    let broken = true
    const topics = createTopicsCartridge({ source: { prefix: 'notes/' } })
    const fragile: Cartridge = {
      ...createHistoryCartridge({ name: 'fragile', source: { prefix: 'notes/' } }),
    }
    const failing: Cartridge = {
      ...fragile,
      apply(args) {
        if (broken && args.commits.some((commit) => commit.ops.some((operation) => operation.key === 'notes/poison'))) throw new Error('cannot digest poison')
        return fragile.apply(args)
      },
    }
    const errors: string[] = []
    const attached = await attachCartridges({ db, cartridges: [topics, failing], backoff: { initialMs: 5, maxMs: 20 }, onError: (error, cartridge) => errors.push(`${cartridge.name}: ${(error as Error).message}`) })
    await db.put('notes/a', { text: 'alpha' })
    await db.put('notes/poison', { text: 'poison' })
    await db.put('notes/b', { text: 'beta' })
    const failure = await attached.idle().catch((error: unknown) => error)
    expect(LivingDbError.isInstance(failure) && failure.code).toBe('CARTRIDGE_APPLY_FAILED')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors[0]).toContain('fragile')
    const [topicsStatus, fragileStatus] = attached.status()
    expect(topicsStatus!.position).toBeGreaterThanOrEqual(db.txnId - 1)
    expect(fragileStatus!.errors).toBeGreaterThan(0)
    expect(fragileStatus!.lastError?.code).toBe('CARTRIDGE_APPLY_FAILED')
    expect((attached.query('topics', 'search', { query: 'beta' }) as unknown[]).length).toBe(1)
    broken = false
    await attached.idle()
    expect(attached.get('fragile').status().state).toBe('running')
    expect(attached.query('fragile', 'versions', { key: 'notes/poison' })).toHaveLength(1)
    await attached.close()
    await expectEqualsRebuild(db, [topics, failing])
    await db.close()
  })

  it('rebuild() reports progress while writes continue, and ends equal to a full rebuild', async () => {
    const db = await open({ durability: 'none' })
    const cartridges = threeCartridges()
    const attached = await attachCartridges({ db, cartridges, maxCommitsPerBatch: 10 })
    for (let index = 0; index < 80; index++) await db.put(`notes/${index % 25}`, { text: `bridge ${index} near the museum` })
    await attached.idle()
    const progress: number[] = []
    const rebuilding = attached.rebuild('topics', { onProgress: ({ cursor }) => progress.push(cursor) })
    for (let index = 0; index < 20; index++) await db.put(`notes/late-${index}`, { text: `late museum note ${index}` })
    await rebuilding
    await attached.idle()
    expect(progress.length).toBeGreaterThan(1)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    expect((attached.query('topics', 'search', { query: 'late', limit: 50 }) as unknown[]).length).toBe(20)
    await attached.close()
    await expectEqualsRebuild(db, cartridges)
    await db.close()
  })

  it('background: true resolves before the initial build; idle() waits for it; reads as of a txn see the index then', async () => {
    const db = await open({ durability: 'none' })
    for (let index = 0; index < 300; index++) await db.put(`notes/${index}`, { text: `market ${index}` })
    const before = db.txnId
    const attached = await attachCartridges({ db, cartridges: [createTopicsCartridge({ source: { prefix: 'notes/' } })], background: true, maxCommitsPerBatch: 50 })
    expect(['rebuilding', 'syncing', 'running']).toContain(attached.get('topics').status().state)
    await attached.idle()
    expect(attached.get('topics').stats()).toMatchObject({ documents: 300 })
    const builtAt = db.txnId
    const extraTxn = (await db.put('notes/extra', { text: 'market extra' })).txnId
    await attached.idle()
    expect(attached.get('topics').stats()).toMatchObject({ documents: 301 })
    expect(attached.get('topics').stats({ asOf: builtAt })).toMatchObject({ documents: 300 })
    expect(attached.query('topics', 'search', { query: 'extra' }, { asOf: builtAt })).toEqual([])
    const facts = attached.get('topics').listFacts()
    expect(facts).toHaveLength(301)
    expect(facts.find((fact) => fact.provenance.sourceKey === 'notes/extra')?.provenance.txnId).toBe(extraTxn)
    expect(facts.filter((fact) => fact.provenance.sourceKey !== 'notes/extra').every((fact) => fact.provenance.txnId <= before)).toBe(true)
    await attached.close()
    await db.close()
  })

  it('rejects duplicate names and shared keyspaces, unknown names, and use after close', async () => {
    const db = await open({ durability: 'none' })
    const twice = await attachCartridges({ db, cartridges: [createTopicsCartridge(), createTopicsCartridge()] }).catch((error: unknown) => error)
    expect(LivingDbError.isInstance(twice) && twice.code).toBe('CARTRIDGE_INVALID')
    const shared = await attachCartridges({ db, cartridges: [createTopicsCartridge(), createHistoryCartridge({ keyspace: 'topics' })] }).catch((error: unknown) => error)
    expect(LivingDbError.isInstance(shared) && shared.code).toBe('CARTRIDGE_INVALID')
    const attached = await attachCartridges({ db, cartridges: [createTasksCartridge()] })
    expect(() => attached.get('nope')).toThrow(expect.objectContaining({ code: 'CARTRIDGE_NOT_FOUND' }))
    expect(attached.listQueries().map((query) => query.name)).toEqual(['pending', 'counts'])
    await attached.close()
    expect(() => attached.query('pending_tasks_by_type', 'counts', {})).toThrow(expect.objectContaining({ code: 'CARTRIDGES_CLOSED' }))
    await expect(attached.idle()).rejects.toMatchObject({ code: 'CARTRIDGES_CLOSED' })
    await db.close()
  })

  it('stops following when the database closes under it', async () => {
    const db = await open({ durability: 'none' })
    const attached = await attachCartridges({ db, cartridges: [createTasksCartridge()] })
    await db.put('tasks/1', { type: 'email' })
    await attached.idle()
    await db.close()
    await attached.close()
    expect(attached.status()[0]!.state).toBe('closed')
  })
})
