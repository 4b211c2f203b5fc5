import { open } from '../../core/index.js'
import { type Cartridge, type CartridgeDatabase, CURSOR_KEYSPACE, catchUpCartridge, openCartridge, queryCartridge, readCursor } from '../spec/index.js'
import type { GeneratedCommit } from './conformance-types.js'
import { dumpCartridgeKeyspaces } from './dump-keyspaces.js'
import { SeededRandom } from './seeded-random.js'

/** The cartridge as it was after one catch-up: to compare with `readAt` later. */
export interface Checkpoint {
  /** The head after the catch-up (the version to read at). */
  readonly txnId: number
  /** The cartridge's cursor then. */
  readonly cursor: number
  readonly dump: readonly string[]
  readonly answers: readonly unknown[]
}

/** An in-memory database with the app commits written and the cartridge applied along the way. */
export interface IncrementalRun {
  readonly db: Awaited<ReturnType<typeof open>>
  readonly checkpoints: readonly Checkpoint[]
}

/** Writes one generated commit as the app. */
export async function writeGenerated(db: CartridgeDatabase, commit: GeneratedCommit): Promise<void> {
  await db.write((transaction) => {
    for (const operation of commit.ops) {
      const space = transaction.keyspace(operation.keyspace ?? 'default')
      if (operation.type === 'put') space.put(operation.key, operation.value ?? null)
      else space.delete(operation.key)
    }
  }, { origin: 'app' })
}

/**
 * Writes `commits` as the app and, every 1-4 commits, catches the cartridge up in
 * batches of 1-3 commits (seeded), recording a few checkpoints. Ends fully caught up.
 */
export async function incrementalRun(args: {
  readonly cartridge: Cartridge
  readonly commits: readonly GeneratedCommit[]
  readonly seed: number
  readonly sampleQueries: readonly { readonly name: string; readonly input: unknown }[]
  /** Stop writing after this many commits (default all). */
  readonly stopAfter?: number
}): Promise<IncrementalRun> {
  const db = await open({ durability: 'none', timeTravelTxns: 4 })
  const random = new SeededRandom(args.seed)
  const checkpoints: Checkpoint[] = []
  // Opening an empty database writes the cartridge's meta record, as a rebuild does.
  await openCartridge({ db, cartridge: args.cartridge })
  const total = Math.min(args.stopAfter ?? args.commits.length, args.commits.length)
  let untilCatchUp = random.integer(1, 4)
  for (let index = 0; index < total; index++) {
    await writeGenerated(db, args.commits[index]!)
    if (--untilCatchUp > 0 && index < total - 1) continue
    untilCatchUp = random.integer(1, 4)
    await catchUpCartridge({ db, cartridge: args.cartridge, maxCommitsPerBatch: random.integer(1, 3) })
    if (random.next() < 0.15 || index === Math.floor(total / 3)) {
      const { dump, cursor } = db.read((snapshot) => ({ dump: dumpCartridgeKeyspaces(args.cartridge, snapshot), cursor: readCursor(args.cartridge, snapshot.keyspace(CURSOR_KEYSPACE)) }))
      const answers = args.sampleQueries.map((query) => queryCartridge({ db, cartridge: args.cartridge, name: query.name, input: query.input }))
      checkpoints.push({ txnId: db.txnId, cursor, dump, answers })
    }
  }
  await catchUpCartridge({ db, cartridge: args.cartridge, maxCommitsPerBatch: random.integer(1, 3) })
  return { db, checkpoints }
}

/** The stored bytes of the cartridge at the head. */
export function dumpNow(db: CartridgeDatabase, cartridge: Cartridge): string[] {
  return db.read((snapshot) => dumpCartridgeKeyspaces(cartridge, snapshot))
}
