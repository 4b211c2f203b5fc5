import type { OptionSpec } from './argument-parser.js'
import type { CommandDefinition } from './command.js'

/** Options every command accepts. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'db', type: 'string', valueName: 'DIR', description: 'Database directory (default ./livingdb-data, or $LIVINGDB_DB).' },
  { name: 'json', type: 'boolean', description: 'Machine-readable output on stdout; errors as {"error":{code,message}} on stderr.' },
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help.' },
]

/** The options a command accepts, global ones included (without --db for commands that use no database). */
export function commandOptions(command: CommandDefinition): readonly OptionSpec[] {
  const globals = command.usesDatabase === false ? GLOBAL_OPTIONS.filter(spec => spec.name !== 'db') : GLOBAL_OPTIONS
  return [...command.options, ...globals]
}

/** The `--help` text of one command. */
export function commandHelp(command: CommandDefinition): string {
  const name = command.path.join(' ')
  const positionals = command.positionals.map(spec => (spec.required ? `<${spec.name}>` : `[${spec.name}]`)).join(' ')
  const lines = [`livingdb ${name}: ${command.summary}`, '', `Usage: livingdb ${name}${positionals ? ` ${positionals}` : ''} [options]`]
  if (command.description) lines.push('', ...command.description.split('\n'))
  if (command.positionals.length > 0) {
    lines.push('', 'Arguments:')
    lines.push(...table(command.positionals.map(spec => [spec.name, spec.description])))
  }
  lines.push('', 'Options:')
  lines.push(...table(commandOptions(command).map(spec => [optionLabel(spec), spec.description])))
  if (command.examples.length > 0) lines.push('', 'Examples:', ...command.examples.map(example => `  ${example}`))
  return `${lines.join('\n')}\n`
}

/** The help for a group (`livingdb kv`) or for the whole command (empty prefix). */
export function groupHelp(args: { readonly prefix: readonly string[]; readonly commands: readonly CommandDefinition[]; readonly version: string }): string {
  const members = args.commands.filter(command => args.prefix.every((word, index) => command.path[index] === word))
  const title = args.prefix.length === 0 ? `livingdb ${args.version}: an embedded, plugin-first living database.` : `livingdb ${args.prefix.join(' ')}: commands`
  const usage = args.prefix.length === 0 ? 'livingdb <command> [options]' : `livingdb ${args.prefix.join(' ')} <command> [options]`
  const lines = [title, '', `Usage: ${usage}`, '', 'Commands:']
  lines.push(...table(members.map(command => [command.path.join(' '), command.summary])))
  lines.push('', 'Options for every command:')
  const globalRows: [string, string][] = GLOBAL_OPTIONS.map(spec => [optionLabel(spec), spec.description])
  if (args.prefix.length === 0) globalRows.push(['    --version', 'Print the livingdb version.'])
  lines.push(...table(globalRows))
  lines.push('', `Run \`livingdb ${[...args.prefix, '<command>'].join(' ')} --help\` for a command's options and examples.`)
  return `${lines.join('\n')}\n`
}

function optionLabel(spec: OptionSpec): string {
  const long = `--${spec.name}${spec.type === 'boolean' ? '' : ` ${spec.valueName ?? (spec.type === 'integer' ? 'N' : 'VALUE')}`}`
  return spec.short === undefined ? `    ${long}` : `-${spec.short}, ${long}`
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length))
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`)
}
