import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { JsonValue } from '../../core/codec/index.js'
import { seededRandom } from '../../core/file/testing/memory-inode.js'
import { open } from '../../core/index.js'
import { applyCrashTransaction, crashTransaction } from './crash-workload.js'

/**
 * Crash tests with a real process: a child commits in `strict` mode and
 * prints every acknowledged txn; the parent kill -9s it at a random moment
 * (sometimes during open/recovery), reopens the database and checks that
 * every acknowledged commit is there, the state equals the reference model
 * at some commit at or after the last acknowledged one, and verify() passes.
 * The same directory is reused across trials, so recovery of recovered
 * databases is exercised too.
 */
const SEED = Number(process.env.LIVINGDB_CRASH_SEED ?? 9_114)
const TRIALS = Number(process.env.LIVINGDB_CRASH_TRIALS ?? 50)
const GROUP_TRIALS = Number(process.env.LIVINGDB_CRASH_GROUP_TRIALS ?? 10)
const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-writer.ts')
const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'livingdb-crash-'))
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

interface TrialRun {
  readonly acknowledged: { sequence: number; txnId: number }[]
  readonly sawReady: boolean
  readonly stderr: string
}

/** Runs the writer and kill -9s it `delayMs` after it printed `ready` (or after spawn, when `beforeReady`). */
function runTrial(args: { directory: string; seed: number; delayMs: number; beforeReady: boolean; mode?: 'strict' | 'group' }): Promise<TrialRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, args.directory, String(args.seed), args.mode ?? 'strict'], { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const acknowledged: { sequence: number; txnId: number }[] = []
    let sawReady = false
    let stderr = ''
    let pending = ''
    const kill = (): void => {
      child.kill('SIGKILL')
    }
    if (args.beforeReady) setTimeout(kill, args.delayMs)
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) {
        if (line === 'ready') {
          sawReady = true
          if (!args.beforeReady) setTimeout(kill, args.delayMs)
          continue
        }
        const [word, sequence, txnId] = line.split(' ')
        if (word === 'ack') acknowledged.push({ sequence: Number(sequence), txnId: Number(txnId) })
      }
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code}, signal ${signal}): ${stderr}`))
      else resolve({ acknowledged, sawReady, stderr })
    })
  })
}

function snapshotOf(db: Awaited<ReturnType<typeof open>>): Map<string, JsonValue> {
  const state = new Map<string, JsonValue>()
  for (const { key, value } of db.scan()) state.set(String(key), value as JsonValue)
  return state
}

function sameState(left: Map<string, JsonValue>, right: Map<string, JsonValue>): boolean {
  if (left.size !== right.size) return false
  for (const [key, value] of left) {
    if (!right.has(key) || JSON.stringify(right.get(key)) !== JSON.stringify(value)) return false
  }
  return true
}

describe(`crash tests: kill -9 during strict commits (seed ${SEED}, ${TRIALS} trials; LIVINGDB_CRASH_SEED / LIVINGDB_CRASH_TRIALS)`, () => {
  it('every acknowledged commit survives and the state is a committed prefix', { timeout: 600_000 }, async () => {
    const random = seededRandom(SEED)
    const directory = path.join(scratch, 'db')
    let model = new Map<string, JsonValue>()
    let lastTxnId = 0
    let totalAcknowledged = 0
    let killedBeforeReady = 0
    for (let trial = 1; trial <= TRIALS; trial++) {
      const trialSeed = Math.floor(random() * 0x7fff_ffff)
      const beforeReady = random() < 0.15
      const delayMs = beforeReady ? Math.floor(random() * 400) : Math.floor(random() * 250)
      const run = await runTrial({ directory, seed: trialSeed, delayMs, beforeReady })
      const context = `trial ${trial} of ${TRIALS} (seed ${SEED}, trial seed ${trialSeed}, kill ${beforeReady ? 'after spawn' : 'after ready'} +${delayMs} ms)`
      if (!run.sawReady) killedBeforeReady++
      totalAcknowledged += run.acknowledged.length
      const lastAcknowledged = run.acknowledged.at(-1)
      const db = await open({ path: directory, durability: 'strict', checkpointIntervalMs: 0 })
      try {
        if (lastAcknowledged !== undefined) expect(db.txnId, `${context}: acknowledged txn ${lastAcknowledged.txnId} lost`).toBeGreaterThanOrEqual(lastAcknowledged.txnId)
        else expect(db.txnId, context).toBeGreaterThanOrEqual(lastTxnId)
        // The state must equal the model after m transactions, m >= the last acknowledged one.
        const actual = snapshotOf(db)
        const candidate = new Map(model)
        const acknowledgedCount = lastAcknowledged?.sequence ?? 0
        for (let sequence = 1; sequence <= acknowledgedCount; sequence++) applyCrashTransaction(candidate, crashTransaction(trialSeed, sequence))
        let matched = sameState(candidate, actual)
        for (let extra = 1; !matched && extra <= 3; extra++) {
          applyCrashTransaction(candidate, crashTransaction(trialSeed, acknowledgedCount + extra))
          matched = sameState(candidate, actual)
        }
        expect(matched, `${context}: the recovered state matches no commit at or after the last acknowledged one (#${acknowledgedCount})`).toBe(true)
        const report = db.verify()
        expect(report.problems, context).toEqual([])
        expect(report.ok, context).toBe(true)
        expect(Object.keys(db.checkValid()).length, context).toBeGreaterThan(0) // throws TREE_INVARIANT on a broken tree
        model = candidate
        lastTxnId = db.txnId
      } finally {
        await db.close()
      }
    }
    console.log(`crash test: ${TRIALS} kill -9 trials (seed ${SEED}), ${totalAcknowledged} acknowledged commits checked, ${killedBeforeReady} kills before the writer was ready`)
    expect(totalAcknowledged).toBeGreaterThan(0)
  })

  it('group commit: every acknowledged commit of 16 concurrent writers survives', { timeout: 300_000 }, async () => {
    const random = seededRandom(SEED + 1)
    const directory = path.join(scratch, 'group-db')
    let totalAcknowledged = 0
    let lastTxnId = 0
    for (let trial = 1; trial <= GROUP_TRIALS; trial++) {
      const trialSeed = Math.floor(random() * 0x7fff_ffff)
      const delayMs = Math.floor(random() * 250)
      const run = await runTrial({ directory, seed: trialSeed, delayMs, beforeReady: false, mode: 'group' })
      const context = `group trial ${trial} of ${GROUP_TRIALS} (seed ${SEED}, trial seed ${trialSeed}, kill after ready +${delayMs} ms)`
      totalAcknowledged += run.acknowledged.length
      const db = await open({ path: directory, durability: 'group', checkpointIntervalMs: 0 })
      try {
        expect(db.txnId, context).toBeGreaterThanOrEqual(Math.max(lastTxnId, ...run.acknowledged.map((entry) => entry.txnId)))
        for (const { sequence } of run.acknowledged) expect(db.get(`t/${sequence}`), `${context}: acknowledged #${sequence} lost`).toEqual({ sequence })
        const report = db.verify()
        expect(report.problems, context).toEqual([])
        lastTxnId = db.txnId
        // Start the next trial from a clean slate of unique keys.
        await db.write((transaction) => {
          for (const { key } of db.scan({ prefix: 't/' })) transaction.delete(key)
        })
      } finally {
        await db.close()
      }
    }
    console.log(`crash test: ${GROUP_TRIALS} kill -9 trials in group mode (seed ${SEED}), ${totalAcknowledged} acknowledged commits checked`)
    expect(totalAcknowledged).toBeGreaterThan(0)
  })
})
