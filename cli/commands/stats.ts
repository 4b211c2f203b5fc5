import type { CommandDefinition } from '../command.js'
import { withDatabase, type Database } from '../open-database.js'
import { formatBytes } from '../progress-bar.js'

const statsCommand: CommandDefinition = {
  path: ['stats'],
  summary: 'Show database statistics (txn id, keys, pages, file sizes, cache).',
  description: 'With --json prints the object `db.stats()` returns.',
  positionals: [],
  options: [],
  examples: ['livingdb stats', 'livingdb stats --db ./data --json'],
  async run(context) {
    await withDatabase({
      context,
      mustExist: true,
      use(database) {
        const stats = readStats(database)
        if (context.json) context.output.json(stats)
        else for (const line of formatStats(stats)) context.output.line(line)
      },
    })
  },
}

/** `db.stats()` as a plain JSON object. */
export function readStats(database: Database): Record<string, unknown> {
  return JSON.parse(JSON.stringify(database.stats())) as Record<string, unknown>
}

/**
 * Human lines for a stats object: nested objects are indented, byte counts
 * (fields ending in `Bytes`) are shown as KiB/MiB with the exact number.
 */
export function formatStats(stats: Readonly<Record<string, unknown>>, indent = ''): string[] {
  const lines: string[] = []
  const width = Math.max(0, ...Object.keys(stats).map(name => name.length))
  for (const [name, value] of Object.entries(stats)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      lines.push(`${indent}${name}:`)
      lines.push(...formatStats(value as Record<string, unknown>, `${indent}  `))
      continue
    }
    const shown = typeof value === 'number' && /bytes$/i.test(name) && value >= 1024 ? `${formatBytes(value)} (${value.toLocaleString('en-US')})` : typeof value === 'number' ? value.toLocaleString('en-US') : Array.isArray(value) ? value.map(item => (typeof item === 'object' ? JSON.stringify(item) : String(item))).join(', ') : String(value)
    lines.push(`${indent}${`${name}:`.padEnd(width + 1)} ${shown}`)
  }
  return lines
}

/** `livingdb stats`. */
export const STATS_COMMANDS: readonly CommandDefinition[] = [statsCommand]
