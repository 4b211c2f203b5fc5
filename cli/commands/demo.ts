import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LivingDbError } from '../../errors/index.js'
import { DEFAULT_KEYSPACE, open, type JsonValue } from '../../index.js'
import { stringOption, type CommandContext, type CommandDefinition } from '../command.js'
import { importJsonl, type ImportSummary } from '../import-jsonl.js'
import { packageRoot } from '../package-root.js'
import { verifyDatabase, type VerifyReport } from '../verify-database.js'
import { formatStats, readStats } from './stats.js'
import { formatVerifyReport } from './verify.js'

/** The task the demo completes to show time travel: blocked in the sample, done afterwards. */
const TIME_TRAVEL_KEY = 'tasks/T-1006'
const SCAN_PREFIX = 'projects/'

const demoCommand: CommandDefinition = {
  path: ['demo'],
  summary: 'Tour the store: import the bundled sample, scan, time-travel, verify, stats.',
  description: [
    'Creates a database (in a temporary directory that is removed afterwards, or in --db DIR,',
    'which is kept), imports examples/sample-store.jsonl (a small company\'s people, customers,',
    'projects, tasks, tickets and notes), scans the projects, marks a blocked task done and reads',
    'the task as of the import txn (time travel), verifies every checksum and tree invariant and',
    'prints statistics. With --json prints one summary object. Exits 1 if verify finds a problem.',
  ].join('\n'),
  positionals: [],
  options: [{ name: 'sample', type: 'string', valueName: 'FILE', description: 'Import FILE instead of the bundled sample (its time-travel step needs tasks/T-1006).' }],
  examples: ['livingdb demo', 'npm run demo -- --db ./demo-data', 'livingdb demo --json | jq .timeTravel'],
  async run(context) {
    const explicit = stringOption(context, 'db') !== undefined
    const path = explicit ? context.databasePath : mkdtempSync(join(tmpdir(), 'livingdb-demo-'))
    try {
      return await runDemo(context, path, !explicit)
    } finally {
      if (!explicit) rmSync(path, { recursive: true, force: true })
    }
  },
}

/** The versions the demo writes for {@link TIME_TRAVEL_KEY}, one transaction each (the sample's story: the card export arrives, then the import succeeds). */
const TASK_UPDATES: readonly { readonly status: string; readonly note: string; readonly on: string }[] = [
  { status: 'in_progress', note: 'Chargebee released the PCI card export; import into Stripe scheduled for 2026-03-04.', on: '2026-03-02' },
  { status: 'done', note: 'Stripe imported 398 of 401 saved cards; the three failures are expired cards.', on: '2026-03-04' },
]

interface TaskVersion {
  readonly txnId: number
  readonly status: unknown
  readonly note: unknown
}

async function runDemo(context: CommandContext, path: string, temporary: boolean): Promise<number> {
  const { output } = context
  const sample = stringOption(context, 'sample') ?? bundledSample()
  const say = (text = ''): void => {
    if (!context.json) output.line(text)
  }
  say(`livingdb demo: database in ${path}${temporary ? ' (temporary, removed at the end; pass --db DIR to keep it)' : ''}`)

  const database = await open({ path, durability: 'group' })
  let imported: ImportSummary
  let scanned: { key: string; name: unknown; status: unknown; dueOn: unknown }[]
  let versions: TaskVersion[]
  let commits: { txnId: number; origin: string; ops: { type: string; key: string }[] }[]
  try {
    say()
    say(`1. import ${sample}`)
    imported = await importJsonl({ target: database.keyspace(DEFAULT_KEYSPACE), file: sample, progress: output.progress({ label: 'import', unit: 'bytes' }) })
    if (imported.lastTxnId === undefined) throw new LivingDbError('IMPORT_INVALID', `The sample ${sample} holds no records. Pass a JSONL file with {"key", "value"} lines to --sample.`)
    say(`   ${imported.imported} records in ${imported.batches} transaction${imported.batches === 1 ? '' : 's'} (up to txn ${imported.lastTxnId})`)

    say()
    say(`2. scan --prefix ${SCAN_PREFIX}`)
    scanned = []
    for (const { key, value } of database.scan({ prefix: SCAN_PREFIX })) {
      const record = isObject(value) ? value : {}
      scanned.push({ key: String(key), name: record.name, status: record.status, dueOn: record.dueOn })
    }
    for (const row of scanned) say(`   ${row.key.padEnd(36)} ${String(row.status).padEnd(12)} due ${String(row.dueOn)}  ${String(row.name)}`)

    say()
    say(`3. time travel: ${TIME_TRAVEL_KEY} changes in ${TASK_UPDATES.length} commits; readAt() reads every version`)
    versions = await updateTask(database, imported.lastTxnId)
    for (const version of versions) say(`   readAt(${version.txnId})`.padEnd(16) + ` status ${JSON.stringify(version.status).padEnd(14)} ${String(version.note)}`)
    say(`   get()`.padEnd(16) + ` status ${JSON.stringify(versions.at(-1)!.status)} (the latest commit)`)

    say()
    say(`4. commit stream: log --from ${imported.lastTxnId + 1}`)
    commits = []
    const last = database.stats().txnId
    for await (const commit of database.commits({ from: imported.lastTxnId + 1 })) {
      commits.push({ txnId: commit.txnId, origin: commit.origin, ops: commit.ops.map(op => ({ type: op.type, key: String(op.key) })) })
      say(`   txn ${commit.txnId}  ${new Date(commit.timestamp).toISOString()}  ${commit.origin}  ${commit.ops.map(op => `${op.type} ${String(op.key)}`).join(', ')}`)
      if (commit.txnId >= last) break
    }
  } finally {
    await database.close()
  }

  say()
  say('5. verify')
  const verified: VerifyReport = await verifyDatabase({ path, progress: output.progress({ label: 'verify' }) })
  for (const line of formatVerifyReport(verified)) say(`   ${line}`)

  const stats = await withStats(path)
  say()
  say('6. stats (all counters: livingdb stats)')
  for (const line of formatStats(pick(stats, ['txnId', 'keyspaces', 'pageSize', 'pages', 'fileBytes', 'log']))) say(`   ${line}`)

  if (context.json) {
    output.json({ database: { path, temporary }, import: imported, scan: { prefix: SCAN_PREFIX, records: scanned }, timeTravel: { key: TIME_TRAVEL_KEY, versions }, commits, verify: verified, stats })
  } else {
    say()
    if (!verified.ok) say('verify found problems (see above).')
    else if (temporary) say('Done. To keep a database to explore: npm run demo -- --db ./demo-data, then npx livingdb kv scan --prefix notes/ --limit 5 --db ./demo-data')
    else say(`Done. Explore: npx livingdb kv scan --prefix notes/ --limit 5 --db ${path}; npx livingdb log --from 0 --limit 3 --db ${path}`)
  }
  return verified.ok ? 0 : 1
}

/** Writes {@link TASK_UPDATES} one commit each, then reads every version back with `readAt`. */
async function updateTask(database: Awaited<ReturnType<typeof open>>, importTxnId: number): Promise<TaskVersion[]> {
  if (!isObject(database.get(TIME_TRAVEL_KEY))) {
    throw new LivingDbError('KEY_NOT_FOUND', `The demo's time-travel step needs ${TIME_TRAVEL_KEY} (an object with a "status") in the sample. Use the bundled sample, or add that record to your --sample file.`)
  }
  const txnIds = [importTxnId]
  for (const update of TASK_UPDATES) {
    const current = database.get(TIME_TRAVEL_KEY) as Record<string, JsonValue>
    const { txnId } = await database.write(tx => {
      tx.put(TIME_TRAVEL_KEY, { ...current, status: update.status, statusNote: update.note, updatedOn: update.on })
    })
    txnIds.push(txnId)
  }
  return txnIds.map(txnId => {
    const value = database.readAt(txnId, snapshot => snapshot.get(TIME_TRAVEL_KEY))
    const record = isObject(value) ? value : {}
    return { txnId, status: record.status, note: record.statusNote ?? record.description }
  })
}

function pick(stats: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter(name => name in stats).map(name => [name, stats[name]]))
}

async function withStats(path: string): Promise<Record<string, unknown>> {
  const database = await open({ path, durability: 'strict' })
  try {
    return readStats(database)
  } finally {
    await database.close()
  }
}

function bundledSample(): string {
  const file = join(packageRoot(), 'examples', 'sample-store.jsonl')
  if (!existsSync(file)) {
    throw new LivingDbError('IMPORT_INVALID', `The bundled sample ${file} is missing from this installation. Pass --sample FILE, or run the demo from a clone of the repository.`, { details: { file } })
  }
  return file
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

/** `livingdb demo`. */
export const DEMO_COMMANDS: readonly CommandDefinition[] = [demoCommand]
