import type { OptionSpec, OptionValue, PositionalSpec } from './argument-parser.js'
import type { Output } from './output.js'

/** The process surroundings a command runs in; tests pass their own. */
export interface CliIo {
  readonly stdout: WritableText
  readonly stderr: WritableText
  /** Standard input, for `livingdb import -`. */
  readonly stdin?: NodeJS.ReadableStream
  /** Environment variables (for model ids, keys...). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborted on SIGINT/SIGTERM so long-running commands (`log --follow`) stop cleanly. */
  readonly signal?: AbortSignal
}

/** The part of a stream the CLI writes to. `write` returns false when the caller should wait for `drain`. */
export interface WritableText {
  write(text: string): boolean
  readonly isTTY?: boolean
  /** Terminal width, when a terminal. */
  readonly columns?: number
  once?(event: 'drain', listener: () => void): unknown
}

/** Everything a command's `run` receives. */
export interface CommandContext {
  /** Positional arguments after the command words. */
  readonly positionals: readonly string[]
  /** Option values by name (global ones included: `db`, `json`). */
  readonly options: Readonly<Record<string, OptionValue>>
  /** True with `--json`: machine-readable output on stdout only. */
  readonly json: boolean
  /** The database directory (`--db`, default `./livingdb-data`). */
  readonly databasePath: string
  readonly io: CliIo
  readonly output: Output
}

/**
 * One `livingdb` command. Each command group lives in one file under
 * `cli/commands/` and exports an array of these.
 *
 * @example
 * const statsCommand: CommandDefinition = {
 *   path: ['stats'], summary: 'Show database statistics.', positionals: [], options: [],
 *   examples: ['livingdb stats --db ./data'],
 *   async run(context) { context.output.json({ ... }); return 0 },
 * }
 */
export interface CommandDefinition {
  /** The command words (`['kv', 'get']`). */
  readonly path: readonly string[]
  /** One line for the command list. */
  readonly summary: string
  /** More paragraphs for `--help`. */
  readonly description?: string
  readonly positionals: readonly PositionalSpec[]
  readonly options: readonly OptionSpec[]
  /** Whole command lines shown under "Examples" in `--help`. */
  readonly examples: readonly string[]
  /** False for commands that never touch a database (no `--db` in help). Default true. */
  readonly usesDatabase?: boolean
  /** Runs the command; resolves to the exit code (0 when omitted). */
  run(context: CommandContext): Promise<number | void>
}

/** Reads a string option, or undefined when absent. */
export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.options[name]
  return typeof value === 'string' ? value : undefined
}

/** Reads an integer option, or undefined when absent. */
export function integerOption(context: CommandContext, name: string): number | undefined {
  const value = context.options[name]
  return typeof value === 'number' ? value : undefined
}

/** Reads a boolean flag (false when absent). */
export function flagOption(context: CommandContext, name: string): boolean {
  return context.options[name] === true
}
