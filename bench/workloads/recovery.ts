import { LivingDbError } from '../../errors/index.js'
import { startBenchChild } from '../child-process.js'
import { loadLivingDb } from '../engines/livingdb-engine.js'
import { secondsSince, type EngineFigure } from '../workload-result.js'
import { measureFileSize } from './file-size.js'

/** What the recovery workload passes to its child process. */
export interface RecoveryChildInput {
  readonly directory: string
  readonly commits: number
}

/** Key of the `index`-th logged commit. */
export function recoveryKey(index: number): string {
  return `log/${index.toString().padStart(9, '0')}`
}

/** Arguments of {@link measureRecovery}. */
export interface RecoveryArgs {
  /** An empty directory for the database. */
  readonly directory: string
  readonly commits: number
}

/**
 * livingdb only: a child process logs `commits` single-key commits (durability `none`, no
 * checkpoint) and is killed with SIGKILL; this process then times `open()`, which must
 * replay them all, and checks the last commit is back. Returns commit records per second.
 */
export async function measureRecovery(args: RecoveryArgs): Promise<EngineFigure> {
  const input: RecoveryChildInput = { directory: args.directory, commits: args.commits }
  const writeBegan = performance.now()
  let writeSeconds = 0
  const exit = await startBenchChild({
    script: './recovery-child.ts',
    input,
    onResult: (_, child) => {
      writeSeconds = secondsSince(writeBegan)
      child.kill('SIGKILL')
    },
    timeoutMs: 30 * 60_000,
  })
  if (exit.signal !== 'SIGKILL') {
    throw new LivingDbError('UNEXPECTED_ERROR', `The recovery child exited (code ${exit.code}) before it was killed: ${exit.stderr.trim()}`)
  }
  const logBytes = measureFileSize(args.directory).value
  const { open } = await loadLivingDb()
  const began = performance.now()
  const db = await open({ path: args.directory, durability: 'none' })
  const seconds = secondsSince(began)
  const last = db.get(recoveryKey(args.commits - 1)) as { n?: unknown } | undefined
  const first = db.get(recoveryKey(0)) as { n?: unknown } | undefined
  await db.close()
  if (last?.n !== args.commits - 1 || first?.n !== 0) {
    throw new LivingDbError('CORRUPT_LOG', `After recovery the first or last of ${args.commits} logged commits is missing; recovery lost acknowledged data.`)
  }
  return { value: args.commits / seconds, detail: { commits: args.commits, openSeconds: seconds, writeSeconds, bytesOnDisk: logBytes } }
}
