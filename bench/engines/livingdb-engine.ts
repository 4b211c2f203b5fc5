import type { open } from '../../core/index.js'
import type { BenchEntry, BenchValue } from '../data-set.js'
import type { BenchEngine, EngineFactory, EngineProfile, OpenEngineArgs, ScanArgs } from './bench-engine.js'

/** The storage engine's `open()` (the package root exports it as `openEngine`), the only thing the benchmark needs. */
export interface LivingDbModule {
  readonly open: typeof open
}

/**
 * Imports livingdb's storage engine (`core/index.ts` under tsx): the benchmark measures the
 * store the issue sets targets for, not the plugin host and query layers the package root's
 * `open()` adds on top. Kept dynamic so a broken or missing engine is reported as that
 * engine's error, not a crash of the whole harness.
 */
export async function loadLivingDb(): Promise<LivingDbModule> {
  const specifier = new URL('../../core/index.js', import.meta.url).href
  return (await import(specifier)) as LivingDbModule
}

const DURABILITY_BY_PROFILE: Record<EngineProfile, 'strict' | 'group' | 'relaxed' | 'none'> = {
  bulk: 'relaxed',
  strict: 'strict',
  group: 'group',
}

/**
 * livingdb through its public API: a batch is one `write()`, point reads `get()`, scans
 * `scan({ gte, limit })`, a durable commit `put()`. Bulk loads use `relaxed` durability
 * (background fsync, like SQLite's `NORMAL` in WAL mode), durable commits `strict`, the
 * concurrent-writer workload `group`.
 */
export const livingDbEngine: EngineFactory = {
  name: 'livingdb',
  async open(args: OpenEngineArgs): Promise<BenchEngine> {
    const { open } = await loadLivingDb()
    const db = await open({ path: args.directory, durability: DURABILITY_BY_PROFILE[args.profile], cacheBytes: args.cacheBytes })
    return {
      name: 'livingdb',
      async writeBatch(entries: readonly BenchEntry[]): Promise<void> {
        await db.write(transaction => {
          for (const entry of entries) transaction.put(entry.key, entry.value)
        })
      },
      getSync: (key: string) => db.get(key),
      scan(scanArgs: ScanArgs): number {
        let rows = 0
        for (const row of db.scan({ gte: scanArgs.gte, limit: scanArgs.limit })) {
          if (row.value !== undefined) rows++
        }
        return rows
      },
      async commit(key: string, value: BenchValue): Promise<void> {
        await db.put(key, value)
      },
      async close(): Promise<void> {
        await db.close()
      },
    }
  },
}
