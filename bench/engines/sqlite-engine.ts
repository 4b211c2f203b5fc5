import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { BenchEntry, BenchValue } from '../data-set.js'
import type { BenchEngine, EngineFactory, OpenEngineArgs, ScanArgs } from './bench-engine.js'

/**
 * better-sqlite3 in WAL mode over `kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID`, values
 * stored as JSON text and parsed on read (as an application would). `synchronous=NORMAL`
 * for bulk loads (no fsync per commit), `FULL` for durable commits (the WAL is fsynced at
 * every commit). The page cache is `PRAGMA cache_size` set to `cacheBytes`.
 */
export const sqliteEngine: EngineFactory = {
  name: 'better-sqlite3',
  async open(args: OpenEngineArgs): Promise<BenchEngine> {
    const db = new Database(join(args.directory, 'bench.sqlite'))
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${args.profile === 'bulk' ? 'NORMAL' : 'FULL'}`)
    db.pragma(`cache_size = -${Math.max(1, Math.floor(args.cacheBytes / 1024))}`)
    db.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID')
    const insert = db.prepare<[string, string]>('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)')
    const select = db.prepare<[string], string>('SELECT v FROM kv WHERE k = ?').pluck()
    const range = db.prepare<[string, number], [string, string]>('SELECT k, v FROM kv WHERE k >= ? ORDER BY k LIMIT ?').raw()
    const loadBatch = db.transaction((entries: readonly BenchEntry[]) => {
      for (const entry of entries) insert.run(entry.key, JSON.stringify(entry.value))
    })
    return {
      name: 'better-sqlite3',
      writeBatch(entries: readonly BenchEntry[]): void {
        loadBatch(entries)
      },
      getSync(key: string): unknown {
        const text = select.get(key)
        return text === undefined ? undefined : JSON.parse(text)
      },
      scan(scanArgs: ScanArgs): number {
        let rows = 0
        for (const row of range.iterate(scanArgs.gte, scanArgs.limit)) {
          if (JSON.parse(row[1]) !== undefined) rows++
        }
        return rows
      },
      async commit(key: string, value: BenchValue): Promise<void> {
        insert.run(key, JSON.stringify(value))
      },
      async close(): Promise<void> {
        db.close()
      },
    }
  },
}
