import { LivingDbError } from '../errors/index.js'

/** The kinds of value an option takes. `boolean` options take no value. */
export type OptionType = 'string' | 'integer' | 'boolean'

/** One `--name` option a command accepts. */
export interface OptionSpec {
  /** Long name without the dashes, kebab-case (`base-url`). */
  readonly name: string
  readonly type: OptionType
  readonly description: string
  /** Placeholder shown in help (`DIR`, `N`). */
  readonly valueName?: string
  /** One-letter alias without the dash (`h`). */
  readonly short?: string
  /** Smallest accepted value of an `integer` option (default: no lower bound). */
  readonly minimum?: number
}

/** One positional argument a command accepts. */
export interface PositionalSpec {
  readonly name: string
  readonly description: string
  readonly required: boolean
}

/** A parsed option value. */
export type OptionValue = string | number | boolean

/** What {@link parseArguments} returns. */
export interface ParsedArguments {
  readonly positionals: readonly string[]
  /** Values by option name; absent options are missing from the record. */
  readonly options: Readonly<Record<string, OptionValue>>
}

/** Arguments of {@link parseArguments}. */
export interface ParseArgumentsArgs {
  readonly argv: readonly string[]
  readonly options: readonly OptionSpec[]
  /** Used in error messages (`livingdb kv scan`). */
  readonly commandName: string
}

/**
 * Parses `argv` against the option specs: `--name value`, `--name=value`,
 * `-x value`, boolean flags, and `--` to end option parsing. Unknown options,
 * missing values and malformed integers are `CLI_USAGE` errors that name the
 * problem and say where the help is.
 *
 * @example
 * parseArguments({ argv: ['--limit', '5', 'notes/'], options: [limitSpec], commandName: 'kv scan' })
 * // → { positionals: ['notes/'], options: { limit: 5 } }
 */
export function parseArguments(args: ParseArgumentsArgs): ParsedArguments {
  const byName = new Map(args.options.map(spec => [spec.name, spec]))
  const byShort = new Map(args.options.filter(spec => spec.short !== undefined).map(spec => [spec.short, spec]))
  const positionals: string[] = []
  const options: Record<string, OptionValue> = {}
  const argv = args.argv
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!
    if (token === '--') {
      positionals.push(...argv.slice(index + 1))
      break
    }
    if (!token.startsWith('-') || token === '-' || isNegativeNumber(token)) {
      positionals.push(token)
      continue
    }
    const equals = token.indexOf('=')
    const flag = equals === -1 ? token : token.slice(0, equals)
    const spec = flag.startsWith('--') ? byName.get(flag.slice(2)) : byShort.get(flag.slice(1))
    if (spec === undefined) throw unknownOption(flag, args)
    let raw: string | undefined = equals === -1 ? undefined : token.slice(equals + 1)
    if (spec.type === 'boolean') {
      if (raw !== undefined) {
        throw usageError(`Option --${spec.name} of "livingdb ${args.commandName}" is a flag and takes no value (got "${raw}"). Write just --${spec.name}.`, args.commandName)
      }
      options[spec.name] = true
      continue
    }
    if (raw === undefined) {
      raw = argv[index + 1]
      if (raw === undefined) {
        throw usageError(`Option --${spec.name} of "livingdb ${args.commandName}" needs a value: --${spec.name} ${spec.valueName ?? 'VALUE'}.`, args.commandName)
      }
      index++
    }
    options[spec.name] = spec.type === 'integer' ? parseInteger(raw, spec, args.commandName) : raw
  }
  return { positionals, options }
}

function isNegativeNumber(token: string): boolean {
  return /^-\d+(\.\d+)?$/.test(token)
}

function parseInteger(raw: string, spec: OptionSpec, commandName: string): number {
  const value = Number(raw)
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    throw usageError(`Option --${spec.name} of "livingdb ${commandName}" needs a whole number, got "${raw}".`, commandName)
  }
  if (spec.minimum !== undefined && value < spec.minimum) {
    throw usageError(`Option --${spec.name} of "livingdb ${commandName}" must be at least ${spec.minimum}, got ${value}.`, commandName)
  }
  return value
}

function unknownOption(flag: string, args: ParseArgumentsArgs): LivingDbError {
  const name = flag.replace(/^-+/, '')
  const closest = closestName(name, args.options.map(spec => spec.name))
  const hint = closest === undefined ? '' : ` Did you mean --${closest}?`
  return usageError(`Unknown option ${flag} for "livingdb ${args.commandName}".${hint}`, args.commandName)
}

/**
 * A `CLI_USAGE` error whose message ends by pointing at the command's help.
 * Exits with code 2.
 */
export function usageError(message: string, commandName: string): LivingDbError {
  const help = commandName === '' ? 'livingdb --help' : `livingdb ${commandName} --help`
  return new LivingDbError('CLI_USAGE', `${message} See \`${help}\`.`, { details: { command: commandName } })
}

/** The candidate closest to `name` by edit distance, if it is close enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
function editDistance(left: string, right: string): number {
  const rows = Array.from({ length: left.length + 1 }, (_, row) => Array.from({ length: right.length + 1 }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)))
  for (let row = 1; row <= left.length; row++) {
    for (let column = 1; column <= right.length; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1
      let best = Math.min(rows[row - 1]![column]! + 1, rows[row]![column - 1]! + 1, rows[row - 1]![column - 1]! + cost)
      if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1]) best = Math.min(best, rows[row - 2]![column - 2]! + 1)
      rows[row]![column] = best
    }
  }
  return rows[left.length]![right.length]!
}
