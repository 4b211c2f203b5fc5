import type { CommandDefinition } from '../command.js'
import { assertDatabaseExists } from '../open-database.js'
import { verifyDatabase, type VerifyReport } from '../verify-database.js'

const verifyCommand: CommandDefinition = {
  path: ['verify'],
  summary: 'Check every page and log checksum and every B+tree invariant; exit 1 on any problem.',
  description: [
    'Runs the engine\'s verify (every page reachable from the last checkpoint re-read from disk with',
    'its CRC32C and structure, no page used twice or both used and free, every B+tree invariant,',
    'every commit-log record) plus whole-file checks: both meta pages, the checksum of every page in',
    'the file including free ones, and every log frame. Problems are listed with what is wrong and',
    'where; the exit code is 1 when there is at least one. A database that cannot be opened is',
    'reported the same way. A torn log tail left by a crash is only a warning.',
  ].join('\n'),
  positionals: [],
  options: [],
  examples: ['livingdb verify', 'livingdb verify --db ./data --json | jq .problems'],
  async run(context) {
    assertDatabaseExists(context.databasePath)
    const report = await verifyDatabase({ path: context.databasePath, progress: context.output.progress({ label: 'verify' }) })
    if (context.json) context.output.json(report)
    else for (const line of formatVerifyReport(report)) context.output.line(line)
    return report.ok ? 0 : 1
  },
}

/** Human lines for a verify report. */
export function formatVerifyReport(report: VerifyReport): string[] {
  const { checked } = report
  const summary = `${checked.metaPages} meta pages, ${checked.pages.toLocaleString('en-US')} reachable pages (${checked.filePages.toLocaleString('en-US')} in the file), ${checked.logRecords.toLocaleString('en-US')} log records in ${checked.logSegments} segment${checked.logSegments === 1 ? '' : 's'}, ${checked.keys.toLocaleString('en-US')} keys in ${checked.keyspaces} keyspace${checked.keyspaces === 1 ? '' : 's'}`
  const lines = report.ok ? [`verify: OK (${summary})`] : [`verify: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found (checked ${summary})`]
  for (const problem of report.problems) lines.push(`  ${problem.code}: ${problem.message}`)
  for (const warning of report.warnings) lines.push(`  warning ${warning.code}: ${warning.message}`)
  return lines
}

/** `livingdb verify`. */
export const VERIFY_COMMANDS: readonly CommandDefinition[] = [verifyCommand]
