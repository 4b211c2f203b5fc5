import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LivingDbError } from '../../errors/index.js'
import { open } from '../../index.js'
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

async function runDemo(context: CommandContext, path: string, temporary: boolean): Promise<number> {
  const { output } = context
  const sample = stringOption(context, 'sample') ?? bundledSample()
  const say = (text: string): void => {
    if (!context.json) output.line(text)
  }
  say(`livingdb demo: database in ${path}${temporary ? ' (temporary, removed at the end; pass --db DIR to keep it)' : ''}`)

  const database = await open({ path, durability: 'group' })
  let imported: ImportSummary
  let timeTravel: { key: string; txnBefore: number; txnAfter: number; before: unknown; after: unknown; now: unknown }
  let scanned: { key: string; name: unknown; status: unknown; dueOn: unknown }[]
  try {
    say('')
    say(`1. import ${sample}`)
    imported = await importJsonl({ database, file: sample, progress: output.progress({ label: 'import', unit: 'bytes' }) })
    if (imported.lastTxnId === undefined) throw new LivingDbError('IMPORT_INVALID', `The sample ${sample} holds no records. Pass a JSONL file with {"key", "value"} lines to --sample.`)
    say(`   ${imported.imported} records in ${imported.batches} transaction${imported.batches === 1 ? '' : 's'} (txn ${imported.lastTxnId})`)

    say('')
    say(`2. scan --prefix ${SCAN_PREFIX}`)
    scanned = []
    for (const { key, value } of database.scan({ prefix: SCAN_PREFIX })) {
      const record = isObject(value) ? value : {}
      scanned.push({ key: String(key), name: record.name, status: record.status, dueOn: record.dueOn })
    }
    for (const row of scanned) say(`   ${row.key.padEnd(36)} ${String(row.status).padEnd(12)} due ${String(row.dueOn)}  ${String(row.name)}`)

    say('')
    say(`3. time travel: complete ${TIME_TRAVEL_KEY}, then read it as of txn ${imported.lastTxnId}`)
    timeTravel = await completeTask(database, imported.lastTxnId)
    say(`   now (txn ${timeTravel.txnAfter}):    status ${JSON.stringify(timeTravel.after)}`)
    say(`   readAt(${timeTravel.txnBefore}):        status ${JSON.stringify(timeTravel.before)}`)
  } finally {
    await database.close()
  }

  say('')
  say('4. verify')
  const verified: VerifyReport = await verifyDatabase({ path, progress: output.progress({ label: 'verify' }) })
  for (const line of formatVerifyReport(verified)) say(`   ${line}`)

  const stats = await withStats(path)
  say('')
  say('5. stats')
  for (const line of formatStats(stats)) say(`   ${line}`)

  if (context.json) {
    output.json({ database: { path, temporary }, import: imported, scan: { prefix: SCAN_PREFIX, records: scanned }, timeTravel, verify: verified, stats })
  } else {
    say('')
    say(verified.ok ? 'Done. Try: livingdb kv scan --prefix notes/ --limit 5 --db DIR, livingdb log --from 0 --db DIR' : 'verify found problems (see above).')
  }
  return verified.ok ? 0 : 1
}

async function completeTask(database: Awaited<ReturnType<typeof open>>, importTxnId: number) {
  const current = database.get(TIME_TRAVEL_KEY)
  if (!isObject(current)) {
    throw new LivingDbError('KEY_NOT_FOUND', `The demo's time-travel step needs ${TIME_TRAVEL_KEY} (an object with a "status") in the sample. Use the bundled sample, or add that record to your --sample file.`)
  }
  const { txnId } = await database.write(tx => {
    tx.put(TIME_TRAVEL_KEY, { ...current, status: 'done', completedOn: '2026-03-04' })
  })
  const before = database.readAt(importTxnId, snapshot => snapshot.get(TIME_TRAVEL_KEY))
  const now = database.get(TIME_TRAVEL_KEY)
  return {
    key: TIME_TRAVEL_KEY,
    txnBefore: importTxnId,
    txnAfter: txnId,
    before: isObject(before) ? before.status : undefined,
    after: isObject(now) ? now.status : undefined,
    now,
  }
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
