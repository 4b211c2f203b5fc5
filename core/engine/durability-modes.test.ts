import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DurabilityMode } from '../log/commit-record.js'
import { open } from './open.js'

const directories: string[] = []
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })))

describe('durability modes', () => {
  for (const durability of ['strict', 'group', 'relaxed', 'none'] as DurabilityMode[]) {
    it(`${durability}: 64 concurrent writers all commit, in order, and survive reopen`, async () => {
      const directory = mkdtempSync(path.join(tmpdir(), `livingdb-${durability}-`))
      directories.push(directory)
      let db = await open({ path: directory, durability, relaxedIntervalMs: 5 })
      const results = await Promise.all(Array.from({ length: 64 }, (_, index) => db.put(`writer/${String(index).padStart(2, '0')}`, { index })))
      const txnIds = results.map((result) => result.txnId).sort((a, b) => a - b)
      expect(txnIds).toEqual(Array.from({ length: 64 }, (_, index) => index + 1))
      expect(db.txnId).toBe(64)
      await db.close()
      db = await open({ path: directory, durability })
      expect([...db.scan({ prefix: 'writer/' })].length).toBe(64)
      expect(db.get('writer/63')).toEqual({ index: 63 })
      expect(db.stats().recovery.replayedTxns).toBe(0)
      await db.close()
    })
  }

  it('recovers commits that were logged but never checkpointed', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'livingdb-replay-'))
    directories.push(directory)
    const db = await open({ path: directory, durability: 'strict', checkpointIntervalMs: 0 })
    await db.put('a', 1)
    await db.checkpoint()
    await db.put('b', 2)
    await db.keyspace('k').put('c', 3)
    // Crash the way kill -9 does: drop the handle without close() (no final checkpoint), then release the lock by hand.
    ;(db as unknown as { parts: { releaseLock: () => void; log: { close(): Promise<void> } } }).parts.releaseLock()
    const reopened = await open({ path: directory })
    expect(reopened.stats().recovery.replayedTxns).toBe(2)
    expect([reopened.get('a'), reopened.get('b'), reopened.keyspace('k').get('c')]).toEqual([1, 2, 3])
    expect(reopened.verify().ok).toBe(true)
    await reopened.close()
  })

  for (const durability of ['relaxed', 'none'] as DurabilityMode[]) {
    it(`${durability}: background checkpoints finish while one writer awaits commit after commit`, async () => {
      // Such commits resolve without an event-loop turn; the checkpoint's fsync callbacks need one.
      const directory = mkdtempSync(path.join(tmpdir(), `livingdb-busy-${durability}-`))
      directories.push(directory)
      const db = await open({ path: directory, durability, cacheBytes: 64 * 1024, checkpointIntervalMs: 0 })
      await db.write((transaction) => {
        for (let index = 0; index < 2_000; index++) transaction.put(`key/${String(index).padStart(5, '0')}`, { index })
      })
      await db.checkpoint()
      const firstCheckpoint = db.stats().checkpointTxnId
      // Each put copies page-backed nodes; with a 64 KiB cache that soon asks for a checkpoint.
      for (let index = 0; index < 2_000; index++) await db.put(`key/${String((index * 7_919) % 2_000).padStart(5, '0')}`, { index, again: true })
      expect(db.stats().checkpointTxnId).toBeGreaterThan(firstCheckpoint)
      expect(db.get('key/00000')).toEqual({ index: 0, again: true })
      await db.close()
    })
  }
})
