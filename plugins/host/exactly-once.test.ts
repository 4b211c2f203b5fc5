import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { killAfterReady } from '../../test/support/kill-after-ready.js'
import { afterAll, describe, expect, it } from 'vitest'
import { open } from '../../index.js'
import { createPluginHost } from './create-plugin-host.js'

const SEED = Number(process.env.LIVINGDB_TEST_SEED ?? 20261124)
const DIRECTORIES = Number(process.env.LIVINGDB_EXACTLY_ONCE_DIRS ?? 4)
const KILLS_PER_DIRECTORY = Number(process.env.LIVINGDB_EXACTLY_ONCE_KILLS ?? 4)
const SANDBOX_DIRECTORIES = Number(process.env.LIVINGDB_EXACTLY_ONCE_SANDBOX_DIRS ?? 1)
const CHILD = fileURLToPath(new URL('./test-support/exactly-once-child.ts', import.meta.url))
const COUNTER = new URL('./test-support/fixtures/counting-plugin.ts', import.meta.url)
const SANDBOXED_COUNTER = { module: new URL('../sandbox/test-support/fixtures/counting-package/index.js', import.meta.url), trusted: false }
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
function runAndKill(path: string, firstItem: number, delayMs: number, sandbox: boolean): Promise<void> {
  return killAfterReady({ script: CHILD, args: [path, String(firstItem), ...(sandbox ? ['sandbox'] : [])], delayMs })
}

async function verify(path: string, sandbox: boolean): Promise<{ items: number; backlog: number }> {
  const db = await open({ path, durability: 'strict' })
  try {
    const countedBeforeCatchUp = (db.keyspace('counter').get('total') as number | undefined) ?? 0
    const host = await createPluginHost({ db, plugins: [sandbox ? SANDBOXED_COUNTER : COUNTER], onLog: () => {} })
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

/** Kills the engine process at random moments, then checks every app commit was counted exactly once. */
async function killTrials(args: { readonly directories: number; readonly sandbox: boolean; readonly label: string }): Promise<void> {
  const next = random(SEED + (args.sandbox ? 1 : 0))
  let totalItems = 0
  const backlogs: number[] = []
  for (let directory = 0; directory < args.directories; directory++) {
    const path = join(root, `${args.label}-${directory}`)
    let firstItem = 0
    for (let kill = 0; kill < KILLS_PER_DIRECTORY; kill++) {
      const delayMs = Math.floor(next() * 400)
      try {
        await runAndKill(path, firstItem, delayMs, args.sandbox)
      } catch (error) {
        throw new Error(`${args.label} trial ${directory}/${kill} (seed ${SEED}, delay ${delayMs} ms): ${(error as Error).message}`)
      }
      firstItem += 100_000
    }
    try {
      const { items, backlog } = await verify(path, args.sandbox)
      totalItems += items
      backlogs.push(backlog)
    } catch (error) {
      throw new Error(`exactly-once violated in ${args.label} trial ${directory} (seed ${SEED}; rerun with LIVINGDB_TEST_SEED=${SEED}): ${(error as Error).message}`)
    }
  }
  expect(totalItems).toBeGreaterThan(0)
  console.info(`exactly-once (${args.label}): ${args.directories * KILLS_PER_DIRECTORY} kills, ${totalItems} app commits, uncounted at the last kill per directory: ${backlogs.join(', ')}`)
}

describe('exactly-once effects across kill -9', () => {
  it(`counts every commit once after ${DIRECTORIES * KILLS_PER_DIRECTORY} random kills, worker plugin (seed ${SEED})`, async () => {
    await killTrials({ directories: DIRECTORIES, sandbox: false, label: 'worker' })
  }, 240_000)

  it(`counts every commit once after ${SANDBOX_DIRECTORIES * KILLS_PER_DIRECTORY} random kills, sandboxed plugin (seed ${SEED})`, async () => {
    await killTrials({ directories: SANDBOX_DIRECTORIES, sandbox: true, label: 'sandbox' })
  }, 240_000)
})
