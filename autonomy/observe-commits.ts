import type { Database } from '../core/index.js'
import { AUTONOMY_KEYS, AUTONOMY_ORIGIN, SYS_KEYSPACE } from './autonomy-action.js'
import type { UsageStatistics } from './usage-statistics.js'

/**
 * Counts the writes since the last observation as accesses (weighted by their age, so a
 * long history does not make everything look hot) and moves autonomy's cursor in `sys`.
 * Reads the commit stream up to the head as of the call; when the log no longer holds the
 * commits after the cursor, starts from the head.
 */
export async function observeCommits(args: { readonly db: Database; readonly statistics: UsageStatistics; readonly counted: (keyspace: string) => boolean; readonly now: number }): Promise<number> {
  const { db, statistics } = args
  const head = db.txnId
  const cursor = (db.read((snapshot) => snapshot.keyspace(SYS_KEYSPACE).get(AUTONOMY_KEYS.cursor)) as number | undefined) ?? 0
  if (cursor >= head) return 0
  let seen = 0
  try {
    for await (const commit of db.commits({ from: cursor + 1 })) {
      if (commit.origin !== AUTONOMY_ORIGIN && !commit.origin.startsWith('cartridge')) {
        const at = Math.min(commit.timestamp, args.now)
        for (const operation of commit.ops) if (operation.type === 'put' && args.counted(operation.keyspace)) statistics.recordWrite(operation.keyspace, operation.key, at)
      }
      seen += 1
      if (commit.txnId >= head) break
    }
  } catch {
    // The log before the cursor was released: writes older than the log count as old.
  }
  await db.write((transaction) => transaction.keyspace(SYS_KEYSPACE).put(AUTONOMY_KEYS.cursor, head), { origin: AUTONOMY_ORIGIN })
  return seen
}
