import { tailAuditLog, verifyAuditLog, type AuditRecord } from '../../llm/index.js'
import { integerOption, type CommandDefinition } from '../command.js'
import { auditLogPath, openAuditStore, withExistingStore } from '../llm-stores.js'

const DEFAULT_TAIL = 20

const auditVerifyCommand: CommandDefinition = {
  path: ['audit', 'verify'],
  summary: 'Check the model-call audit log hash chain; exit 1 if a record was edited, removed or reordered.',
  description: [
    'Reads <db>/llm/audit.jsonl: every record\'s hash, its sequence number, its link to the record',
    'before it, and the separately kept head (audit.jsonl.head.json) that reveals a cut-off tail.',
    'An incomplete last line left by a crash is reported but is not a failure. A database with no',
    'model calls yet has no audit log and passes. --json prints the verification object.',
  ].join('\n'),
  positionals: [],
  options: [],
  examples: ['livingdb audit verify', 'livingdb audit verify --db ./data --json'],
  async run(context) {
    const file = auditLogPath(context.databasePath)
    const report = (await withExistingStore({ path: file, open: openAuditStore, use: store => verifyAuditLog(store) })) ?? { ok: true, records: 0 }
    if (context.json) context.output.json({ file, ...report })
    else if (report.ok) context.output.line(`audit: OK (${report.records} record${report.records === 1 ? '' : 's'} in ${file}${report.records === 0 ? '; no model calls recorded yet' : ''})`)
    else context.output.line(`audit: DAMAGED at record ${report.firstBadIndex} of ${file} (${report.kind}): ${report.problem}. Keep the file as evidence and restore the log from a backup.`)
    if (report.tornTail !== undefined) context.output.note(`note: an incomplete last line (${report.tornTail.bytes} bytes at offset ${report.tornTail.offset}) from an interrupted write was ignored`)
    return report.ok ? 0 : 1
  },
}

const auditTailCommand: CommandDefinition = {
  path: ['audit', 'tail'],
  summary: 'Print the last model-call audit records.',
  description: [
    'Reads <db>/llm/audit.jsonl, oldest of the selection first: time, scope, provider:model, outcome,',
    'tokens, cost, latency and redaction counts (prompts are never recorded, only their hash).',
    'With --json prints the records as a JSON array.',
  ].join('\n'),
  positionals: [],
  options: [{ name: 'limit', type: 'integer', valueName: 'N', minimum: 1, description: `How many records (default ${DEFAULT_TAIL}).` }],
  examples: ['livingdb audit tail', 'livingdb audit tail --limit 5 --json | jq ".[].costUsd"'],
  async run(context) {
    const file = auditLogPath(context.databasePath)
    const limit = integerOption(context, 'limit') ?? DEFAULT_TAIL
    const records = (await withExistingStore({ path: file, open: openAuditStore, use: store => tailAuditLog(store, limit) })) ?? []
    if (context.json) {
      context.output.json(records)
      return
    }
    if (records.length === 0) context.output.line(`no model calls recorded in ${file}`)
    for (const record of records) context.output.line(formatRecord(record))
  },
}

function formatRecord(record: AuditRecord): string {
  const redactions = Object.entries(record.redactions).filter(([, count]) => count > 0).map(([kind, count]) => `${kind}:${count}`).join(',')
  const outcome = record.outcome === 'error' ? `error ${record.errorCode ?? ''}`.trim() : record.outcome
  return [
    `#${record.seq}`,
    record.time,
    record.scope + (record.task === undefined ? '' : `/${record.task}`),
    `${record.provider}:${record.model}`,
    record.kind,
    outcome,
    `${record.inputTokens}+${record.outputTokens} tokens`,
    `$${record.costUsd.toFixed(6)}`,
    `${Math.round(record.latencyMs)} ms`,
    ...(redactions === '' ? [] : [`redacted ${redactions}`]),
  ].join('  ')
}

/** `livingdb audit verify|tail`. */
export const AUDIT_COMMANDS: readonly CommandDefinition[] = [auditVerifyCommand, auditTailCommand]
