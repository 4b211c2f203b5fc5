import { join } from 'node:path'
import { integerOption, flagOption, type CommandContext, type CommandDefinition } from '../command.js'
import { encodeRecord, formatKey, formatValue } from '../jsonl-record.js'
import { LOG_DIRECTORY_NAME, type Commit } from '../../index.js'
import { followLog } from '../follow-log.js'
import { assertDatabaseExists, lastCommittedTxnId, withDatabase, type Database } from '../open-database.js'

const VALUE_PREVIEW_LENGTH = 120
/** Human output lists this many ops per commit (a 1,000-record import batch would flood the terminal). */
const HUMAN_OPS_PER_COMMIT = 10

const logCommand: CommandDefinition = {
  path: ['log'],
  summary: 'Print the commit stream: every commit with its txn id, time, origin and operations.',
  description: [
    'Prints the commits from txn --from up to the latest one and exits. With --follow it reads the',
    'log files without opening the database (so an application can keep writing to it) and keeps',
    'printing new commits until interrupted (Ctrl-C) or until --limit commits were printed.',
    'With --json each commit is one JSON line: {"txnId","timestamp","origin","ops":[{"type","key","value"?}]}',
    '(binary keys/values as base64 with "keyEncoding"/"valueEncoding": "base64").',
  ].join('\n'),
  positionals: [],
  options: [
    { name: 'from', type: 'integer', valueName: 'N', minimum: 0, description: 'First txn id to print (default 0: from the beginning).' },
    { name: 'limit', type: 'integer', valueName: 'N', minimum: 0, description: 'Stop after N commits.' },
    { name: 'follow', type: 'boolean', description: 'Keep printing new commits as they happen (like tail -f).' },
  ],
  examples: ['livingdb log --from 0 --limit 20', 'livingdb log --from 1500 --json | jq .origin', 'livingdb log --follow --db ./data'],
  async run(context) {
    if (flagOption(context, 'follow')) await followCommits(context)
    else await withDatabase({ context, mustExist: true, use: database => printCommits(context, database) })
  },
}

async function printCommits(context: CommandContext, database: Database): Promise<void> {
  const from = integerOption(context, 'from') ?? 0
  const limit = integerOption(context, 'limit')
  const last = lastCommittedTxnId(database)
  if (limit === 0 || from > last) return
  let printed = 0
  for await (const commit of database.commits({ from })) {
    await printCommit(context, commit)
    printed++
    if ((limit !== undefined && printed >= limit) || commit.txnId >= last) break
  }
}

/** `--follow`: tails the log files without opening the database, so the writing application keeps its lock. */
async function followCommits(context: CommandContext): Promise<void> {
  assertDatabaseExists(context.databasePath)
  const limit = integerOption(context, 'limit')
  if (limit === 0) return
  let printed = 0
  for await (const commit of followLog({ directory: join(context.databasePath, LOG_DIRECTORY_NAME), from: integerOption(context, 'from') ?? 0, signal: context.io.signal })) {
    await printCommit(context, commit)
    printed++
    if (limit !== undefined && printed >= limit) break
  }
}

/** The keyspace user data lives in; other keyspaces are named in human output. */
const DEFAULT_KEYSPACE = 'default'

async function printCommit(context: CommandContext, commit: Commit): Promise<void> {
  if (context.json) {
    const ops = commit.ops.map(op => {
      const { key, keyEncoding, value, valueEncoding } = encodeRecord(op.key, op.value)
      return { type: op.type, keyspace: op.keyspace, key, ...(keyEncoding ? { keyEncoding } : {}), ...(op.type === 'put' ? { value, ...(valueEncoding ? { valueEncoding } : {}) } : {}) }
    })
    await context.output.jsonLine({ txnId: commit.txnId, timestamp: commit.timestamp, origin: commit.origin, ops })
    return
  }
  const time = new Date(commit.timestamp).toISOString()
  const lines = [`txn ${commit.txnId}  ${time}  ${commit.origin}  ${commit.ops.length} op${commit.ops.length === 1 ? '' : 's'}`]
  for (const op of commit.ops.slice(0, HUMAN_OPS_PER_COMMIT)) {
    const keyspace = op.keyspace === DEFAULT_KEYSPACE ? '' : `[${op.keyspace}] `
    const value = op.type === 'put' ? ` ${preview(formatValue(op.value))}` : ''
    lines.push(`  ${op.type} ${keyspace}${formatKey(op.key)}${value}`)
  }
  const hidden = commit.ops.length - HUMAN_OPS_PER_COMMIT
  if (hidden > 0) lines.push(`  … ${hidden} more op${hidden === 1 ? '' : 's'} (--json prints every op)`)
  await context.output.write(`${lines.join('\n')}\n`)
}

function preview(text: string): string {
  return text.length <= VALUE_PREVIEW_LENGTH ? text : `${text.slice(0, VALUE_PREVIEW_LENGTH - 1)}…`
}

/** `livingdb log`. */
export const LOG_COMMANDS: readonly CommandDefinition[] = [logCommand]
