/**
 * Child process of the crash tests: opens the database and commits forever,
 * printing `ack <sequence> <txnId>` for every commit whose write() resolved.
 * The parent kill -9s it at a random moment.
 *
 * - `strict`: one writer commits the seeded workload (crash-workload.ts) in order.
 * - `group`: 16 concurrent writers; transaction `sequence` puts the unique key
 *   `t/<sequence>` (plus seeded workload keys), so the parent can check each
 *   acknowledged commit individually.
 *
 * Usage: node --import tsx test/crash/crash-writer.ts <db dir> <seed> [strict|group]
 */
import { open } from '../../core/index.js'
import { crashTransaction } from './crash-workload.js'

const [directory, seedText, mode = 'strict'] = process.argv.slice(2)
if (directory === undefined || seedText === undefined || (mode !== 'strict' && mode !== 'group')) {
  process.stderr.write('usage: crash-writer.ts <db dir> <seed> [strict|group]\n')
  process.exit(2)
}
const seed = Number(seedText)
// Small checkpoint and segment sizes so kills also land inside checkpoints and segment roll-overs.
const db = await open({ path: directory, durability: mode, checkpointBytes: 24 * 1024, checkpointIntervalMs: 0, segmentBytes: 64 * 1024 })
process.stdout.write('ready\n')

async function commit(sequence: number): Promise<void> {
  const operations = crashTransaction(seed, sequence)
  const { txnId } = await db.write((transaction) => {
    for (const operation of operations) {
      if (operation.type === 'put') transaction.put(operation.key, operation.value)
      else transaction.delete(operation.key)
    }
    if (mode === 'group') transaction.put(`t/${sequence}`, { sequence })
  })
  process.stdout.write(`ack ${sequence} ${txnId}\n`)
}

if (mode === 'strict') {
  for (let sequence = 1; ; sequence++) await commit(sequence)
} else {
  let next = 1
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (;;) await commit(next++)
  }))
}
