import { readdirSync, statSync } from 'node:fs'
import { SegmentCache } from '../autonomy/archive-segment.js'
import { autonomyDatabase } from '../autonomy/index.js'
import { LivingDbError } from '../errors/index.js'
import { DEFAULT_KEYSPACE, open, type Keyspace, type KeyspaceReader } from '../index.js'
import type { OptionSpec } from './argument-parser.js'
import { integerOption, stringOption, type CommandContext } from './command.js'

/** An open livingdb database, as `open()` returns it. */
export type Database = Awaited<ReturnType<typeof open>>

/** Arguments of {@link withDatabase}. */
export interface WithDatabaseArgs<T> {
  readonly context: CommandContext
  /** True for commands that only read: a missing directory is `DB_NOT_FOUND` instead of a new, empty database. */
  readonly mustExist: boolean
  readonly use: (database: Database) => Promise<T> | T
}

/**
 * Opens the `--db` database (strict durability: a command's writes are on disk
 * when it exits), runs `use`, and closes it even when `use` throws. Plugins stored in
 * the database are not started: their durable cursors let them catch up on the next
 * open that runs them (`livingdb demo`, `ask`, `serve`, or the app), so inspecting or
 * loading data from the command line stays fast. Reads go through the autonomy layer,
 * so values `livingdb autonomy run` moved into archive segments come back as written.
 */
export async function withDatabase<T>(args: WithDatabaseArgs<T>): Promise<T> {
  const path = args.context.databasePath
  if (args.mustExist) assertDatabaseExists(path)
  const database = await open({ path, durability: 'strict', startPlugins: false })
  try {
    return await args.use(autonomyDatabase(database, { segments: new SegmentCache() }) as Database)
  } finally {
    await database.close()
  }
}

/** Throws `DB_NOT_FOUND` when `path` is not a directory holding files. */
export function assertDatabaseExists(path: string): void {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory() || readdirSync(path).length === 0) {
    throw new LivingDbError('DB_NOT_FOUND', `No livingdb database at ${path}. Pass --db DIR pointing at an existing database, or create one with \`livingdb import FILE --db ${path}\` or \`livingdb kv put KEY VALUE --db ${path}\`.`, { details: { path } })
  }
}

/** The txn id of the latest commit (0 for an empty database). */
export function lastCommittedTxnId(database: Database): number {
  return database.stats().txnId
}

/** `--keyspace NAME`: the named B+tree a data command reads or writes (default: the app's default keyspace). */
export const KEYSPACE_OPTION: OptionSpec = { name: 'keyspace', type: 'string', valueName: 'NAME', description: `Work on the named keyspace (default "${DEFAULT_KEYSPACE}"; \`livingdb stats\` lists them).` }

/** The keyspace `--keyspace` names (the default one when absent). */
export function selectKeyspace(context: CommandContext, database: Database): Keyspace {
  return database.keyspace(stringOption(context, 'keyspace') ?? DEFAULT_KEYSPACE)
}

/** `--at TXN`: read the database as it was after txn TXN (time travel). */
export const AT_OPTION: OptionSpec = { name: 'at', type: 'integer', valueName: 'TXN', minimum: 0, description: 'Read the database as of txn TXN (time travel; `livingdb log` lists txn ids).' }

/**
 * Runs `use` with a reader of the `--keyspace` keyspace: the latest version, or
 * the version after txn `--at` (held open until `use` settles).
 */
export function withKeyspaceReader<T>(context: CommandContext, database: Database, use: (reader: KeyspaceReader) => T): T {
  const at = integerOption(context, 'at')
  if (at === undefined) return use(selectKeyspace(context, database))
  const name = stringOption(context, 'keyspace') ?? DEFAULT_KEYSPACE
  return database.readAt(at, snapshot => use(snapshot.keyspace(name)))
}
