import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LivingDbError } from '../../errors/index.js'
import { DEFAULT_KEYSPACE, type JsonValue, type LivingDatabase } from '../../index.js'
import type { AskResult } from '../../queries/index.js'
import { stringOption, type CommandContext, type CommandDefinition } from '../command.js'
import { importJsonl, type ImportSummary } from '../import-jsonl.js'
import { packageRoot } from '../package-root.js'
import { verifyDatabase } from '../verify-database.js'
import { formatAskResult, jsonSafe, renderPlan } from './ask.js'
import { openAskSession, openLivingSession, type AskSession } from './ask-session.js'

/** The task whose story the time-travel question follows: blocked in the sample, done two commits later. */
const TIME_TRAVEL_KEY = 'tasks/T-1006'

/** "Now" for relative times in the questions ("last week"): the day after the sample's last record. */
const DEMO_NOW = '2026-03-21T12:00:00Z'

/** The commits the demo makes after the import, one each, so the task has a past to travel to. */
const TASK_UPDATES: readonly { readonly status: string; readonly note: string; readonly on: string }[] = [
  { status: 'in_progress', note: 'Chargebee released the PCI card export; import into Stripe scheduled for 2026-03-04.', on: '2026-03-02' },
  { status: 'done', note: 'Stripe imported 398 of 401 saved cards; the three failures are expired cards.', on: '2026-03-04' },
]

/** One question of the tour; `asOfBefore` asks it as of the txn before the story moved on (time travel). */
interface DemoQuestion {
  readonly question: string
  readonly asOfBefore?: boolean
}

const QUESTIONS: readonly DemoQuestion[] = [
  { question: 'What is blocking the billing migration?' },
  { question: 'Which high priority tasks are still open?' },
  { question: 'What did Dana decide about EU data residency?' },
  { question: 'How many tasks are blocked?' },
  { question: 'Who talked to Hollis & Wren about EU residency?' },
  { question: 'Decisions from last week' },
  { question: 'What is the status of T-1006?' },
  { question: 'What is the status of T-1006?', asOfBefore: true },
]

const demoCommand: CommandDefinition = {
  path: ['demo'],
  summary: 'Tour livingdb: import the sample company, index it, ask eight questions (one as of the past).',
  description: [
    'Creates a database (a temporary directory removed afterwards, or --db DIR, kept), imports',
    'examples/sample-store.jsonl (a small company\'s people, projects, tasks, decisions and notes),',
    'lets the cartridges index it (progress bar), moves one task on in two commits, then asks eight',
    'questions and prints for each the plan, the cited results and the answer; the last one is',
    'asked as of the import (time travel). Offline by default; set LIVINGDB_MODEL to use a model.',
    'Ends with verify. --json prints one summary object. Exits 1 if verify finds a problem.',
  ].join('\n'),
  positionals: [],
  options: [{ name: 'sample', type: 'string', valueName: 'FILE', description: 'Import FILE instead of the bundled sample (the time-travel question needs tasks/T-1006).' }],
  examples: ['livingdb demo', 'npm run demo -- --db ./demo-data', 'LIVINGDB_MODEL=ollama:llama3.2 livingdb demo', 'livingdb demo --json | jq ".questions[] | {question, answer: .answer.text}"'],
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
  say('   starting the built-in plugins (embedder, entity extractor) and cartridges on the commit stream')
  const living = await openLivingSession({ path, env: context.io.env, durability: 'group' })
  const db = living.db
  let summary: Record<string, unknown>
  try {
    const session = await openAskSession({ db, model: living.model })
    try {
      say()
      say(`1. import ${sample}`)
      const imported: ImportSummary = await importJsonl({ target: db.keyspace(DEFAULT_KEYSPACE), file: sample, batchSize: 50, progress: output.progress({ label: 'import', unit: 'bytes' }) })
      if (imported.lastTxnId === undefined) throw new LivingDbError('IMPORT_INVALID', `The sample ${sample} holds no records. Pass a JSONL file with {"key", "value"} lines to --sample.`)
      say(`   ${imported.imported} records in ${imported.batches} commits (the last is txn ${imported.lastTxnId})`)

      say()
      say('2. index: plugins and cartridges follow the commit stream')
      await session.idle(output.progress({ label: 'indexing' }))
      const pluginStatus = await db.plugins.status()
      for (const plugin of pluginStatus) say(`   plugin    ${plugin.name.padEnd(22)} ${plugin.state}, ${plugin.sandboxed ? 'sandboxed' : 'worker thread'}, ${plugin.modelSpend.calls} model calls`)
      const indexes = session.attached.status().map(status => ({ name: status.name, version: status.version, state: status.state, cursor: status.cursor, stats: session.attached.get(status.name).stats() }))
      for (const index of indexes) say(`   cartridge ${index.name.padEnd(22)} ${clip(JSON.stringify(index.stats), 80)}`)
      say(`   everything indexed through txn ${db.txnId}`)
      say(`   model: ${living.model === undefined ? 'offline (rule-based planner, extractive answers, offline entity extraction; set LIVINGDB_MODEL to use a model)' : living.modelId}`)
      const indexedTxn = db.txnId

      say()
      say(`3. the story moves on: ${TIME_TRAVEL_KEY} changes in ${TASK_UPDATES.length} commits`)
      const versions = await updateTask(db, indexedTxn)
      for (const version of versions) say(`   txn ${String(version.txnId).padEnd(4)} status ${JSON.stringify(version.status).padEnd(14)} ${String(version.note)}`)
      await session.idle()

      say()
      say(`4. ask ${QUESTIONS.length} questions (relative times count from ${DEMO_NOW.slice(0, 10)})`)
      const questions = await askQuestions({ context, session, asOfTxn: indexedTxn, say })
      summary = {
        database: { path, temporary },
        model: living.model === undefined ? 'offline' : living.modelId,
        import: imported,
        plugins: pluginStatus.map(plugin => ({ name: plugin.name, version: plugin.version, state: plugin.state, position: plugin.position, lag: plugin.lag })),
        indexes,
        timeTravel: { key: TIME_TRAVEL_KEY, versions },
        questions,
      }
    } finally {
      await session.close()
    }
  } finally {
    await living.close()
  }

  say()
  say('5. verify')
  const verified = await verifyDatabase({ path, progress: output.progress({ label: 'verify' }) })
  say(`   ${verified.ok ? 'OK' : `${verified.problems.length} problem(s): ${verified.problems.map(problem => problem.code).join(', ')}`}`)
  if (context.json) {
    output.json({ ...summary, verify: { ok: verified.ok, problems: verified.problems } })
  } else if (verified.ok) {
    say()
    say(temporary ? 'Done. Keep a database to explore: npm run demo -- --db ./demo-data, then npx livingdb ask "open tasks for the EU region" --db ./demo-data' : `Done. Explore: npx livingdb ask "open tasks for the EU region" --db ${path}; npx livingdb serve --db ${path}`)
  }
  return verified.ok ? 0 : 1
}

async function askQuestions(args: { readonly context: CommandContext; readonly session: AskSession; readonly asOfTxn: number; readonly say: (text?: string) => void }): Promise<unknown[]> {
  const answered: unknown[] = []
  for (const [index, entry] of QUESTIONS.entries()) {
    const asOf = entry.asOfBefore === true ? args.asOfTxn : undefined
    const result: AskResult = await args.session.ask(entry.question, { answer: true, limit: 5, now: DEMO_NOW, ...(asOf === undefined ? {} : { asOf }) })
    args.say()
    args.say(`[${index + 1}/${QUESTIONS.length}] ${entry.question}${asOf === undefined ? '' : `   (as of txn ${asOf}, before the story moved on: time travel)`}`)
    for (const line of formatAskResult(result, { maxResults: 3, indent: '   ' })) args.say(line)
    const safe = jsonSafe(result) as AskResult
    answered.push({
      question: entry.question,
      ...(asOf === undefined ? {} : { asOf }),
      txnId: result.txnId,
      plan: result.plan,
      planText: renderPlan(result.plan),
      results: safe.results,
      ...(result.answer === undefined ? {} : { answer: result.answer }),
      warnings: result.warnings,
      totalMs: result.timings.totalMs,
    })
  }
  return answered
}

/** Writes {@link TASK_UPDATES} one commit each; returns every version with its txn. */
async function updateTask(db: LivingDatabase, importTxnId: number): Promise<TaskVersion[]> {
  if (!isObject(db.get(TIME_TRAVEL_KEY))) {
    throw new LivingDbError('KEY_NOT_FOUND', `The demo's time-travel question needs ${TIME_TRAVEL_KEY} (an object with a "status") in the sample. Use the bundled sample, or add that record to your --sample file.`)
  }
  const txnIds = [importTxnId]
  for (const update of TASK_UPDATES) {
    const current = db.get(TIME_TRAVEL_KEY) as Record<string, JsonValue>
    const { txnId } = await db.write(transaction => {
      transaction.put(TIME_TRAVEL_KEY, { ...current, status: update.status, description: update.note, statusNote: update.note, updatedOn: update.on })
    })
    txnIds.push(txnId)
  }
  return txnIds.map(txnId => {
    const value = db.readAt(txnId, snapshot => snapshot.get(TIME_TRAVEL_KEY))
    const record = isObject(value) ? value : {}
    return { txnId, status: record.status, note: record.statusNote ?? record.description }
  })
}

function bundledSample(): string {
  const file = join(packageRoot(), 'examples', 'sample-store.jsonl')
  if (!existsSync(file)) {
    throw new LivingDbError('IMPORT_INVALID', `The bundled sample ${file} is missing from this installation. Pass --sample FILE, or run the demo from a clone of the repository.`, { details: { file } })
  }
  return file
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

/** `livingdb demo`. */
export const DEMO_COMMANDS: readonly CommandDefinition[] = [demoCommand]
