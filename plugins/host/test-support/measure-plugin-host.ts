/**
 * Measures the plugin host against the issue-4 speed targets (not a test: speed is for
 * benchmarks). Run: node --import tsx plugins/host/test-support/measure-plugin-host.ts [commits] [durability]
 *
 * 1. p50 commit latency with three no-op plugins attached vs none (same process, interleaved);
 * 2. catch-up rate of a no-op plugin over a backlog written while it was stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open } from '../../../index.js'
import { createPluginHost } from '../create-plugin-host.js'

const commits = Number(process.argv[2] ?? 20_000)
const durability = (process.argv[3] ?? 'none') as 'none' | 'strict' | 'group' | 'relaxed'
const noop = new URL('./fixtures/noop-plugin.ts', import.meta.url)

async function p50Latency(plugins: number): Promise<number> {
  const path = mkdtempSync(join(tmpdir(), 'livingdb-measure-'))
  const db = await open({ path, durability })
  const host = await createPluginHost({ db, plugins: ['noopA', 'noopB', 'noopC'].slice(0, plugins).map((exportName) => ({ module: noop, exportName })) })
  const samples: number[] = []
  for (let index = 0; index < commits; index++) {
    const started = performance.now()
    await db.write((transaction) => transaction.put(`item/${index}`, { index, text: 'hello world' }))
    samples.push(performance.now() - started)
  }
  await host.idle()
  await host.close()
  await db.close()
  rmSync(path, { recursive: true, force: true })
  return samples.sort((left, right) => left - right)[samples.length >> 1]!
}

async function catchUpRate(): Promise<number> {
  const path = mkdtempSync(join(tmpdir(), 'livingdb-measure-'))
  const db = await open({ path, durability })
  for (let index = 0; index < commits; index++) await db.write((transaction) => transaction.put(`item/${index}`, index))
  const host = await createPluginHost({ db, plugins: [noop], policy: { maxBufferedCommits: 16_384 } })
  const started = performance.now()
  await host.idle()
  const seconds = (performance.now() - started) / 1000
  await host.close()
  await db.close()
  rmSync(path, { recursive: true, force: true })
  return commits / seconds
}

for (let round = 1; round <= 2; round++) {
  const none = await p50Latency(0)
  const three = await p50Latency(3)
  console.log(`round ${round} (${durability}, ${commits} commits): p50 no plugins ${(none * 1000).toFixed(1)} us, three no-op plugins ${(three * 1000).toFixed(1)} us, ratio ${(three / none).toFixed(3)}`)
}
console.log(`catch-up of a no-op plugin over ${commits} commits: ${Math.round(await catchUpRate())} commits/s`)
