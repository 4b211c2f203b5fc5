// Child process of the recovery workload: logs many small commits into livingdb with
// durability `none` and no checkpoint, reports that it is done, and waits to be killed
// (SIGKILL), so the next open() must replay every commit from the log. In `none` mode
// livingdb writes each commit record to the log file at commit (no fsync), so the records
// survive the process being killed (not a machine crash).
import { printBenchResult } from './child-process.js'
import { loadLivingDb } from './engines/livingdb-engine.js'
import { recoveryKey, type RecoveryChildInput } from './workloads/recovery.js'

/** How many commits the child keeps in flight at once. */
const WINDOW = 512

{
  const input = JSON.parse(process.argv[2] ?? '{}') as RecoveryChildInput
  const { open } = await loadLivingDb()
  const db = await open({ path: input.directory, durability: 'none', checkpointIntervalMs: 0, checkpointBytes: Number.MAX_SAFE_INTEGER })
  for (let start = 0; start < input.commits; start += WINDOW) {
    const pending: Promise<unknown>[] = []
    for (let index = start; index < Math.min(start + WINDOW, input.commits); index++) {
      pending.push(db.put(recoveryKey(index), { n: index }))
    }
    await Promise.all(pending)
  }
  printBenchResult({ committed: input.commits })
  setInterval(() => undefined, 60_000)
}
