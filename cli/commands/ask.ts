import { childNodes, describeNode, type AskResult, type Plan, type PlanNode } from '../../queries/index.js'
import { usageError } from '../argument-parser.js'
import { flagOption, integerOption, stringOption, type CommandContext, type CommandDefinition } from '../command.js'
import { formatKey, formatValue } from '../jsonl-record.js'
import { assertDatabaseExists } from '../open-database.js'
import { openAskSession, openLivingSession } from './ask-session.js'

const askCommand: CommandDefinition = {
  path: ['ask'],
  summary: 'Ask a question in natural language: the plan, cited results and an answer.',
  description: [
    'Plans the question (offline rule-based planner, or $LIVINGDB_MODEL when set), validates and',
    'runs the plan against the records and the cartridges, and prints the plan, the results with',
    'their citations, and an answer whose sentences cite records. The cartridges recorded in the',
    'database are used (topics, history and the task index when none are); they catch up first.',
    '--as-of answers as the database was after a txn id or at an ISO time (time travel).',
  ].join('\n'),
  positionals: [{ name: 'question', description: 'The question, quoted.', required: true }],
  options: [
    { name: 'as-of', type: 'string', valueName: 'TXN|TIME', description: 'Answer as of a txn id (`livingdb log` lists them) or an ISO 8601 time.' },
    { name: 'limit', type: 'integer', valueName: 'N', minimum: 1, description: 'At most N results (default 10, at most 100).' },
    { name: 'explain', type: 'boolean', description: 'Also print the plan tree, the cost estimate and the time of each step.' },
  ],
  examples: ['livingdb ask "what is blocking the billing migration?" --db ./demo-data', 'livingdb ask "status of T-1006" --as-of 6 --explain', 'livingdb ask "open high priority tasks" --json | jq .results[].key'],
  async run(context) {
    const question = context.positionals[0]!.trim()
    if (question === '') throw usageError('"livingdb ask" needs a non-empty question.', 'ask')
    const asOf = parseAsOf(stringOption(context, 'as-of'))
    const limit = integerOption(context, 'limit')
    if (limit !== undefined && limit > 100) throw usageError(`Option --limit of "livingdb ask" must be at most 100, got ${limit}.`, 'ask')
    const explain = flagOption(context, 'explain')
    assertDatabaseExists(context.databasePath)
    const living = await openLivingSession({ path: context.databasePath, env: context.io.env, durability: 'strict' })
    try {
      const session = await openAskSession({ db: living.db, model: living.model, progress: context.output.progress({ label: 'indexing' }) })
      try {
        const result = await session.ask(question, { answer: true, explain, ...(asOf === undefined ? {} : { asOf }), ...(limit === undefined ? {} : { limit }) })
        printResult(context, result, { explain })
        return 0
      } finally {
        await session.close()
      }
    } finally {
      await living.close()
    }
  },
}

/** `--as-of`: a whole number is a txn id; anything else must be an ISO 8601 time. */
export function parseAsOf(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined
  if (/^\d+$/.test(raw)) return Number(raw)
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(Date.parse(raw))) {
    throw usageError(`Option --as-of of "livingdb ask" needs a txn id or an ISO time such as 2026-03-01 or 2026-03-01T12:00:00Z, got "${raw}".`, 'ask')
  }
  return raw
}

function printResult(context: CommandContext, result: AskResult, options: { readonly explain: boolean }): void {
  if (context.json) {
    context.output.json(jsonSafe(result))
    return
  }
  for (const line of formatAskResult(result, { explain: options.explain })) context.output.line(line)
}

/** The result with byte values as base64 (so `--json` prints valid JSON). */
export function jsonSafe(result: AskResult): unknown {
  return { ...result, results: result.results.map(item => (item.value instanceof Uint8Array ? { ...item, value: Buffer.from(item.value).toString('base64'), valueEncoding: 'base64' } : item)) }
}

/** Human lines for one answered question: the plan, the results with citations, the answer, warnings. */
export function formatAskResult(result: AskResult, options: { readonly explain?: boolean; readonly maxResults?: number; readonly indent?: string } = {}): string[] {
  const indent = options.indent ?? ''
  const lines: string[] = [`${indent}plan     ${renderPlan(result.plan)}`]
  if (options.explain === true && result.explanation !== undefined) lines.push(...result.explanation.trimEnd().split('\n').map(line => `${indent}         ${line}`))
  const shown = result.results.slice(0, options.maxResults ?? result.results.length)
  lines.push(`${indent}results  ${result.results.length === 0 ? 'none' : `${result.results.length}${shown.length < result.results.length ? ` (top ${shown.length} shown)` : ''} at txn ${result.txnId}`}`)
  shown.forEach((item, index) => {
    lines.push(`${indent}  ${String(index + 1).padStart(2)}. ${formatKey(item.key).padEnd(40)} ${item.score.toFixed(4)}  ${describeValue(item.value)}`)
    if (item.citations.length > 0) lines.push(`${indent}      ${describeCitations(item.citations)}`)
  })
  if (result.answer !== undefined) {
    lines.push(`${indent}answer   ${clip(result.answer.text, 600)}`)
    const cited = [...new Set(result.answer.citations.map(citation => citation.key))]
    if (cited.length > 0) lines.push(`${indent}         [${cited.join(', ')}]`)
  }
  for (const warning of result.warnings) lines.push(`${indent}warning  ${warning.code}: ${warning.message}`)
  if (result.partial) lines.push(`${indent}partial  a budget stopped the work early; results may be missing`)
  return lines
}

/** A one-line rendering of a plan: inputs first, then each step (`scan tasks/ → filter status = "open" → limit 10`). */
export function renderPlan(plan: Plan): string {
  return renderNode(plan.root)
}

function renderNode(node: PlanNode): string {
  if (node.kind === 'fuse') return `fuse(${node.inputs.map(renderNode).join(' | ')})`
  const inputs = childNodes(node)
  return inputs.length === 0 ? describeNode(node) : `${renderNode(inputs[0]!)} → ${describeNode(node)}`
}

/** Where a result came from: the plan steps that found it, the txn that wrote it, a snippet when there is one. */
function describeCitations(citations: AskResult['results'][number]['citations']): string {
  const sources = [...new Set(citations.map(citation => citation.source))]
  const own = citations.filter(citation => citation.txnId !== null)
  const written = own.length === 0 ? '' : `, written in txn ${own[0]!.txnId}`
  const snippet = citations.find(citation => citation.snippet !== undefined)
  const keys = [...new Set(citations.map(citation => citation.key))]
  const counted = sources.length === 1 && sources[0] === 'aggregate' ? `counts ${keys.length > 4 ? `${keys.slice(0, 4).join(', ')}, … (${keys.length})` : keys.join(', ')}` : `found by ${sources.join(' + ')}${written}`
  return `${counted}${snippet === undefined ? '' : `: "${clip(snippet.snippet!, 80)}"`}`
}

/** A record's title-like field, or its compact JSON, clipped to one line. */
export function describeValue(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    const record = value as Record<string, unknown>
    const title = ['title', 'name', 'subject'].map(field => record[field]).find(field => typeof field === 'string') as string | undefined
    if (title !== undefined) {
      const facts = ['status', 'priority', 'date'].filter(field => typeof record[field] === 'string').map(field => String(record[field]))
      return clip(`${title}${facts.length === 0 ? '' : `  (${facts.join(', ')})`}`, 80)
    }
  }
  return clip(formatValue(value), 80)
}

function clip(text: string, length: number): string {
  const single = text.replace(/\s+/g, ' ').trim()
  return single.length <= length ? single : `${single.slice(0, length - 1)}…`
}

/** `livingdb ask`. */
export const ASK_COMMANDS: readonly CommandDefinition[] = [askCommand]
