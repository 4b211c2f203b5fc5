import { afterEach, describe, expect, it } from 'vitest'
import { open, type Database } from '../core/index.js'
import { ARCHIVE_KEYSPACE, SegmentCache, isArchiveReference } from './archive-segment.js'
import { autonomyDatabase } from './autonomy-database.js'
import type { AutonomyAction } from './autonomy-action.js'
import { type Autonomy, createAutonomy } from './create-autonomy.js'
import { moveColdValues, planTiering } from './tiering.js'
import { writeHotColdDataset } from './test-support/hot-cold-workload.js'

const opened: Database[] = []
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close()
})

const policy = { tiering: { minObservedMs: 1_000, minRunBytes: 0, minValueBytes: 64, segmentKeys: 40 } }

async function setUp(): Promise<{ db: Database; autonomy: Autonomy; clock: { now: number }; dataset: Awaited<ReturnType<typeof writeHotColdDataset>> }> {
  const db = await open({ durability: 'none' })
  opened.push(db)
  const clock = { now: Date.now() }
  const dataset = await writeHotColdDataset({ db, hot: 60, cold: 240, bytes: 400 })
  const autonomy = await createAutonomy({ db, policy, statistics: { halfLifeMs: 1_000, sampleEvery: 1 }, now: () => clock.now })
  clock.now += 30_000
  await autonomy.run({ dryRun: true })
  for (let round = 0; round < 8; round += 1) for (const key of dataset.hotKeys) autonomy.db.get(key)
  return { db, autonomy, clock, dataset }
}

function expectReadsMatch(reader: Pick<Database, 'get' | 'scan'>, model: Map<string, unknown>): void {
  for (const [key, value] of model) expect(reader.get(key), key).toEqual(value)
  const scanned = new Map([...reader.scan()].map((entry) => [entry.key as string, entry.value]))
  for (const [key, value] of model) expect(scanned.get(key), `scan ${key}`).toEqual(value)
}

describe('tiering', () => {
  it('moves exactly the cold range, reads stay correct during and after, promotion and undo restore the tree', async () => {
    const { db, autonomy, dataset } = await setUp()
    const context = `seed ${dataset.seed}`
    const plan = autonomy.plan()
    expect(plan.tiering.keysToMove, context).toBe(dataset.coldKeys.length)
    expect(plan.tiering.tiers.hot.keys, context).toBe(dataset.hotKeys.length)
    const observer = autonomyDatabase(db, { segments: new SegmentCache() })
    const overwritten = dataset.coldKeys.at(-1)!
    const tiering = planTiering({ db, statistics: autonomy.statistics, policy: autonomy.policy() })
    const action: AutonomyAction = { id: 'test-move', kind: 'tiering', status: 'running', reason: 'test', numbers: {}, details: {}, createdAt: 0, txnIds: [] }
    let segments = 0
    await moveColdValues({
      db,
      plan: tiering,
      action,
      segmentKeys: 40,
      async onSegment() {
        expectReadsMatch(observer, dataset.model)
        if (segments === 0) {
          await db.put(overwritten, { rewritten: true })
          dataset.model.set(overwritten, { rewritten: true })
        }
        segments += 1
      },
    })
    expect(segments, context).toBe(6)
    for (const key of dataset.hotKeys) expect(isArchiveReference(db.get(key)), key).toBe(false)
    const archived = dataset.coldKeys.filter((key) => isArchiveReference(db.get(key)))
    expect(archived, context).toEqual(dataset.coldKeys.slice(0, -1))
    expect(action.numbers.keysMoved).toBe(archived.length)
    expectReadsMatch(observer, dataset.model)
    const after = autonomy.plan().tiering
    expect(after.tiers.archived.keys).toBe(archived.length)
    expect(after.tiers.archived.compressedBytes).toBeLessThan(after.tiers.archived.bytes / 2)
    expect(after.keysToMove).toBe(0)

    const promotedKey = archived[3]!
    expect(autonomy.db.get(promotedKey)).toEqual(dataset.model.get(promotedKey))
    await autonomy.flush()
    expect(db.get(promotedKey)).toEqual(dataset.model.get(promotedKey))

    await db.write((transaction) => transaction.keyspace('sys').put('autonomy/actions/test-move', { ...action, status: 'applied' } as never))
    const undone = await autonomy.undo(action.id)
    expect(undone.status).toBe('undone')
    for (const [key, value] of dataset.model) expect(db.get(key), key).toEqual(value)
    expect([...db.keyspace(ARCHIVE_KEYSPACE).scan()]).toEqual([])
    await expect(autonomy.undo(action.id)).rejects.toMatchObject({ code: 'AUTONOMY_UNDO_CONFLICT' })
    await expect(autonomy.undo('nope')).rejects.toMatchObject({ code: 'AUTONOMY_ACTION_NOT_FOUND' })
  })

  it('respects the policy: off, outside the allowed hours, per-run limits, and dry runs change nothing', async () => {
    const { db, autonomy, dataset } = await setUp()
    const before = db.txnId
    const dry = await autonomy.run({ dryRun: true })
    expect(dry.actions).toEqual([])
    expect(dry.plan.tiering.keysToMove).toBe(dataset.coldKeys.length)
    expect(dataset.coldKeys.some((key) => isArchiveReference(db.get(key)))).toBe(false)
    await autonomy.setPolicy({ ...policy, enabled: false })
    expect((await autonomy.run()).skipped[0]).toMatch(/off/)
    const hour = new Date(Date.now() + 30_000).getUTCHours()
    await autonomy.setPolicy({ ...policy, allowedHours: { from: (hour + 2) % 24, to: (hour + 3) % 24 } })
    expect((await autonomy.run()).skipped[0]).toMatch(/allowed hours/)
    await autonomy.setPolicy({ tiering: { ...policy.tiering, maxKeysPerRun: 25 } })
    const limited = await autonomy.run()
    expect(limited.actions[0]!.numbers.keysMoved).toBe(25)
    expect(db.txnId).toBeGreaterThan(before)
    await expect(autonomy.setPolicy({ tiering: { maxKeysPerRun: -1 } })).rejects.toMatchObject({ code: 'AUTONOMY_POLICY_INVALID' })
  })
})
