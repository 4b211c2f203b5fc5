import type { BenchEntry, BenchValue } from '../data-set.js'

/** The engines one benchmark run compares. `livingdb` is the one under test. */
export const ENGINE_NAMES = ['livingdb', 'lmdb', 'better-sqlite3', 'classic-level'] as const

/** Name of an engine in the benchmark. */
export type EngineName = (typeof ENGINE_NAMES)[number]

/**
 * How an engine is opened for a workload:
 * - `bulk`: no fsync per commit (livingdb `relaxed`, SQLite WAL `synchronous=NORMAL`,
 *   lmdb default overlapping sync, classic-level `sync: false`);
 * - `strict`: every commit durable before it resolves (livingdb `strict`, SQLite
 *   `synchronous=FULL`, lmdb commit + `flushed`, classic-level `sync: true`);
 * - `group`: durable commits from many concurrent writers (livingdb `group`; the others
 *   use their strict settings and whatever batching their API does on its own).
 */
export type EngineProfile = 'bulk' | 'strict' | 'group'

/** Arguments of {@link EngineFactory.open}. */
export interface OpenEngineArgs {
  /** A directory the engine owns (created if missing). */
  readonly directory: string
  readonly profile: EngineProfile
  /** Page-cache budget for engines that have one (livingdb, SQLite, classic-level). */
  readonly cacheBytes: number
}

/** Arguments of {@link BenchEngine.scan}. */
export interface ScanArgs {
  readonly gte: string
  readonly limit: number
}

/**
 * One open database under benchmark. Methods return a plain value when the engine's API
 * is synchronous and a promise when it is not, so a loop over a synchronous engine never
 * pays for an `await`.
 *
 * @example
 * const engine = await lmdbEngine.open({ directory, profile: 'bulk', cacheBytes })
 * await engine.writeBatch(entries)          // one transaction
 * engine.getSync?.('user/9e3779b10000')     // the decoded JSON value
 * await engine.close()
 */
export interface BenchEngine {
  readonly name: EngineName
  /** Writes all entries in one transaction. */
  writeBatch(entries: readonly BenchEntry[]): void | Promise<void>
  /** Point read for engines with a synchronous read API; returns the decoded value. */
  readonly getSync?: (key: string) => unknown
  /** Point read for engines whose read API is asynchronous. */
  readonly getAsync?: (key: string) => Promise<unknown>
  /** Reads up to `limit` rows with key >= `gte` in key order, decoding each value; returns the row count. */
  scan(args: ScanArgs): number | Promise<number>
  /** One single-key transaction, durable before it resolves under `strict`/`group` profiles. */
  commit(key: string, value: BenchValue): Promise<void>
  close(): Promise<void>
}

/** Opens an engine; one per engine name. */
export interface EngineFactory {
  readonly name: EngineName
  open(args: OpenEngineArgs): Promise<BenchEngine>
}
