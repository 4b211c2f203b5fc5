import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { open } from '../../index.js'
import { createPluginHost } from './create-plugin-host.js'

const SEED = Number(process.env.LIVINGDB_TEST_SEED ?? 20261124)
const DIRECTORIES = Number(process.env.LIVINGDB_EXACTLY_ONCE_DIRS ?? 4)
const KILLS_PER_DIRECTORY = Number(process.env.LIVINGDB_EXACTLY_ONCE_KILLS ?? 4)
const CHILD = fileURLToPath(new URL('./test-support/exactly-once-child.ts', import.meta.url))
const COUNTER = new URL('./test-support/fixtures/counting-plugin.ts', import.meta.url)
const root = mkdtempSync(join(tmpdir(), 'livingdb-exactly-once-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** mulberry32: a small seeded generator, so a failing trial can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

/** Runs the child until it printed "ready", waits `delayMs` more, then kill -9s it. */
function runAndKill(path: string, firstItem: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(firstItem)], { stdio: ['ignore', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../../', import.meta.url)) })
    let stderr = ''
    let killed = false
    child.stderr.on('data', (chunk) => (stderr += String(chunk)))
    child.stdout.on('data', (chunk) => {
      if (!killed && String(chunk).includes('ready')) {
        killed = true
        setTimeout(() => child.kill('SIGKILL'), delayMs)
      }
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve()
      else reject(new Error(`child exited with ${code}/${signal} before the kill: ${stderr}`))
    })
  })
}

async function verify(path: string): Promise<{ items: number; backlog: number }> {
  const db = await open({ path, durability: 'strict' })
  try {
    const countedBeforeCatchUp = (db.keyspace('counter').get('total') as number | undefined) ?? 0
    const host = await createPluginHost({ db, plugins: [COUNTER], onLog: () => {} })
    await host.idle()
    await host.close()
    const appTxnIds = new Set<number>()
    for await (const commit of db.commits({ from: 0 })) {
      if (commit.origin === 'app') appTxnIds.add(commit.txnId)
      if (commit.txnId >= db.txnId) break
    }
    const seen = new Map<number, number>()
    for (const entry of db.keyspace('counter').scan({ prefix: 'seen/' })) seen.set(entry.value as number, (seen.get(entry.value as number) ?? 0) + 1)
    const twice = [...seen].filter(([, count]) => count > 1).map(([txnId]) => txnId)
    const never = [...appTxnIds].filter((txnId) => !seen.has(txnId))
    expect({ twice, never }).toEqual({ twice: [], never: [] })
    expect(db.keyspace('counter').get('total')).toBe(appTxnIds.size)
    return { items: appTxnIds.size, backlog: appTxnIds.size - countedBeforeCatchUp }
  } finally {
    await db.close()
  }
}

describe('exactly-once effects across kill -9', () => {
  it(`counts every commit once after ${DIRECTORIES * KILLS_PER_DIRECTORY} random kills (seed ${SEED})`, async () => {
    const next = random(SEED)
    let totalItems = 0
    const backlogs: number[] = []
    for (let directory = 0; directory < DIRECTORIES; directory++) {
      const path = join(root, `trial-${directory}`)
      let firstItem = 0
      for (let kill = 0; kill < KILLS_PER_DIRECTORY; kill++) {
        const delayMs = Math.floor(next() * 400)
        try {
          await runAndKill(path, firstItem, delayMs)
        } catch (error) {
          throw new Error(`trial ${directory}/${kill} (seed ${SEED}, delay ${delayMs} ms): ${(error as Error).message}`)
        }
        firstItem += 100_000
      }
      try {
        const { items, backlog } = await verify(path)
        totalItems += items
        backlogs.push(backlog)
      } catch (error) {
        throw new Error(`exactly-once violated in trial ${directory} (seed ${SEED}; rerun with LIVINGDB_TEST_SEED=${SEED}): ${(error as Error).message}`)
      }
    }
    expect(totalItems).toBeGreaterThan(0)
    console.info(`exactly-once: ${DIRECTORIES * KILLS_PER_DIRECTORY} kills, ${totalItems} app commits, uncounted at the last kill per directory: ${backlogs.join(', ')}`)
  })
})
