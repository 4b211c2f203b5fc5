import { open } from 'lmdb'
import type { BenchEntry, BenchValue } from '../data-set.js'
import type { BenchEngine, EngineFactory, OpenEngineArgs, ScanArgs } from './bench-engine.js'

/**
 * lmdb (lmdb-js) with its default options: msgpack values, overlapping sync. A batch is one
 * `transactionSync`; a durable commit is `await put()` then `await flushed` (lmdb-js resolves
 * `put` at commit and `flushed` once the commit is fsynced), so concurrent writers share a
 * transaction and a flush the way lmdb-js batches writes of one event turn. lmdb has no page
 * cache setting: it reads through the OS page cache, so `cacheBytes` is ignored.
 */
export const lmdbEngine: EngineFactory = {
  name: 'lmdb',
  async open(args: OpenEngineArgs): Promise<BenchEngine> {
    const db = open<BenchValue, string>({ path: args.directory })
    return {
      name: 'lmdb',
      writeBatch(entries: readonly BenchEntry[]): void {
        db.transactionSync(() => {
          for (const entry of entries) db.putSync(entry.key, entry.value)
        })
      },
      getSync: (key: string) => db.get(key),
      scan(scanArgs: ScanArgs): number {
        let rows = 0
        for (const entry of db.getRange({ start: scanArgs.gte, limit: scanArgs.limit })) {
          if (entry.value !== undefined) rows++
        }
        return rows
      },
      async commit(key: string, value: BenchValue): Promise<void> {
        await db.put(key, value)
        if (args.profile !== 'bulk') await db.flushed
      },
      async close(): Promise<void> {
        await db.close()
      },
    }
  },
}
