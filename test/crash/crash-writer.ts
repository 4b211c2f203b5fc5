/**
 * Child process of the crash test: opens the database in `strict` mode and
 * commits the seeded workload forever, printing `ack <sequence> <txnId>` for
 * every commit whose write() resolved. The parent kill -9s it at a random moment.
 *
 * Usage: node --import tsx test/crash/crash-writer.ts <db dir> <seed>
 */
import { open } from '../../index.js'
import { crashTransaction } from './crash-workload.js'

const [directory, seedText] = process.argv.slice(2)
if (directory === undefined || seedText === undefined) {
  process.stderr.write('usage: crash-writer.ts <db dir> <seed>\n')
  process.exit(2)
}
const seed = Number(seedText)
// Small checkpoint and segment sizes so kills also land inside checkpoints and segment roll-overs.
const db = await open({ path: directory, durability: 'strict', checkpointBytes: 24 * 1024, checkpointIntervalMs: 0, segmentBytes: 64 * 1024 })
process.stdout.write('ready\n')
for (let sequence = 1; ; sequence++) {
  const operations = crashTransaction(seed, sequence)
  const { txnId } = await db.write((transaction) => {
    for (const operation of operations) {
      if (operation.type === 'put') transaction.put(operation.key, operation.value)
      else transaction.delete(operation.key)
    }
  })
  process.stdout.write(`ack ${sequence} ${txnId}\n`)
}
