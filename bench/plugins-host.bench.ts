/**
 * Benchmark of the plugin host against the issue-4 speed targets (not part of the test suite).
 * Run: node --expose-gc --import tsx bench/plugins-host.bench.ts [--json] [--commits 20000] [--backlog 100000] [--rounds 3] [--durability none]
 *
 * 1. p50 commit latency of `db.put` with three no-op plugins attached vs none, in rounds
 *    that alternate the two setups on fresh databases (target: ratio <= 1.05);
 * 2. live delivery: commits/s a no-op plugin processes while a writer commits as fast as it
 *    can (time from the first commit until the plugin has caught up; target >= 20,000/s);
 * 3. catch-up: commits/s a no-op plugin processes over a backlog written while it was
 *    disabled (default 100,000 commits), from `enable()` until `idle()` (target >= 20,000/s),
 *    in a worker thread (trusted) and in the sandbox process (untrusted).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { open, type LivingOpenOptions } from '../db/index.js'

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

const json = process.argv.includes('--json')
const commits = argument('commits', 20_000)
const backlog = argument('backlog', 100_000)
const rounds = argument('rounds', 3)
const durabilityIndex = process.argv.indexOf('--durability')
const durability = (durabilityIndex >= 0 ? process.argv[durabilityIndex + 1] : 'none') as NonNullable<LivingOpenOptions['durability']>
const noop = new URL('../plugins/host/test-support/fixtures/noop-plugin.ts', import.meta.url)
const sandboxedNoop = { module: new URL('../plugins/sandbox/test-support/fixtures/noop-package/index.js', import.meta.url), trusted: false }
const threeNoops = ['noopA', 'noopB', 'noopC'].map((exportName) => ({ module: noop, exportName }))
const root = mkdtempSync(join(tmpdir(), 'livingdb-bench-plugins-'))
let databases = 0

function log(message: string): void {
  if (!json) process.stderr.write(`${message}\n`)
}

async function freshDatabase(plugins: LivingOpenOptions['plugins']) {
  return open({ path: join(root, `db-${databases++}`), durability, plugins: plugins ?? [], pluginPolicy: { maxBufferedCommits: 16_384 } })
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!
}

/** p50/p99 latency of `commits` single-key commits, in microseconds. */
async function commitLatency(plugins: LivingOpenOptions['plugins']): Promise<{ p50: number; p99: number }> {
  const db = await freshDatabase(plugins)
  const samples: number[] = []
  for (let index = 0; index < commits; index++) {
    const started = performance.now()
    await db.put(`item/${index}`, { index, text: 'hello world' })
    samples.push((performance.now() - started) * 1000)
  }
  await db.plugins.idle()
  await db.close()
  samples.sort((left, right) => left - right)
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) }
}

/** Writes `count` single-key commits one after another (in 'none' mode the fastest way to feed the log). */
async function writeItems(db: { put(key: string, value: number): Promise<unknown> }, count: number): Promise<void> {
  for (let index = 0; index < count; index++) await db.put(`item/${index}`, index)
}

/**
 * Commits/s a no-op plugin processes while a writer commits as fast as it can, from the
 * first commit until the plugin caught up; and how fast the writer itself went (live
 * delivery can never beat the writer: both share the main thread's event loop).
 */
async function liveDelivery(): Promise<{ delivered: number; written: number }> {
  const db = await freshDatabase([noop])
  const started = performance.now()
  await writeItems(db, commits)
  const written = performance.now()
  await db.plugins.idle()
  const seconds = (performance.now() - started) / 1000
  await db.close()
  return { delivered: commits / seconds, written: commits / ((written - started) / 1000) }
}

/**
 * Commits/s a no-op plugin processes over a backlog written while it was disabled: from
 * `enable()` (the plugin already loaded) until `idle()`.
 */
async function catchUp(plugin: NonNullable<LivingOpenOptions['plugins']>[number]): Promise<number> {
  const path = join(root, `db-${databases++}`)
  const options = { path, durability, plugins: [plugin], pluginPolicy: { maxBufferedCommits: 16_384 } }
  const writer = await open(options)
  const [manifest] = writer.plugins.list()
  await writer.plugins.disable(manifest!.name)
  await writeItems(writer, backlog)
  await writer.close()
  const db = await open(options)
  const started = performance.now()
  await db.plugins.enable(manifest!.name)
  await db.plugins.idle()
  const seconds = (performance.now() - started) / 1000
  const [status] = await db.plugins.status()
  if (status!.lag !== 0) throw new Error(`catch-up ended with lag ${status!.lag}`)
  await db.close()
  return backlog / seconds
}

const loadAtStart = loadavg()[0]!
try {
  const latencyRounds: { none: { p50: number; p99: number }; three: { p50: number; p99: number }; ratio: number }[] = []
  for (let round = 1; round <= rounds; round++) {
    globalThis.gc?.()
    const none = await commitLatency([])
    globalThis.gc?.()
    const three = await commitLatency(threeNoops)
    latencyRounds.push({ none, three, ratio: three.p50 / none.p50 })
    log(`round ${round}: p50 ${none.p50.toFixed(1)} us without plugins, ${three.p50.toFixed(1)} us with three no-op plugins (ratio ${(three.p50 / none.p50).toFixed(3)})`)
  }
  const ratios = latencyRounds.map((round) => round.ratio).sort((left, right) => left - right)
  const live = await liveDelivery()
  log(`live delivery to a no-op plugin: ${Math.round(live.delivered).toLocaleString('en-US')} commits/s (the writer wrote ${Math.round(live.written).toLocaleString('en-US')} commits/s)`)
  const caughtUp = await catchUp(noop)
  log(`catch-up over ${backlog.toLocaleString('en-US')} commits: ${Math.round(caughtUp).toLocaleString('en-US')} commits/s (worker thread)`)
  const sandboxCaughtUp = await catchUp(sandboxedNoop)
  log(`catch-up over ${backlog.toLocaleString('en-US')} commits: ${Math.round(sandboxCaughtUp).toLocaleString('en-US')} commits/s (sandbox process)`)
  const report = {
    benchmark: 'plugins-host',
    node: process.version,
    cpus: cpus().length,
    /** 1-minute load average at the start and the end: on a shared machine, read the figures with it. */
    loadAverage: { start: Number(loadAtStart.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) },
    durability,
    commits,
    backlog,
    latency: { rounds: latencyRounds, medianRatio: percentile(ratios, 0.5), target: 1.05 },
    liveDeliveryPerSecond: Math.round(live.delivered),
    liveWriterPerSecond: Math.round(live.written),
    catchUpPerSecond: Math.round(caughtUp),
    sandboxCatchUpPerSecond: Math.round(sandboxCaughtUp),
    deliveryTarget: 20_000,
  }
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else log(`median p50 ratio ${report.latency.medianRatio.toFixed(3)} (target <= 1.05); delivery ${report.liveDeliveryPerSecond} /s live, ${report.catchUpPerSecond} /s catch-up, ${report.sandboxCatchUpPerSecond} /s catch-up in the sandbox (target >= 20,000)`)
} finally {
  rmSync(root, { recursive: true, force: true })
}
