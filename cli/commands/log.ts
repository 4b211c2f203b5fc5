import { integerOption, flagOption, type CommandContext, type CommandDefinition } from '../command.js'
import { encodeRecord, formatKey, formatValue } from '../jsonl-record.js'
import { lastCommittedTxnId, withDatabase, type Database } from '../open-database.js'

const VALUE_PREVIEW_LENGTH = 120

const logCommand: CommandDefinition = {
  path: ['log'],
  summary: 'Print the commit stream: every commit with its txn id, time, origin and operations.',
  description: [
    'Prints the commits from txn --from up to the latest one and exits; with --follow it keeps',
    'waiting for new commits until interrupted (Ctrl-C) or --limit commits were printed.',
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
    await withDatabase({ context, mustExist: true, use: database => printCommits(context, database) })
  },
}

/** A commit as `db.commits()` yields it. */
type Commit = ReturnType<Database['commits']> extends AsyncIterable<infer C> ? C : never

async function printCommits(context: CommandContext, database: Database): Promise<void> {
  const from = integerOption(context, 'from') ?? 0
  const limit = integerOption(context, 'limit')
  const follow = flagOption(context, 'follow')
  const last = lastCommittedTxnId(database)
  if (limit === 0 || (!follow && from > last)) return
  const iterator = database.commits({ from })[Symbol.asyncIterator]()
  const signal = context.io.signal
  const aborted = new Promise<'aborted'>(resolve => {
    if (signal?.aborted) resolve('aborted')
    signal?.addEventListener('abort', () => resolve('aborted'), { once: true })
  })
  let printed = 0
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted])
      if (next === 'aborted' || next.done) break
      const commit = next.value as Commit
      if (commit.txnId < from) continue
      await printCommit(context, commit)
      printed++
      if (limit !== undefined && printed >= limit) break
      if (!follow && commit.txnId >= last) break
    }
  } finally {
    await iterator.return?.(undefined)
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
  for (const op of commit.ops) {
    const keyspace = op.keyspace === DEFAULT_KEYSPACE ? '' : `[${op.keyspace}] `
    const value = op.type === 'put' ? ` ${preview(formatValue(op.value))}` : ''
    lines.push(`  ${op.type} ${keyspace}${formatKey(op.key)}${value}`)
  }
  await context.output.write(`${lines.join('\n')}\n`)
}

function preview(text: string): string {
  return text.length <= VALUE_PREVIEW_LENGTH ? text : `${text.slice(0, VALUE_PREVIEW_LENGTH - 1)}…`
}

/** `livingdb log`. */
export const LOG_COMMANDS: readonly CommandDefinition[] = [logCommand]
