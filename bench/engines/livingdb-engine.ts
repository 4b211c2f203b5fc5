import type { BenchEntry, BenchValue } from '../data-set.js'
import type { BenchEngine, EngineFactory, EngineProfile, OpenEngineArgs, ScanArgs } from './bench-engine.js'

/** The part of the livingdb database API the benchmark drives (the package-root contract). */
export interface LivingDbHandle {
  write(body: (transaction: { put(key: string, value: unknown): void }) => void): Promise<unknown>
  get(key: string): unknown
  scan(options: { gte: string; limit: number }): Iterable<{ key: unknown; value: unknown }>
  put(key: string, value: unknown): Promise<unknown>
  close(): Promise<void>
}

/** Options of livingdb's `open()` the benchmark sets. */
export interface LivingDbOpenOptions {
  readonly path: string
  readonly durability: 'strict' | 'group' | 'relaxed' | 'none'
  readonly cacheBytes?: number
  readonly [option: string]: unknown
}

/** The package root module, loaded lazily so the other engines run while it is being built. */
export interface LivingDbModule {
  open(options: LivingDbOpenOptions): Promise<LivingDbHandle>
}

/**
 * Imports livingdb's package root (`index.ts` under tsx, `index.js` once built). Kept
 * dynamic so a broken or missing engine is reported as that engine's error, not a crash
 * of the whole harness.
 */
export async function loadLivingDb(): Promise<LivingDbModule> {
  const specifier = new URL('../../index.js', import.meta.url).href
  return (await import(specifier)) as LivingDbModule
}

const DURABILITY_BY_PROFILE: Record<EngineProfile, LivingDbOpenOptions['durability']> = {
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
