import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../../core/codec/index.js'
import { type CrashOptions, FaultFileSystem, type WriteFault } from '../../core/file/testing/index.js'
import type { DurabilityMode } from '../../core/log/index.js'
import { LivingDbError } from '../../errors/index.js'
import { open } from '../../core/index.js'
import { applyCrashTransaction, crashTransaction } from './crash-workload.js'

/**
 * Fault injection through the whole engine (`open({ path, fs })`): at every
 * write call and every fsync call of a small workload with checkpoints and
 * log roll-overs, inject a torn, short or failing write (or a failing
 * fsync), "crash" with several survival models, reopen, and require the
 * state of a committed prefix holding every acknowledged commit — or a clear
 * corruption error — and a passing verify().
 */
const SEED = Number(process.env.LIVINGDB_FAULT_SEED ?? 20_261_124)
const TRANSACTIONS = 16
const DB = '/db'

/** Reference states after 0..TRANSACTIONS transactions, as canonical JSON. */
const expectedStates: string[] = (() => {
  const model = new Map<string, JsonValue>()
  const states = [canonical(model)]
  for (let sequence = 1; sequence <= TRANSACTIONS; sequence++) {
    applyCrashTransaction(model, crashTransaction(SEED, sequence))
    states.push(canonical(model))
  }
  return states
})()

function canonical(state: Map<string, JsonValue>): string {
  return JSON.stringify([...state.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)))
}

interface Outcome {
  acknowledged: number
  failures: number
  readonly unexpected: unknown[]
}

function isIoError(error: unknown): boolean {
  return LivingDbError.isInstance(error) && (error.code === 'IO_ERROR' || error.code === 'DB_CLOSED')
}

async function runWorkload(fs: FaultFileSystem, durability: DurabilityMode): Promise<Outcome> {
  const outcome: Outcome = { acknowledged: 0, failures: 0, unexpected: [] }
  const note = (error: unknown): void => {
    if (isIoError(error)) outcome.failures++
    else outcome.unexpected.push(error)
  }
  let db: Awaited<ReturnType<typeof open>>
  try {
    db = await open({ path: DB, durability, fs, checkpointBytes: 2048, checkpointIntervalMs: 0, segmentBytes: 4096, pageSize: 512 })
  } catch (error) {
    note(error)
    return outcome
  }
  for (let sequence = 1; sequence <= TRANSACTIONS; sequence++) {
    const operations = crashTransaction(SEED, sequence)
    try {
      await db.write((transaction) => {
        for (const operation of operations) {
          if (operation.type === 'put') transaction.put(operation.key, operation.value)
          else transaction.delete(operation.key)
        }
      })
      outcome.acknowledged = sequence
    } catch (error) {
      note(error)
      break
    }
    if (sequence % 6 === 0) {
      try {
        await db.checkpoint()
      } catch (error) {
        note(error)
      }
    }
  }
  // Let a background checkpoint finish: its failure poisons the database and shows in stats().failed
  // (close() itself does not re-report a failure that happened in the background).
  try {
    await db.checkpoint()
  } catch (error) {
    note(error)
  }
  try {
    if (db.stats().failed) outcome.failures++
  } catch (error) {
    note(error)
  }
  await db.close().catch(note)
  return outcome
}

/** Wraps the hooks of a clean run to learn which file each write call and each fsync call goes to. */
function recordTargets(fs: FaultFileSystem): { writes: string[]; syncs: string[] } {
  const targets = { writes: [] as string[], syncs: [] as string[] }
  const beforeWrite = fs.beforeWrite.bind(fs)
  fs.beforeWrite = (key, inode, bytes, position) => {
    targets.writes.push(key)
    return beforeWrite(key, inode, bytes, position)
  }
  const countSync = fs.countSync.bind(fs)
  fs.countSync = (operation, key) => {
    targets.syncs.push(key)
    countSync(operation, key)
  }
  return targets
}

/** Commit-log files and the log directory: a failure there must always reach a caller. */
const isLogPath = (target: string | undefined): boolean => target !== undefined && /\/log(\/|$)/.test(target)

type Recovery = { readonly state: string; readonly verified: boolean; readonly problems: unknown } | { readonly error: LivingDbError }

async function recover(fs: FaultFileSystem, durability: DurabilityMode): Promise<Recovery> {
  let db: Awaited<ReturnType<typeof open>>
  try {
    db = await open({ path: DB, durability, fs, checkpointIntervalMs: 0, pageSize: 512 })
  } catch (error) {
    if (LivingDbError.isInstance(error)) return { error }
    throw error
  }
  try {
    const state = new Map<string, JsonValue>()
    for (const { key, value } of db.scan()) state.set(String(key), value as JsonValue)
    const report = db.verify()
    return { state: canonical(state), verified: report.ok, problems: report.problems }
  } finally {
    await db.close()
  }
}

const CRASHES: readonly CrashOptions[] = [
  { survival: 'all' },
  { survival: 'none' },
  ...[1, 2].map((offset) => ({ survival: 'prefix' as const, seed: SEED + offset })),
  { survival: 'subset', seed: SEED + 3 },
]

function check(label: string, outcome: Outcome, recovery: Recovery, durable: boolean, crash: CrashOptions): void {
  const context = `${label} crash ${JSON.stringify(crash)} (seed ${SEED})`
  expect(outcome.unexpected.map(String), context).toEqual([])
  if ('error' in recovery) {
    // Only reordered un-fsynced writes may leave damage that must be refused.
    expect(crash.survival, `${context}: ${recovery.error.code} ${recovery.error.message}`).toBe('subset')
    expect(['CORRUPT_LOG', 'CORRUPT_META', 'CORRUPT_PAGE'], context).toContain(recovery.error.code)
    return
  }
  expect(recovery.problems, context).toEqual([])
  expect(recovery.verified, context).toBe(true)
  // A transaction whose operations change nothing leaves the state (and the txn id) as it was, so look for any match.
  const matches = expectedStates.flatMap((state, index) => (state === recovery.state ? [index] : []))
  expect(matches.length, `${context}: recovered state is no committed prefix`).toBeGreaterThan(0)
  if (durable) expect(Math.max(...matches), `${context}: acknowledged commit #${outcome.acknowledged} lost`).toBeGreaterThanOrEqual(outcome.acknowledged)
}

describe(`engine under injected faults (seed ${SEED}, LIVINGDB_FAULT_SEED to change)`, () => {
  for (const durability of ['strict', 'group', 'none'] as DurabilityMode[]) {
    const durable = durability !== 'none'
    it(`${durability}: every write position, torn/short/failing, then crash and reopen`, { timeout: 300_000 }, async () => {
      const clean = new FaultFileSystem()
      const targets = recordTargets(clean)
      const cleanOutcome = await runWorkload(clean, durability)
      expect(cleanOutcome.acknowledged).toBe(TRANSACTIONS)
      expect(await recover(clean, durability)).toMatchObject({ state: expectedStates[TRANSACTIONS], verified: true })
      let scenarios = 0
      const unreported: string[] = []
      for (let at = 1; at <= clean.writes; at++) {
        for (const kind of ['torn', 'short', 'error'] as WriteFault['kind'][]) {
          const fs = new FaultFileSystem()
          fs.injectWriteFault({ at, kind })
          const outcome = await runWorkload(fs, durability)
          if (outcome.failures === 0 && !fs.crashed) {
            // A failed commit-log write must always reach the caller; a failed page write only costs a checkpoint (the log keeps the data).
            expect(isLogPath(targets.writes[at - 1]), `write #${at} ${kind} to ${targets.writes[at - 1]}: the failure was not reported`).toBe(false)
            unreported.push(`#${at} ${kind} ${targets.writes[at - 1]}`)
          }
          for (const crash of CRASHES) {
            check(`${durability} write #${at} ${kind}`, outcome, await recover(fs.crash(crash), durability), durable, crash)
            scenarios++
          }
        }
      }
      console.log(`engine faults (${durability}): ${clean.writes} write positions x 3 kinds x ${CRASHES.length} crash models = ${scenarios} recoveries checked (seed ${SEED})`)
      if (unreported.length > 0) console.log(`engine faults (${durability}): page-file write failures not reported to any caller: ${unreported.join(', ')}`)
    })

    it(`${durability}: every fsync position fails once; the failure is reported and nothing acknowledged is lost`, { timeout: 300_000 }, async () => {
      const clean = new FaultFileSystem()
      const targets = recordTargets(clean)
      await runWorkload(clean, durability)
      const unreported: string[] = []
      for (let at = 1; at <= clean.syncs; at++) {
        const fs = new FaultFileSystem()
        fs.injectSyncFault({ at })
        const outcome = await runWorkload(fs, durability)
        if (outcome.failures === 0) {
          expect(isLogPath(targets.syncs[at - 1]), `fsync #${at} of ${targets.syncs[at - 1]}: the failure was not reported`).toBe(false)
          unreported.push(`#${at} ${targets.syncs[at - 1]}`)
        }
        for (const crash of CRASHES) check(`${durability} fsync #${at}`, outcome, await recover(fs.crash(crash), durability), durable, crash)
      }
      console.log(`engine faults (${durability}): ${clean.syncs} fsync positions x ${CRASHES.length} crash models checked (seed ${SEED})`)
      if (unreported.length > 0) console.log(`engine faults (${durability}): page-file fsync failures not reported to any caller (data stayed safe in the log): ${unreported.join(', ')}`)
    })
  }
})
