import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { FaultFileSystem } from '../file/testing/index.js'
import { open } from './open.js'

/** A small workload with checkpoints between commits; returns the last acknowledged txn id. */
async function workload(fs: FaultFileSystem, acknowledged: number[]): Promise<void> {
  const db = await open({ path: '/db', fs, durability: 'strict', pageSize: 512, checkpointIntervalMs: 0 })
  try {
    for (let round = 0; round < 6; round++) {
      const { txnId } = await db.write((tx) => {
        for (let index = 0; index < 15; index++) tx.put(`key-${(round * 7 + index) % 40}`, { round, index, pad: 'p'.repeat(round * 40) })
      })
      acknowledged.push(txnId)
      if (round % 2 === 1) await db.checkpoint()
    }
  } finally {
    await db.close().catch(() => undefined)
  }
}

/** The expected key/value map after `txnId` commits of the workload. */
function modelAt(txnId: number): Map<string, unknown> {
  const model = new Map<string, unknown>()
  for (let round = 0; round < txnId; round++) {
    for (let index = 0; index < 15; index++) model.set(`key-${(round * 7 + index) % 40}`, { round, index, pad: 'p'.repeat(round * 40) })
  }
  return model
}

describe('faults during commits and checkpoints', () => {
  it('recovers a committed prefix (never less than acknowledged) for a failure at every write and fsync', async () => {
    const probe = new FaultFileSystem()
    await workload(probe, [])
    const totalWrites = probe.writes
    const totalSyncs = probe.syncs
    expect(totalWrites).toBeGreaterThan(10)
    const cases = [
      ...Array.from({ length: totalWrites }, (_, index) => ({ kind: 'torn' as const, at: index + 1 })),
      ...Array.from({ length: totalWrites }, (_, index) => ({ kind: 'error' as const, at: index + 1 })),
      ...Array.from({ length: totalSyncs }, (_, index) => ({ kind: 'fsync' as const, at: index + 1 })),
    ]
    for (const fault of cases) {
      const fs = new FaultFileSystem()
      if (fault.kind === 'fsync') fs.injectSyncFault({ at: fault.at })
      else fs.injectWriteFault({ at: fault.at, kind: fault.kind })
      const acknowledged: number[] = []
      try {
        await workload(fs, acknowledged)
      } catch (error) {
        if (!LivingDbError.isInstance(error)) throw error
      }
      const label = `${fault.kind} at ${fault.at} (acknowledged ${acknowledged.length})`
      for (const [seed, survival] of [[1, 'none'], [2, 'prefix'], [3, 'subset']] as const) {
        let db
        try {
          db = await open({ path: '/db', fs: fs.crash({ seed, survival }), pageSize: 512 })
        } catch (error) {
          // A clear typed error is acceptable only when nothing was acknowledged yet.
          expect(LivingDbError.isInstance(error), label).toBe(true)
          expect(acknowledged.length, `${label}: ${(error as Error).message}`).toBe(0)
          continue
        }
        const txnId = db.txnId
        expect(txnId, label).toBeGreaterThanOrEqual(acknowledged.at(-1) ?? 0)
        const actual = new Map([...db.scan()].map((entry) => [entry.key as string, entry.value]))
        expect(actual, label).toEqual(modelAt(txnId))
        expect(db.verify().problems, label).toEqual([])
        await db.close()
      }
    }
  })
})
