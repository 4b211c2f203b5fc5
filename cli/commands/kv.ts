import { LivingDbError } from '../../errors/index.js'
import type { JsonValue } from '../../index.js'
import { usageError, type OptionSpec } from '../argument-parser.js'
import { flagOption, integerOption, stringOption, type CommandContext, type CommandDefinition } from '../command.js'
import { encodeRecord, formatKey, formatValue } from '../jsonl-record.js'
import { AT_OPTION, KEYSPACE_OPTION, selectKeyspace, withDatabase, withKeyspaceReader } from '../open-database.js'

const getCommand: CommandDefinition = {
  path: ['kv', 'get'],
  summary: 'Print the value stored under a key.',
  description: 'Exits 1 with KEY_NOT_FOUND when the key holds no value.\nWith --json prints {"key": ..., "value": ...} (binary values as base64 with "valueEncoding": "base64").',
  positionals: [{ name: 'key', description: 'The key to read (a UTF-8 string).', required: true }],
  options: [AT_OPTION, KEYSPACE_OPTION],
  examples: ['livingdb kv get people/dana-okafor', 'livingdb kv get tasks/T-1006 --at 1 --json --db ./data'],
  async run(context) {
    const key = context.positionals[0]!
    await withDatabase({
      context,
      mustExist: true,
      use(database) {
        const value = withKeyspaceReader(context, database, reader => reader.get(key))
        if (value === undefined) {
          const at = integerOption(context, 'at')
          throw new LivingDbError('KEY_NOT_FOUND', `No value is stored under key "${key}" in ${context.databasePath}${at === undefined ? '' : ` as of txn ${at}`}. List nearby keys with \`livingdb kv scan --prefix ${prefixHint(key)}\`.`, { details: { key } })
        }
        if (context.json) context.output.json(encodeRecord(key, value))
        else context.output.line(value instanceof Uint8Array ? formatValue(value) : JSON.stringify(value, null, 2))
      },
    })
  },
}

const putCommand: CommandDefinition = {
  path: ['kv', 'put'],
  summary: 'Store a value under a key (one transaction).',
  description: 'The value is parsed as JSON (so quote strings: \'"hello"\'); pass --string to store the text as it is.',
  positionals: [
    { name: 'key', description: 'The key to write.', required: true },
    { name: 'value', description: 'A JSON value, or any text with --string.', required: true },
  ],
  options: [{ name: 'string', type: 'boolean', description: 'Store <value> as a raw string instead of parsing it as JSON.' }, KEYSPACE_OPTION],
  examples: [
    'livingdb kv put notes/1 \'{"text": "Dana approved the billing migration", "tags": ["billing"]}\'',
    'livingdb kv put settings/theme dark --string',
    'livingdb kv put counters/visits 42 --json',
  ],
  async run(context) {
    const [key, text] = context.positionals as [string, string]
    const value = flagOption(context, 'string') ? text : parseJsonValue(text)
    await withDatabase({
      context,
      mustExist: false,
      async use(database) {
        const { txnId } = await selectKeyspace(context, database).write(tx => {
          tx.put(key, value)
        })
        if (context.json) context.output.json({ key, txnId })
        else context.output.line(`put ${key} (txn ${txnId})`)
      },
    })
  },
}

const deleteCommand: CommandDefinition = {
  path: ['kv', 'del'],
  summary: 'Delete a key (one transaction).',
  description: 'Deleting a key that holds no value succeeds and writes nothing ("deleted": false).',
  positionals: [{ name: 'key', description: 'The key to delete.', required: true }],
  options: [KEYSPACE_OPTION],
  examples: ['livingdb kv del tasks/T-1042', 'livingdb kv del tasks/T-1042 --json'],
  async run(context) {
    const key = context.positionals[0]!
    await withDatabase({
      context,
      mustExist: true,
      async use(database) {
        const keyspace = selectKeyspace(context, database)
        if (keyspace.get(key) === undefined) {
          if (context.json) context.output.json({ key, deleted: false })
          else context.output.line(`${key} holds no value; nothing deleted`)
          return
        }
        const { txnId } = await keyspace.write(tx => {
          tx.delete(key)
        })
        if (context.json) context.output.json({ key, deleted: true, txnId })
        else context.output.line(`deleted ${key} (txn ${txnId})`)
      },
    })
  },
}

const SCAN_OPTIONS: readonly OptionSpec[] = [
  { name: 'prefix', type: 'string', valueName: 'TEXT', description: 'Only keys starting with TEXT.' },
  { name: 'gt', type: 'string', valueName: 'KEY', description: 'Only keys after KEY (bytewise).' },
  { name: 'gte', type: 'string', valueName: 'KEY', description: 'Only keys at or after KEY.' },
  { name: 'lt', type: 'string', valueName: 'KEY', description: 'Only keys before KEY.' },
  { name: 'lte', type: 'string', valueName: 'KEY', description: 'Only keys at or before KEY.' },
  { name: 'reverse', type: 'boolean', description: 'Descending key order.' },
  { name: 'limit', type: 'integer', valueName: 'N', minimum: 0, description: 'Stop after N records.' },
  { name: 'keys-only', type: 'boolean', description: 'Print keys without values.' },
  AT_OPTION,
  KEYSPACE_OPTION,
]

const scanCommand: CommandDefinition = {
  path: ['kv', 'scan'],
  summary: 'List records in key order, filtered by prefix and range.',
  description: 'Human output is one "key<TAB>value" line per record. With --json each record is one JSON line\n({"key": ..., "value": ...}, the same format `livingdb import` reads).',
  positionals: [],
  options: SCAN_OPTIONS,
  examples: ['livingdb kv scan --prefix tasks/ --limit 10', 'livingdb kv scan --prefix tasks/ --at 1', 'livingdb kv scan --gte notes/2026-03 --lt notes/2026-04 --reverse', 'livingdb kv scan --prefix people/ --json | jq .value.name'],
  async run(context) {
    const range = scanRange(context)
    const keysOnly = flagOption(context, 'keys-only')
    await withDatabase({
      context,
      mustExist: true,
      async use(database) {
        const count = await withKeyspaceReader(context, database, async reader => {
          let printed = 0
          for (const { key, value } of reader.scan(range)) {
            if (context.json) await context.output.jsonLine(keysOnly ? { key: formatKey(key) } : encodeRecord(key, value))
            else await context.output.write(keysOnly ? `${formatKey(key)}\n` : `${formatKey(key)}\t${formatValue(value)}\n`)
            printed++
          }
          return printed
        })
        if (count === 0) context.output.note('no records match')
      },
    })
  },
}

/** The scan options of a command line, in the shape `db.scan()` takes. */
export function scanRange(context: CommandContext): { prefix?: string; gt?: string; gte?: string; lt?: string; lte?: string; reverse?: boolean; limit?: number } {
  const range: { prefix?: string; gt?: string; gte?: string; lt?: string; lte?: string; reverse?: boolean; limit?: number } = {}
  for (const name of ['prefix', 'gt', 'gte', 'lt', 'lte'] as const) {
    const value = stringOption(context, name)
    if (value !== undefined) range[name] = value
  }
  if (range.gt !== undefined && range.gte !== undefined) throw usageError('Use either --gt or --gte, not both.', 'kv scan')
  if (range.lt !== undefined && range.lte !== undefined) throw usageError('Use either --lt or --lte, not both.', 'kv scan')
  if (flagOption(context, 'reverse')) range.reverse = true
  const limit = integerOption(context, 'limit')
  if (limit !== undefined) range.limit = limit
  return range
}

function parseJsonValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue
  } catch {
    throw usageError(`The value ${JSON.stringify(text)} is not valid JSON. Quote JSON strings (e.g. '"${text}"') or pass --string to store the text as it is.`, 'kv put')
  }
}

function prefixHint(key: string): string {
  const slash = key.lastIndexOf('/')
  return slash === -1 ? key.slice(0, 1) : key.slice(0, slash + 1)
}

/** `livingdb kv get|put|del|scan`. */
export const KV_COMMANDS: readonly CommandDefinition[] = [getCommand, putCommand, deleteCommand, scanCommand]
