import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { type CrashOptions, FaultFileSystem, type WriteFault } from '../file/testing/fault-file-system.js'
import { seededRandom } from '../file/testing/memory-inode.js'
import { CommitLog, type CommitRecord, type DurabilityMode } from './index.js'

/**
 * Exhaustive fault injection: for a small workload, every write call (and
 * every fsync call) in turn fails in every way, the machine "crashes" with
 * several survival models, and the reopened log must hold a committed
 * prefix with at least every acknowledged record — or refuse with
 * CORRUPT_LOG — never anything else.
 */
const SEED = Number(process.env.LIVINGDB_FAULT_SEED ?? 20_261_124)
const DIRECTORY = '/db/log'
const encoder = new TextEncoder()

function workloadRecords(seed: number, count: number): CommitRecord[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, (_, index) => ({
    txnId: index + 1,
    timestamp: 1_700_000_000_000 + index,
    origin: 'app',
    ops: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, op) =>
      random() < 0.8
        ? { type: 'put' as const, keyspace: 'default', key: encoder.encode(`k${index}-${op}`), value: encoder.encode('x'.repeat(Math.floor(random() * 300))) }
        : { type: 'delete' as const, keyspace: 'default', key: encoder.encode(`k${index - 1}-${op}`) },
    ),
  }))
}

interface WorkloadOutcome {
  readonly acknowledged: Set<number>
  readonly rejected: Set<number>
  readonly unexpected: unknown[]
  /** close() reported an IO_ERROR (its final fsync failed). */
  closeFailed: boolean
}

/** Runs appends in waves (concurrent within a wave), over small segments so roll-over is exercised. */
async function runWorkload(fs: FaultFileSystem, durability: DurabilityMode, records: readonly CommitRecord[]): Promise<WorkloadOutcome> {
  const outcome: WorkloadOutcome = { acknowledged: new Set(), rejected: new Set(), unexpected: [], closeFailed: false }
  let log: CommitLog
  try {
    log = CommitLog.open({ fs, directory: DIRECTORY, durability, segmentBytes: 4096 })
  } catch (error) {
    outcome.unexpected.push(error)
    return outcome
  }
  const waveSize = durability === 'strict' ? 1 : 4
  for (let start = 0; start < records.length; start += waveSize) {
    await Promise.all(
      records.slice(start, start + waveSize).map((entry) =>
        log.append(entry).then(
          () => outcome.acknowledged.add(entry.txnId),
          (error: unknown) => {
            if (LivingDbError.isInstance(error) && error.code === 'IO_ERROR') outcome.rejected.add(entry.txnId)
            else outcome.unexpected.push(error)
          },
        ),
      ),
    )
  }
  await log.close().catch((error: unknown) => {
    if (LivingDbError.isInstance(error) && error.code === 'IO_ERROR') outcome.closeFailed = true
    else outcome.unexpected.push(error)
  })
  return outcome
}

type Recovered = { readonly kind: 'records'; readonly records: CommitRecord[] } | { readonly kind: 'corrupt'; readonly error: LivingDbError }

function recover(fs: FaultFileSystem, durability: DurabilityMode): Recovered {
  try {
    const log = CommitLog.open({ fs, directory: DIRECTORY, durability, segmentBytes: 4096 })
    const records = [...log.read({ fromTxnId: 0 })]
    void log.close()
    return { kind: 'records', records }
  } catch (error) {
    if (LivingDbError.isInstance(error) && error.code === 'CORRUPT_LOG') return { kind: 'corrupt', error }
    throw error
  }
}

const CRASHES: readonly CrashOptions[] = [
  { survival: 'all' },
  { survival: 'none' },
  ...[1, 2, 3].map((offset) => ({ survival: 'prefix' as const, seed: SEED + offset })),
  ...[4, 5].map((offset) => ({ survival: 'subset' as const, seed: SEED + offset })),
]

function checkRecovery(args: {
  readonly label: string
  readonly records: readonly CommitRecord[]
  readonly outcome: WorkloadOutcome
  readonly recovered: Recovered
  readonly durable: boolean
  readonly corruptAllowed: boolean
}): void {
  const { label, records, outcome, recovered } = args
  const context = `${label} (seed ${SEED})`
  expect(outcome.unexpected, context).toEqual([])
  if (recovered.kind === 'corrupt') {
    expect(args.corruptAllowed, `${context}: unexpected CORRUPT_LOG ${recovered.error.message}`).toBe(true)
    expect(recovered.error.details.file, context).toBeTypeOf('string')
    return
  }
  // A committed prefix: txn ids 1..m, each equal to what was appended.
  recovered.records.forEach((entry, index) => expect(entry, context).toEqual(records[index]))
  if (args.durable) {
    const maxAcknowledged = Math.max(0, ...outcome.acknowledged)
    expect(recovered.records.length, `${context}: acknowledged txn ${maxAcknowledged} lost`).toBeGreaterThanOrEqual(maxAcknowledged)
  }
}

async function cleanRunCounts(durability: DurabilityMode, records: readonly CommitRecord[]): Promise<{ writes: number; syncs: number }> {
  const fs = new FaultFileSystem()
  const outcome = await runWorkload(fs, durability, records)
  expect(outcome.acknowledged.size).toBe(records.length)
  return { writes: fs.writes, syncs: fs.syncs }
}

describe(`commit log under injected faults (seed ${SEED}, LIVINGDB_FAULT_SEED to change)`, () => {
  const records = workloadRecords(SEED, 24)

  for (const durability of ['strict', 'group', 'relaxed', 'none'] as DurabilityMode[]) {
    const durable = durability === 'strict' || durability === 'group'
    it(`${durability}: torn, short and failing writes at every write position`, async () => {
      const { writes } = await cleanRunCounts(durability, records)
      expect(writes).toBeGreaterThan(5)
      let scenarios = 0
      for (let at = 1; at <= writes; at++) {
        for (const kind of ['torn', 'short', 'error'] as WriteFault['kind'][]) {
          const fs = new FaultFileSystem()
          fs.injectWriteFault({ at, kind })
          const outcome = await runWorkload(fs, durability, records)
          expect(outcome.rejected.size + (fs.crashed || outcome.closeFailed ? 1 : 0), `write #${at} ${kind}: the failure was not reported`).toBeGreaterThan(0)
          for (const crash of CRASHES) {
            const recovered = recover(fs.crash(crash), durability)
            // Only reordered un-fsynced writes can leave a hole followed by an intact record.
            const corruptAllowed = crash.survival === 'subset'
            checkRecovery({ label: `${durability} write #${at} ${kind} crash ${JSON.stringify(crash)}`, records, outcome, recovered, durable, corruptAllowed })
            scenarios++
          }
        }
      }
      expect(scenarios).toBe(writes * 3 * CRASHES.length)
    })

    it(`${durability}: a failing fsync at every fsync position is reported and never loses an acknowledged commit`, async () => {
      const { syncs } = await cleanRunCounts(durability, records)
      for (let at = 1; at <= syncs; at++) {
        const fs = new FaultFileSystem()
        fs.injectSyncFault({ at })
        const outcome = await runWorkload(fs, durability, records)
        if (durable) {
          // Every fsync in strict/group mode guards some append or the final close: that call must fail.
          expect(outcome.rejected.size + (outcome.closeFailed ? 1 : 0), `fsync #${at} failure was not reported`).toBeGreaterThan(0)
          const firstRejected = Math.min(...outcome.rejected)
          expect([...outcome.acknowledged].every((txnId) => txnId < firstRejected), `fsync #${at}: appends succeeded after the failure`).toBe(true)
        }
        for (const crash of CRASHES) {
          const recovered = recover(fs.crash(crash), durability)
          checkRecovery({ label: `${durability} fsync #${at} crash ${JSON.stringify(crash)}`, records, outcome, recovered, durable, corruptAllowed: crash.survival === 'subset' })
        }
      }
    })
  }

  it('crashing after every write of a clean run keeps every acknowledged record', async () => {
    const { writes } = await cleanRunCounts('strict', records)
    for (let at = 1; at <= writes; at++) {
      const fs = new FaultFileSystem()
      fs.injectWriteFault({ at, kind: 'torn', keepBytes: 0 })
      const outcome = await runWorkload(fs, 'strict', records)
      const recovered = recover(fs.crash({ survival: 'none' }), 'strict')
      checkRecovery({ label: `strict crash before write #${at}`, records, outcome, recovered, durable: true, corruptAllowed: false })
      if (recovered.kind === 'records') expect(recovered.records.length).toBe(Math.max(0, ...outcome.acknowledged))
    }
  })
})
