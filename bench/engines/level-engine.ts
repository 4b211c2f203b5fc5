import { ClassicLevel } from 'classic-level'
import type { BenchEntry, BenchValue } from '../data-set.js'
import type { BenchEngine, EngineFactory, OpenEngineArgs, ScanArgs } from './bench-engine.js'

/**
 * classic-level (LevelDB) with `valueEncoding: 'json'` and `cacheSize` set to `cacheBytes`.
 * Batches use `sync: false`; durable commits `put(..., { sync: true })` (LevelDB groups
 * concurrent writers itself). Point reads use `getSync` (classic-level 3), the fastest read
 * it offers; scans use `iterator({ gte, limit }).all()`.
 */
export const levelEngine: EngineFactory = {
  name: 'classic-level',
  async open(args: OpenEngineArgs): Promise<BenchEngine> {
    const db = new ClassicLevel<string, BenchValue>(args.directory, { valueEncoding: 'json', cacheSize: args.cacheBytes })
    await db.open()
    const sync = args.profile !== 'bulk'
    return {
      name: 'classic-level',
      async writeBatch(entries: readonly BenchEntry[]): Promise<void> {
        await db.batch(
          entries.map(entry => ({ type: 'put' as const, key: entry.key, value: entry.value })),
          { sync: false },
        )
      },
      getSync: (key: string) => db.getSync(key),
      async scan(scanArgs: ScanArgs): Promise<number> {
        const rows = await db.iterator({ gte: scanArgs.gte, limit: scanArgs.limit }).all()
        return rows.length
      },
      async commit(key: string, value: BenchValue): Promise<void> {
        await db.put(key, value, { sync })
      },
      async close(): Promise<void> {
        await db.close()
      },
    }
  },
}
