import { open as openEngine, type Database } from '../../core/index.js'
import { readStoredPlugins, setStoredPluginEnabled, type StoredPlugin } from '../../plugins/host/stored-plugins.js'
import type { CommandContext, CommandDefinition } from '../command.js'
import { assertDatabaseExists } from '../open-database.js'

/** One plugin as `livingdb plugins status` reports it (read from `sys`; nothing is started). */
export interface PluginStatusListing {
  readonly name: string
  /** `enabled`, `disabled`, or `dead-lettered` (halted on a batch under the halt policy). */
  readonly state: 'enabled' | 'disabled' | 'dead-lettered'
  readonly cursor: number
  /** Commits after the cursor up to the head, not counting the plugin's own. */
  readonly lag: number
  readonly version: string | null
  readonly deadLetters: number
  readonly halted: StoredPlugin['halted']
}

/**
 * Opens the engine only: a command that inspects or flips plugin records must not start
 * the plugins themselves (which `open()` from the package root would).
 */
async function withEngine<T>(context: CommandContext, use: (database: Database) => Promise<T>): Promise<T> {
  assertDatabaseExists(context.databasePath)
  const database = await openEngine({ path: context.databasePath, durability: 'strict' })
  try {
    return await use(database)
  } finally {
    await database.close()
  }
}

function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  return [header, ...rows].map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd())
}

/** The status rows of every plugin the database records; lag reads the commit log after each cursor. */
export async function statusListing(database: Database, plugins: readonly StoredPlugin[]): Promise<PluginStatusListing[]> {
  const head = database.txnId
  const rows: PluginStatusListing[] = []
  for (const plugin of plugins) {
    rows.push({
      name: plugin.name,
      state: !plugin.enabled ? 'disabled' : plugin.halted !== null ? 'dead-lettered' : 'enabled',
      cursor: plugin.cursor,
      lag: await commitsAfter(database, { cursor: plugin.cursor, head, ownOrigin: `plugin:${plugin.name}` }),
      version: plugin.version,
      deadLetters: plugin.deadLetters,
      halted: plugin.halted,
    })
  }
  return rows
}

/** Commits after `cursor` up to `head` that the plugin did not make itself (it never receives those). */
async function commitsAfter(database: Database, args: { readonly cursor: number; readonly head: number; readonly ownOrigin: string }): Promise<number> {
  if (args.cursor >= args.head) return 0
  let count = 0
  const iterator = database.commits({ from: args.cursor + 1 })
  try {
    for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) {
      if (step.value.origin !== args.ownOrigin) count++
      if (step.value.txnId >= args.head) break
    }
  } finally {
    await iterator.return?.()
  }
  return count
}

const listCommand: CommandDefinition = {
  path: ['plugins', 'list'],
  summary: 'List the plugins a database knows: registered in it (started on every open) or seen running from code.',
  description: [
    'Reads the plugin records in sys; starts nothing. MODULE is the stored registration (a plugin added',
    'with db.plugins.add starts on every open) or "(in code, or uninstalled)" for a plugin the app registers with',
    'open({ plugins }) or that was uninstalled (its cursor stays). TRUST is "untrusted" for plugins that run',
    'in the sandbox, "-" when no registration is stored.',
  ].join('\n'),
  positionals: [],
  options: [],
  examples: ['livingdb plugins list', 'livingdb plugins list --db ./data --json'],
  async run(context) {
    await withEngine(context, async (database) => {
      const plugins = await readStoredPlugins(database)
      if (context.json) {
        context.output.json({ plugins: plugins.map((plugin) => ({ name: plugin.name, enabled: plugin.enabled, version: plugin.version, registration: plugin.registration })) })
        return
      }
      if (plugins.length === 0) return context.output.line('No plugins recorded in this database (register one with open({ plugins }) or db.plugins.add).')
      const rows = plugins.map((plugin) => [plugin.name, plugin.enabled ? 'yes' : 'no', plugin.registration === null ? '-' : plugin.registration.trusted === false ? 'untrusted' : 'trusted', plugin.version ?? '-', plugin.registration?.module ?? '(in code, or uninstalled)'])
      for (const line of formatTable(['NAME', 'ENABLED', 'TRUST', 'VERSION', 'MODULE'], rows)) context.output.line(line)
    })
  },
}

const statusCommand: CommandDefinition = {
  path: ['plugins', 'status'],
  summary: 'Show each plugin\'s durable cursor, lag behind the head, state and dead letters.',
  description: [
    'Reads sys and the log; starts nothing. lag counts the commits after the cursor (not the plugin\'s own). Live counters (errors, restarts,',
    'model spend, sandbox violations) belong to the process running the plugins: db.plugins.status().',
    '--json prints { head, plugins: [{ name, state, cursor, lag, version, deadLetters, halted }] }.',
  ].join('\n'),
  positionals: [],
  options: [],
  examples: ['livingdb plugins status', 'livingdb plugins status --db ./data --json | jq ".plugins[].lag"'],
  async run(context) {
    await withEngine(context, async (database) => {
      const head = database.txnId
      const plugins = await statusListing(database, await readStoredPlugins(database))
      if (context.json) return context.output.json({ head, plugins })
      if (plugins.length === 0) return context.output.line('No plugins recorded in this database.')
      const rows = plugins.map((plugin) => [plugin.name, plugin.state, String(plugin.cursor), String(plugin.lag), String(plugin.deadLetters), plugin.halted === null ? '-' : `${plugin.halted.error.code} at txn ${plugin.halted.firstTxnId}`])
      for (const line of formatTable(['NAME', 'STATE', 'CURSOR', 'LAG', 'DEAD-LETTERS', 'HALTED'], rows)) context.output.line(line)
    })
  },
}

function switchCommand(enabled: boolean): CommandDefinition {
  const verb = enabled ? 'enable' : 'disable'
  return {
    path: ['plugins', verb],
    summary: enabled ? 'Turn a plugin on (also lifts a halt after a dead letter); it catches up from its cursor.' : 'Turn a plugin off; it keeps its cursor and stays off across reopens.',
    description: `Writes the plugin's enabled flag in sys (the app picks it up on its next open). --json prints { name, enabled }.`,
    positionals: [{ name: 'name', description: 'The plugin (see `livingdb plugins list`).', required: true }],
    options: [],
    examples: [`livingdb plugins ${verb} topic-counter`, `livingdb plugins ${verb} topic-counter --db ./data --json`],
    async run(context) {
      const name = context.positionals[0]!
      await withEngine(context, async (database) => {
        await setStoredPluginEnabled(database, { name, enabled })
        if (context.json) context.output.json({ name, enabled })
        else context.output.line(`${verb}d ${name}`)
      })
    },
  }
}

/** `livingdb plugins list|status|enable|disable`. */
export const PLUGINS_COMMANDS: readonly CommandDefinition[] = [listCommand, statusCommand, switchCommand(true), switchCommand(false)]
