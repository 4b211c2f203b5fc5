import { join } from 'node:path'
import { NodeFileSystem } from '../../core/file/index.js'
import { salvageLog, type LogSalvageReport } from '../../core/log/index.js'
import { LOCK_FILE_NAME, LOG_DIRECTORY_NAME } from '../../index.js'
import type { CommandDefinition } from '../command.js'
import { assertDatabaseExists, lastCommittedTxnId, withDatabase } from '../open-database.js'

const repairCommand: CommandDefinition = {
  path: ['repair'],
  summary: 'Salvage the intact prefix of a damaged commit log so the database opens again.',
  description: [
    'When `open` refuses a database because a commit-log record in the middle of the log is damaged',
    '(CORRUPT_LOG), repair keeps every record before the damage and moves the damaged bytes and any',
    'later segment files aside into *.discarded files (never deleted), then opens the database to',
    'confirm it works. Commits after the damage are lost unless the page file already holds them.',
    'Back up the database directory first. On an intact log it changes nothing (a torn tail left by',
    'a crash is truncated, as any open would). Takes the database lock (DB_LOCKED if it is in use).',
  ].join('\n'),
  positionals: [],
  options: [],
  examples: ['cp -r ./data ./data.backup && livingdb repair --db ./data', 'livingdb repair --db ./data --json'],
  async run(context) {
    const path = context.databasePath
    assertDatabaseExists(path)
    const fs = new NodeFileSystem()
    const release = fs.lock(join(path, LOCK_FILE_NAME))
    let salvage: LogSalvageReport
    try {
      salvage = salvageLog({ fs, directory: join(path, LOG_DIRECTORY_NAME) })
    } finally {
      release()
    }
    const txnId = await withDatabase({ context, mustExist: true, use: database => lastCommittedTxnId(database) })
    const damaged = salvage.discardedFiles.length > 0
    if (context.json) {
      context.output.json({ repaired: damaged, ...salvage, opensAtTxnId: txnId })
      return
    }
    if (salvage.truncated === undefined) context.output.line(`repair: the commit log is intact (last txn ${salvage.lastTxnId}); nothing changed`)
    else if (!damaged) context.output.line(`repair: cut a torn tail left by a crash at byte ${salvage.truncated.offset} of ${salvage.truncated.file}`)
    else {
      context.output.line(`repair: the log was damaged at byte ${salvage.truncated.offset} of ${salvage.truncated.file} (${salvage.truncated.reason})`)
      context.output.line(`  kept the log up to txn ${salvage.lastTxnId}; moved aside:`)
      for (const file of salvage.discardedFiles) context.output.line(`    ${file}`)
    }
    context.output.line(`the database opens at txn ${txnId}; run \`livingdb verify --db ${path}\` to check it`)
  },
}

/** `livingdb repair`. */
export const REPAIR_COMMANDS: readonly CommandDefinition[] = [repairCommand]
