/**
 * Benchmark of autonomy (issue 8), not part of the test suite.
 * Run: node --expose-gc --import tsx bench/autonomy-tiering.bench.ts [--keys 100000] [--mb 64] [--rounds 5] [--sample 16] [--hot-reads 64] [--seed N] [--json]
 * (`--sample`: the statistics' `sampleEvery`; `--hot-reads`: reads of each hot key before tiering.)
 *
 * 1. Statistics overhead: random `get`s and full-prefix `scan`s of `--keys` small JSON
 *    records, straight on the engine vs through `autonomy.db` (which counts every read in
 *    the usage statistics). Rounds alternate; the best round of each counts. Target <= 3%.
 * 2. Shrink: a dataset of `--mb` MiB, 80% cold, in four data types under their own prefixes
 *    (JSON records with text, JSON number arrays, plain strings, random bytes). The hot 20%
 *    is read; autonomy tiers the rest. Both versions are copied entry by entry into fresh
 *    databases and checkpointed (what a compaction leaves on disk); the page files are
 *    compared. Per data type: raw value bytes vs their archive segments. Target >= 50%.
 * 3. Read latency: hot reads, first reads of archived (cold) values, and reads of the same
 *    values after they were promoted back (hot and promoted reads after one warm-up pass
 *    over the same keys, so both find their pages cached). Target: promoted = hot.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ARCHIVE_KEYSPACE, createAutonomy, isArchiveReference } from '../autonomy/index.js'
import { decodeSegment } from '../autonomy/archive-segment.js'
import { type Database, open } from '../core/index.js'

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const KEYS = argument('keys', 100_000)
const MEGABYTES = argument('mb', 64)
const ROUNDS = argument('rounds', 5)
const SAMPLE_EVERY = argument('sample', 16)
const HOT_READS = argument('hot-reads', 64)
const SEED = argument('seed', 20_261_124)
const JSON_OUTPUT = process.argv.includes('--json')

let state = SEED >>> 0
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0
  let value = Math.imul(state ^ (state >>> 15), state | 1)
  value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296
}
const WORDS = 'invoice shipment oslo ferry contract renewal pending approved warehouse customer meeting quarterly budget review harbour cargo delay signed'.split(' ')
const words = (count: number): string => Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ')
const directories: string[] = []
const temporary = (): string => {
  const directory = mkdtempSync(join(tmpdir(), 'livingdb-bench-autonomy-'))
  directories.push(directory)
  return directory
}
const fileBytes = (directory: string): number => statSync(join(directory, 'data.ldb')).size

async function statisticsOverhead(): Promise<Record<string, number>> {
  const db = await open({ path: temporary(), durability: 'none', cacheBytes: 512 * 1024 * 1024 } as never)
  for (let start = 0; start < KEYS; start += 5_000) {
    await db.write((transaction) => {
      for (let index = start; index < Math.min(KEYS, start + 5_000); index += 1) transaction.put(`items/${String(index).padStart(8, '0')}`, { id: index, name: words(4), amount: index % 997 })
    })
  }
  const autonomy = await createAutonomy({ db, policy: { enabled: false }, statistics: { sampleEvery: SAMPLE_EVERY } })
  const keys = Array.from({ length: 200_000 }, () => `items/${String(Math.floor(random() * KEYS)).padStart(8, '0')}`)
  const timeGets = (reader: Pick<Database, 'get'>): number => {
    const started = process.hrtime.bigint()
    let found = 0
    for (const key of keys) if (reader.get(key) !== undefined) found += 1
    if (found !== keys.length) throw new Error('missing key')
    return keys.length / (Number(process.hrtime.bigint() - started) / 1e9)
  }
  const timeScans = (reader: Pick<Database, 'scan'>): number => {
    const started = process.hrtime.bigint()
    let rows = 0
    for (let pass = 0; pass < 3; pass += 1) for (const _entry of reader.scan({ prefix: 'items/' })) rows += 1
    return rows / (Number(process.hrtime.bigint() - started) / 1e9)
  }
  const best = { getRaw: 0, getCounted: 0, scanRaw: 0, scanCounted: 0 }
  for (let round = 0; round < ROUNDS; round += 1) {
    best.getRaw = Math.max(best.getRaw, timeGets(db))
    best.getCounted = Math.max(best.getCounted, timeGets(autonomy.db))
    best.scanCounted = Math.max(best.scanCounted, timeScans(autonomy.db))
    best.scanRaw = Math.max(best.scanRaw, timeScans(db))
  }
  await db.close()
  return { ...best, getOverheadPercent: (1 - best.getCounted / best.getRaw) * 100, scanOverheadPercent: (1 - best.scanCounted / best.scanRaw) * 100 }
}

type DataType = 'json' | 'numbers' | 'text' | 'bytes'
const TYPES: readonly DataType[] = ['json', 'numbers', 'text', 'bytes']
function value(type: DataType): unknown {
  switch (type) {
    case 'json':
      return { title: words(6), status: random() < 0.3 ? 'open' : 'done', owner: `people/${Math.floor(random() * 300)}`, body: words(120), tags: [words(1), words(1)] }
    case 'numbers':
      return Array.from({ length: 150 }, () => Math.round(random() * 100_000) / 100)
    case 'text':
      return words(160)
    case 'bytes':
      return new Uint8Array(Array.from({ length: 900 }, () => Math.floor(random() * 256)))
  }
}

/** Copies every keyspace entry by entry into a fresh database and returns its checkpointed page-file size. */
async function compactedBytes(db: Database): Promise<number> {
  const directory = temporary()
  const copy = await open({ path: directory, durability: 'none' })
  for (const keyspace of db.keyspaces()) {
    let batch: { key: unknown; value: unknown }[] = []
    const flush = async (): Promise<void> => {
      const entries = batch
      batch = []
      await copy.write((transaction) => entries.forEach((entry) => transaction.keyspace(keyspace).put(entry.key as never, entry.value as never)))
    }
    for (const entry of db.keyspace(keyspace).scan()) {
      batch.push(entry)
      if (batch.length >= 2_000) await flush()
    }
    await flush()
  }
  await copy.checkpoint()
  await copy.close()
  return fileBytes(directory)
}

async function shrinkAndLatency(): Promise<Record<string, unknown>> {
  const db = await open({ path: temporary(), durability: 'none' })
  const target = MEGABYTES * 1024 * 1024
  const rawByType: Record<DataType, number> = { json: 0, numbers: 0, text: 0, bytes: 0 }
  const hot: string[] = []
  const cold: string[] = []
  let written = 0
  let index = 0
  while (written < target) {
    await db.write((transaction) => {
      for (let count = 0; count < 1_000; count += 1, index += 1) {
        const type = TYPES[index % TYPES.length]!
        const item = value(type)
        const key = `${type}/${String(index).padStart(9, '0')}`
        const bytes = item instanceof Uint8Array ? item.length : Buffer.byteLength(JSON.stringify(item))
        transaction.put(key, item as never)
        written += bytes
        if (index % 5 === 0) hot.push(key)
        else {
          cold.push(key)
          rawByType[type] += bytes
        }
      }
    })
  }
  const clock = { now: Date.now() }
  const autonomy = await createAutonomy({ db, now: () => clock.now, statistics: { sampleEvery: SAMPLE_EVERY }, policy: { halfLifeMs: 60_000, tiering: { minObservedMs: 0, minRunBytes: 0, maxBytesPerRun: 2 ** 40, maxKeysPerRun: 10_000_000 } } })
  clock.now += 3_600_000
  for (let round = 0; round < HOT_READS; round += 1) for (const key of hot) autonomy.db.get(key)
  const before = await compactedBytes(db)
  const started = Date.now()
  const report = await autonomy.run()
  const tieringMs = Date.now() - started
  // Hot keys whose reads all fell between samples look cold and move too (their next read promotes them back).
  const hotMoved = hot.filter((key) => isArchiveReference(db.get(key)))
  const stillHot = hot.filter((key) => !isArchiveReference(db.get(key)))
  const after = await compactedBytes(db)
  // Per data type: the raw bytes of the values moved and the segments holding them (a segment counts for its majority type).
  const movedByType: Record<string, { rawBytes: number; archivedBytes: number }> = {}
  for (const entry of db.keyspace('sys').scan({ prefix: 'autonomy/segments/' })) {
    const segment = String(entry.key).slice('autonomy/segments/'.length)
    const entries = decodeSegment(segment, db.keyspace(ARCHIVE_KEYSPACE).get(`segments/${segment}`))
    const counts = new Map<string, number>()
    for (const item of entries) counts.set(item.key.split('/')[0]!, (counts.get(item.key.split('/')[0]!) ?? 0) + 1)
    const type = [...counts.entries()].sort((left, right) => right[1] - left[1])[0]![0]
    const record = entry.value as { bytes: number; compressedBytes: number }
    const totals = (movedByType[type] ??= { rawBytes: 0, archivedBytes: 0 })
    totals.rawBytes += record.bytes
    totals.archivedBytes += record.compressedBytes
  }
  const byType = Object.fromEntries(TYPES.map((type) => {
    const moved = movedByType[type] ?? { rawBytes: 0, archivedBytes: 0 }
    return [type, { coldBytes: rawByType[type], movedBytes: moved.rawBytes, archivedBytes: moved.archivedBytes, shrinkPercent: moved.rawBytes === 0 ? 0 : (1 - moved.archivedBytes / moved.rawBytes) * 100 }]
  }))
  const sample = (keys: readonly string[], count: number): string[] => Array.from({ length: count }, () => keys[Math.floor(random() * keys.length)]!)
  const latencies = (keys: readonly string[]): { p50: number; p95: number } => {
    const times = keys.map((key) => {
      const start = process.hrtime.bigint()
      autonomy.db.get(key)
      return Number(process.hrtime.bigint() - start) / 1_000
    })
    times.sort((left, right) => left - right)
    return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.floor(times.length * 0.95)]! }
  }
  const coldSample = [...new Set(sample(cold, 2_000))]
  const hotSample = sample(stillHot, 2_000)
  await db.checkpoint()
  latencies(hotSample)
  const hotRead = latencies(hotSample)
  const coldRead = latencies(coldSample)
  await autonomy.flush()
  await db.checkpoint()
  latencies(coldSample)
  const promotedRead = latencies(coldSample)
  await db.close()
  return {
    datasetBytes: written,
    coldShare: cold.length / (cold.length + hot.length),
    tieringMs,
    keysMoved: report.actions[0]?.numbers.keysMoved ?? 0,
    actionNumbers: report.actions[0]?.numbers ?? {},
    planNotes: report.plan.tiering.notes,
    hotKeysMoved: hotMoved.length,
    hotKeys: hot.length,
    compactedBytesBefore: before,
    compactedBytesAfter: after,
    onDiskShrinkPercent: (1 - after / before) * 100,
    byType,
    readLatencyMicroseconds: { hot: hotRead, coldFirstRead: coldRead, afterPromotion: promotedRead },
  }
}

try {
  const overhead = await statisticsOverhead()
  const shrink = await shrinkAndLatency()
  const result = { keys: KEYS, megabytes: MEGABYTES, rounds: ROUNDS, seed: SEED, node: process.version, overhead, shrink }
  if (JSON_OUTPUT) console.log(JSON.stringify(result, null, 2))
  else {
    const round = (number: number): string => (Math.round(number * 10) / 10).toLocaleString('en-US')
    console.log(`statistics overhead (${KEYS} keys, best of ${ROUNDS}): get ${round(overhead.getRaw!)} -> ${round(overhead.getCounted!)} ops/s (${round(overhead.getOverheadPercent!)}%), scan ${round(overhead.scanRaw!)} -> ${round(overhead.scanCounted!)} rows/s (${round(overhead.scanOverheadPercent!)}%)  [target <= 3%]`)
    console.log(`shrink (${round((shrink.datasetBytes as number) / 1048576)} MiB, ${round((shrink.coldShare as number) * 100)}% cold, ${shrink.keysMoved as number} values moved in ${shrink.tieringMs as number} ms; ${shrink.hotKeysMoved as number} of ${shrink.hotKeys as number} hot keys looked cold with sampling 1/${SAMPLE_EVERY} and ${HOT_READS} reads each): compacted page file ${round((shrink.compactedBytesBefore as number) / 1048576)} -> ${round((shrink.compactedBytesAfter as number) / 1048576)} MiB (${round(shrink.onDiskShrinkPercent as number)}% smaller) [target >= 50%]`)
    for (const [type, figures] of Object.entries(shrink.byType as Record<string, { coldBytes: number; movedBytes: number; archivedBytes: number; shrinkPercent: number }>)) console.log(`  ${type.padEnd(8)} cold ${round(figures.coldBytes / 1048576)} MiB, moved ${round(figures.movedBytes / 1048576)} MiB -> ${round(figures.archivedBytes / 1048576)} MiB archived (${round(figures.shrinkPercent)}% smaller)${figures.movedBytes === 0 ? ' (incompressible: stays in the tree)' : ''}`)
    const latency = shrink.readLatencyMicroseconds as Record<string, { p50: number; p95: number }>
    console.log(`read latency p50/p95 µs: hot ${round(latency.hot!.p50)}/${round(latency.hot!.p95)}, cold first read ${round(latency.coldFirstRead!.p50)}/${round(latency.coldFirstRead!.p95)}, after promotion ${round(latency.afterPromotion!.p50)}/${round(latency.afterPromotion!.p95)}`)
  }
} finally {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true })
}
