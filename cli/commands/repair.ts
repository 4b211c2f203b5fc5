import { LivingDbError } from '../../errors/index.js'
import type { CommandDefinition } from '../command.js'
import { assertDatabaseExists } from '../open-database.js'

const repairCommand: CommandDefinition = {
  path: ['repair'],
  summary: 'Salvage the intact prefix of a damaged commit log so the database opens again.',
  description: [
    'When `open` refuses a database because a commit-log record in the middle of the log is damaged',
    '(CORRUPT_LOG), repair keeps every record before the damage and moves the rest aside.',
  ].join('\n'),
  positionals: [],
  options: [],
  examples: ['livingdb repair --db ./data', 'livingdb repair --db ./data --json'],
  async run(context) {
    assertDatabaseExists(context.databasePath)
    throw new LivingDbError('NOT_IMPLEMENTED', 'livingdb repair is not built yet: the commit log does not export a salvage function. Restore the database directory from a backup (or re-import an export) instead.')
  },
}

/** `livingdb repair`. */
export const REPAIR_COMMANDS: readonly CommandDefinition[] = [repairCommand]
