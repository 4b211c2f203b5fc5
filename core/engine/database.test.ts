import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { FaultFileSystem } from '../file/testing/index.js'
import { MAX_VALUE_BYTES } from '../codec/limits.js'
import type { Commit } from './commit-stream.js'
import { PAGE_FILE_NAME, open } from './open.js'
import { verify } from './verify-path.js'

const directories: string[] = []
function temporaryDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'livingdb-core-'))
  directories.push(directory)
  return directory
}
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })))

async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action()
  } catch (error) {
    if (LivingDbError.isInstance(error)) return error.code
    throw error
  }
  return 'no error'
}

describe('keys and values', () => {
  it('enforces the documented limits with typed errors', async () => {
    const db = await open({ pageSize: 4096 })
    const limit = db.stats().maxKeyBytes
    expect(limit).toBe(502)
    expect(await codeOf(() => db.put('k'.repeat(limit + 1), 1))).toBe('KEY_TOO_LARGE')
    expect(await codeOf(() => db.put('k'.repeat(limit), 1))).toBe('no error')
    expect(await codeOf(() => db.put('', 1))).toBe('INVALID_KEY')
    expect(await codeOf(() => db.put(42 as never, 1))).toBe('INVALID_KEY')
    expect(await codeOf(() => db.put('a', undefined as never))).toBe('INVALID_VALUE')
    expect(await codeOf(() => db.put('a', (() => 1) as never))).toBe('INVALID_VALUE')
    expect(await codeOf(() => db.put('a', { n: 1n } as never))).toBe('INVALID_VALUE')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(await codeOf(() => db.put('a', cyclic as never))).toBe('INVALID_VALUE')
    expect(await codeOf(() => db.put('a', new Uint8Array(MAX_VALUE_BYTES)))).toBe('VALUE_TOO_LARGE')
    expect(await codeOf(() => db.get(7 as never))).toBe('INVALID_KEY')
    expect(await codeOf(() => db.keyspace(''))).toBe('KEYSPACE_INVALID')
    expect(await codeOf(() => [...db.scan({ limit: -1 })])).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => open({ pageSize: 1000 }))).toBe('INVALID_ARGUMENT')
    expect(await codeOf(() => open({ durability: 'sometimes' as never }))).toBe('INVALID_ARGUMENT')
    await db.close()
  })

  it('treats equal bytes as one key and returns keys and values as written', async () => {
    const db = await open()
    await db.put('abc', { text: 'as string' })
    expect(db.get(new TextEncoder().encode('abc'))).toEqual({ text: 'as string' })
    await db.put(Uint8Array.of(0xff, 0), Uint8Array.of(1, 2, 3))
    const rows = [...db.scan()]
    expect(rows).toEqual([
      { key: 'abc', value: { text: 'as string' } },
      { key: Uint8Array.of(0xff, 0), value: Uint8Array.of(1, 2, 3) },
    ])
    await db.put(new TextEncoder().encode('abc'), [1, 'two', null])
    expect([...db.scan({ limit: 1 })]).toEqual([{ key: new TextEncoder().encode('abc'), value: [1, 'two', null] }])
    expect([...db.scan({ gt: 'abc' })].length).toBe(1)
    await db.close()
  })
})

describe('transactions', () => {
  it('sees its own writes, is atomic across keyspaces and rolls back on throw', async () => {
    const db = await open()
    await db.write((tx) => {
      tx.put('a', 1)
      expect(tx.get('a')).toBe(1)
      tx.keyspace('other').put('b', 2)
      expect([...tx.keyspace('other').scan()]).toEqual([{ key: 'b', value: 2 }])
      tx.delete('a')
      expect(tx.get('a')).toBeUndefined()
      tx.put('c', 3)
    })
    await expect(
      db.write((tx) => {
        tx.put('c', 'changed')
        tx.keyspace('other').delete('b')
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(db.get('c')).toBe(3)
    expect(db.keyspace('other').get('b')).toBe(2)
    let leaked: { put(key: string, value: number): void } | undefined
    await db.write((tx) => {
      leaked = tx
    })
    expect(await codeOf(() => leaked!.put('late', 1))).toBe('TXN_FINISHED')
    await db.close()
  })

  it('queues writers, and throws WRITE_BUSY when asked not to wait', async () => {
    const db = await open()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const first = db.write(async (tx) => {
      tx.put('slow', 1)
      await gate
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(await codeOf(() => db.write((tx) => tx.put('x', 1), { wait: false }))).toBe('WRITE_BUSY')
    const queued = db.write((tx) => tx.put('queued', tx.get('slow') ?? null))
    release()
    const [a, b] = await Promise.all([first, queued])
    expect(b.txnId).toBe(a.txnId + 1)
    expect(db.get('queued')).toBe(1)
    await db.close()
  })

  it('gives readers a stable snapshot while writers commit', async () => {
    const db = await open()
    await db.put('k', 'old')
    const iterator = db.scan()
    await db.put('k', 'new')
    await db.put('k2', 'added')
    expect([...iterator]).toEqual([{ key: 'k', value: 'old' }])
    expect(db.read((snapshot) => [snapshot.txnId, snapshot.get('k')])).toEqual([3, 'new'])
    await db.close()
    expect(await codeOf(() => db.get('k'))).toBe('DB_CLOSED')
  })
})

describe('on disk', () => {
  it('refuses a second open of the same directory with DB_LOCKED', async () => {
    const directory = temporaryDirectory()
    const db = await open({ path: directory, durability: 'none' })
    expect(await codeOf(() => open({ path: directory }))).toBe('DB_LOCKED')
    await db.close()
    const again = await open({ path: directory })
    await again.close()
  })

  it('keeps overflow values, keyspaces and history across checkpoint and reopen, and verify passes', async () => {
    const directory = temporaryDirectory()
    const big = 'x'.repeat(50_000)
    let db = await open({ path: directory, durability: 'strict', pageSize: 1024 })
    await db.put('big', { big })
    await db.keyspace('tags').put('t', ['big'])
    await db.checkpoint()
    await db.put('after', 1)
    await db.close()
    db = await open({ path: directory })
    expect(db.get('big')).toEqual({ big })
    expect(db.keyspace('tags').get('t')).toEqual(['big'])
    expect(db.get('after')).toBe(1)
    expect(db.keyspaces()).toEqual(['default', 'tags'])
    expect(db.readAt(1, (snapshot) => [snapshot.get('big'), snapshot.keyspace('tags').get('t')])).toEqual([{ big }, undefined])
    await db.put('big', 'small now')
    await db.checkpoint()
    const report = db.verify()
    expect(report.problems).toEqual([])
    expect(report.checked.logRecords).toBe(4)
    expect(report.checked.keys).toBe(3)
    await db.close()
  })

  it('reports a damaged page in verify and a damaged meta pair as CORRUPT_META', async () => {
    const directory = temporaryDirectory()
    const db = await open({ path: directory, durability: 'none', pageSize: 512 })
    await db.write((tx) => {
      for (let index = 0; index < 200; index++) tx.put(`key-${index}`, { index })
    })
    await db.close()
    const file = path.join(directory, PAGE_FILE_NAME)
    const bytes = readFileSync(file)
    bytes[512 * 3 + 100] ^= 0xff
    writeFileSync(file, bytes)
    const report = await verify({ path: directory })
    expect(report.ok).toBe(false)
    expect(report.problems.map((problem) => problem.code)).toContain('CORRUPT_PAGE')
    bytes[20] ^= 0xff
    bytes[512 + 20] ^= 0xff
    writeFileSync(file, bytes)
    expect(await codeOf(() => open({ path: directory }))).toBe('CORRUPT_META')
  })

  it('reuses freed pages instead of growing the file forever', async () => {
    const directory = temporaryDirectory()
    const db = await open({ path: directory, durability: 'none', pageSize: 512, timeTravelTxns: 0 })
    const sizes: number[] = []
    for (let round = 0; round < 30; round++) {
      await db.write((tx) => {
        for (let index = 0; index < 100; index++) tx.put(`key-${index}`, { round, index })
      })
      await db.checkpoint()
      sizes.push(db.stats().pages)
    }
    expect(sizes.at(-1)!).toBeLessThan(sizes[4]! * 2)
    expect(db.verify().ok).toBe(true)
    await db.close()
  })

  it('turns a failed fsync into a rejected commit and a failed database; reopen recovers the durable prefix', async () => {
    const fs = new FaultFileSystem()
    const db = await open({ path: '/db', durability: 'strict', fs })
    await db.put('a', 1)
    fs.injectSyncFault({ at: fs.syncs + 1 })
    expect(await codeOf(() => db.put('b', 2))).toBe('IO_ERROR')
    expect(await codeOf(() => db.put('c', 3))).toBe('IO_ERROR')
    expect(db.get('a')).toBe(1)
    expect(db.get('b')).toBeUndefined()
    expect(db.stats().failed).toContain('no longer accepts writes')
    await db.close().catch(() => undefined)
    const recovered = await open({ path: '/db', fs: fs.crash({ seed: 3 }) })
    expect(recovered.get('a')).toBe(1)
    expect(recovered.verify().ok).toBe(true)
    await recovered.close()
  })
})

describe('time travel and the commit stream', () => {
  it('reads recent versions directly and older ones by replaying the log', async () => {
    const directory = temporaryDirectory()
    let db = await open({ path: directory, durability: 'none', timeTravelTxns: 2 })
    for (let index = 1; index <= 10; index++) await db.put('counter', index)
    for (const txnId of [10, 9, 8, 5, 1, 3]) expect(db.readAt(txnId, (snapshot) => snapshot.get('counter'))).toBe(txnId)
    expect(db.readAt(0, (snapshot) => snapshot.get('counter'))).toBeUndefined()
    expect(await codeOf(() => db.readAt(11, () => 0))).toBe('TXN_NOT_FOUND')
    await db.close()
    db = await open({ path: directory })
    expect(db.readAt(4, (snapshot) => [snapshot.txnId, snapshot.get('counter')])).toEqual([4, 4])
    await db.close()
  })

  it('keeps no version in the time-travel window that would pin more heap than its budget, and still reads it from the log', async () => {
    const directory = temporaryDirectory()
    const db = await open({ path: directory, durability: 'none', cacheBytes: 64 * 1024, checkpointIntervalMs: 0 })
    await db.put('marker', 'before')
    // 2,000 operations: the version this write supersedes alone keeps ~2,000 copied nodes alive, over the 4 MiB minimum budget.
    await db.write((transaction) => {
      for (let index = 0; index < 2_000; index++) transaction.put(`bulk/${index}`, index)
      transaction.put('marker', 'after')
    })
    const retained = (db as unknown as { timeTravel: { retainedStates(): readonly { txnId: number }[] } }).timeTravel.retainedStates()
    expect(retained.map((state) => state.txnId)).not.toContain(1)
    expect(db.readAt(1, (snapshot) => [snapshot.get('marker'), snapshot.get('bulk/0')])).toEqual(['before', undefined])
    expect(db.readAt(2, (snapshot) => snapshot.get('bulk/1999'))).toBe(1999)
    await db.close()
  })

  it('streams history, then live commits, and ends on break and on close', async () => {
    const db = await open()
    await db.put('a', 1)
    await db.write((tx) => tx.delete('a'), { origin: 'plugin:test' })
    const seen: Commit[] = []
    const consumer = (async () => {
      for await (const commit of db.commits({ from: 0 })) {
        seen.push(commit)
        if (commit.txnId === 3) break
      }
    })()
    await db.put(Uint8Array.of(1), Uint8Array.of(2))
    await consumer
    expect(seen.map((commit) => [commit.txnId, commit.origin, commit.ops])).toEqual([
      [1, 'app', [{ type: 'put', keyspace: 'default', key: 'a', value: 1 }]],
      [2, 'plugin:test', [{ type: 'delete', keyspace: 'default', key: 'a' }]],
      [3, 'app', [{ type: 'put', keyspace: 'default', key: Uint8Array.of(1), value: Uint8Array.of(2) }]],
    ])
    const tail = (async () => {
      const txnIds: number[] = []
      for await (const commit of db.commits({ from: 3 })) txnIds.push(commit.txnId)
      return txnIds
    })()
    await db.put('b', 1)
    await db.close()
    expect(await tail).toEqual([3, 4])
  })
})
