import { closestName, parseArguments, usageError } from './argument-parser.js'
import type { CliIo, CommandContext, CommandDefinition } from './command.js'
import { ALL_COMMANDS } from './commands/index.js'
import { commandHelp, commandOptions, groupHelp } from './help-text.js'
import { Output } from './output.js'
import { packageVersion } from './package-root.js'

/** The database directory used when neither `--db` nor `LIVINGDB_DB` is given. */
export const DEFAULT_DATABASE_PATH = './livingdb-data'

/** Arguments of {@link runCli}. */
export interface RunCliArgs {
  /** The words after `livingdb` (`process.argv.slice(2)`). */
  readonly argv: readonly string[]
  readonly io: CliIo
  /** The command table; defaults to every built-in command. */
  readonly commands?: readonly CommandDefinition[]
}

/**
 * Runs one `livingdb` command line and resolves to the process exit code:
 * 0 success, 1 failure (including `verify` finding problems), 2 usage error.
 * Never throws: errors are printed (as JSON with `--json`) on stderr.
 *
 * @example
 * const exitCode = await runCli({ argv: ['kv', 'get', 'notes/1', '--json'], io: { stdout: process.stdout, stderr: process.stderr, env: process.env } })
 */
export async function runCli(args: RunCliArgs): Promise<number> {
  const commands = args.commands ?? ALL_COMMANDS
  const json = args.argv.includes('--json')
  const output = new Output({ io: args.io, json })
  try {
    return await dispatch({ ...args, commands, output })
  } catch (error) {
    return output.error(error)
  }
}

async function dispatch(args: RunCliArgs & { readonly commands: readonly CommandDefinition[]; readonly output: Output }): Promise<number> {
  const { argv, commands, io, output } = args
  const wantsHelp = argv.includes('--help') || argv.includes('-h')
  const words = commandWords(argv)
  const command = longestMatch(commands, words.map(word => word.text))
  if (command === undefined) {
    if (words.length === 0 && argv.includes('--version')) {
      output.line(packageVersion())
      return 0
    }
    const groupLength = longestGroupPrefix(commands, words.map(word => word.text))
    const prefix = words.slice(0, groupLength).map(word => word.text)
    const next = words[groupLength]
    if (next !== undefined) {
      const candidates = [...new Set(commands.filter(entry => prefix.every((word, index) => entry.path[index] === word)).map(entry => entry.path[groupLength]!))]
      const guess = closestName(next.text, candidates)
      const where = prefix.length === 0 ? 'livingdb' : `livingdb ${prefix.join(' ')}`
      throw usageError(`Unknown command "${next.text}" for ${where}.${guess === undefined ? '' : ` Did you mean "${guess}"?`}`, prefix.join(' '))
    }
    const help = groupHelp({ prefix, commands, version: packageVersion() })
    if (!wantsHelp && argv.includes('--json')) {
      const where = prefix.length === 0 ? 'livingdb' : `livingdb ${prefix.join(' ')}`
      throw usageError(`${where} needs a command.`, prefix.join(' '))
    }
    if (wantsHelp) {
      output.line(help.trimEnd())
      return 0
    }
    io.stderr.write(help)
    return 2
  }
  const used = new Set(words.slice(0, command.path.length).map(word => word.index))
  const rest = argv.filter((_, index) => !used.has(index))
  const commandName = command.path.join(' ')
  const parsed = parseArguments({ argv: rest, options: commandOptions(command), commandName })
  if (parsed.options.help === true) {
    output.line(commandHelp(command).trimEnd())
    return 0
  }
  const required = command.positionals.filter(spec => spec.required).length
  if (parsed.positionals.length < required) {
    const missing = command.positionals.slice(parsed.positionals.length).filter(spec => spec.required).map(spec => `<${spec.name}>`)
    throw usageError(`"livingdb ${commandName}" needs ${missing.join(' ')}.`, commandName)
  }
  if (parsed.positionals.length > command.positionals.length) {
    const extra = parsed.positionals.slice(command.positionals.length).map(word => `"${word}"`).join(', ')
    throw usageError(`"livingdb ${commandName}" got unexpected argument${parsed.positionals.length - command.positionals.length > 1 ? 's' : ''} ${extra}.`, commandName)
  }
  const databaseOption = parsed.options.db
  const context: CommandContext = {
    positionals: parsed.positionals,
    options: parsed.options,
    json: parsed.options.json === true,
    databasePath: typeof databaseOption === 'string' ? databaseOption : (io.env.LIVINGDB_DB || DEFAULT_DATABASE_PATH),
    io,
    output,
  }
  const exitCode = await command.run(context)
  return exitCode ?? 0
}

interface Word {
  readonly text: string
  readonly index: number
}

/** Leading non-option words of argv, skipping the value of `--db` which may precede the command. */
function commandWords(argv: readonly string[]): Word[] {
  const words: Word[] = []
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!
    if (token === '--') break
    if (token === '--db') {
      index++
      continue
    }
    if (token.startsWith('-')) continue
    words.push({ text: token, index })
  }
  return words
}

function longestMatch(commands: readonly CommandDefinition[], words: readonly string[]): CommandDefinition | undefined {
  let best: CommandDefinition | undefined
  for (const command of commands) {
    const matches = command.path.length <= words.length && command.path.every((word, index) => words[index] === word)
    if (matches && (best === undefined || command.path.length > best.path.length)) best = command
  }
  return best
}

function longestGroupPrefix(commands: readonly CommandDefinition[], words: readonly string[]): number {
  let length = 0
  while (length < words.length && commands.some(command => command.path.length > length + 1 && words.slice(0, length + 1).every((word, index) => command.path[index] === word))) {
    length++
  }
  return length
}
