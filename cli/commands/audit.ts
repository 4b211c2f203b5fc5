import { LivingDbError } from '../../errors/index.js'
import type { CommandDefinition } from '../command.js'

const auditVerifyCommand: CommandDefinition = {
  path: ['audit', 'verify'],
  summary: 'Check the model-call audit log hash chain; exit 1 if a record was edited, removed or reordered.',
  description: 'Reads <db>/llm/audit.jsonl and its head file.',
  positionals: [],
  options: [],
  examples: ['livingdb audit verify', 'livingdb audit verify --db ./data --json'],
  async run() {
    throw new LivingDbError('NOT_IMPLEMENTED', 'livingdb audit verify is not wired yet: llm/guards does not export verifyAuditLog in this build.')
  },
}

const auditTailCommand: CommandDefinition = {
  path: ['audit', 'tail'],
  summary: 'Print the last model-call audit records.',
  description: 'Reads <db>/llm/audit.jsonl.',
  positionals: [],
  options: [{ name: 'limit', type: 'integer', valueName: 'N', minimum: 1, description: 'How many records (default 20).' }],
  examples: ['livingdb audit tail', 'livingdb audit tail --limit 5 --json'],
  async run() {
    throw new LivingDbError('NOT_IMPLEMENTED', 'livingdb audit tail is not wired yet: llm/guards does not export tailAuditLog in this build.')
  },
}

/** `livingdb audit verify|tail`. */
export const AUDIT_COMMANDS: readonly CommandDefinition[] = [auditVerifyCommand, auditTailCommand]
