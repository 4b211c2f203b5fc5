import { LivingDbError } from '../../errors/index.js'
import { flagOption, integerOption, type CommandDefinition } from '../command.js'
import { DEFAULT_IMPORT_BATCH_SIZE, importJsonl } from '../import-jsonl.js'
import { KEYSPACE_OPTION, selectKeyspace, withDatabase } from '../open-database.js'

const importCommand: CommandDefinition = {
  path: ['import'],
  summary: 'Load a JSONL file of {"key": ..., "value": ...} lines in batched transactions.',
  description: [
    `Records are written ${DEFAULT_IMPORT_BATCH_SIZE.toLocaleString('en-US')} per transaction (--batch-size). A bad line stops the import with`,
    'IMPORT_INVALID naming the line; nothing from that line\'s batch is written, earlier batches stay',
    'committed, and rerunning after a fix is safe (puts overwrite). --skip-invalid skips bad lines',
    'and lists them. Binary keys/values: base64 text with "keyEncoding"/"valueEncoding": "base64".',
    'The database is created when --db names a directory that does not exist yet.',
  ].join('\n'),
  positionals: [{ name: 'file', description: 'A .jsonl file, one {"key": ..., "value": ...} object per line; "-" reads standard input.', required: true }],
  options: [
    { name: 'batch-size', type: 'integer', valueName: 'N', minimum: 1, description: `Records per transaction (default ${DEFAULT_IMPORT_BATCH_SIZE}).` },
    { name: 'skip-invalid', type: 'boolean', description: 'Skip bad lines and report them instead of stopping at the first.' },
    KEYSPACE_OPTION,
  ],
  examples: ['livingdb import examples/sample-store.jsonl --db ./data', 'livingdb import dump.jsonl --skip-invalid --json', 'livingdb export --db ./old | livingdb import - --db ./new'],
  async run(context) {
    const file = context.positionals[0]!
    return withDatabase({
      context,
      mustExist: false,
      async use(database) {
        const fromStdin = file === '-'
        if (fromStdin && context.io.stdin === undefined) throw new LivingDbError('IMPORT_INVALID', 'There is no standard input to import from here; pass a file path instead of "-".')
        const summary = await importJsonl({
          target: selectKeyspace(context, database),
          file: fromStdin ? 'stdin' : file,
          ...(fromStdin ? { input: context.io.stdin } : {}),
          batchSize: integerOption(context, 'batch-size') ?? DEFAULT_IMPORT_BATCH_SIZE,
          skipInvalid: flagOption(context, 'skip-invalid'),
          progress: context.output.progress({ label: 'import', unit: 'bytes' }),
          signal: context.io.signal,
        })
        if (context.json) {
          context.output.json(summary)
        } else {
          const transactions = `${summary.batches} transaction${summary.batches === 1 ? '' : 's'}`
          context.output.line(`imported ${summary.imported} record${summary.imported === 1 ? '' : 's'} from ${summary.file} in ${transactions}${summary.lastTxnId === undefined ? '' : ` (last txn ${summary.lastTxnId})`}`)
          for (const skipped of summary.skipped) context.output.line(`skipped line ${skipped.line} (${skipped.code}): ${skipped.message}`)
          if (summary.skipped.length > 0) context.output.line(`${summary.skipped.length} line${summary.skipped.length === 1 ? '' : 's'} skipped`)
        }
        if (summary.interrupted) {
          context.output.note('import interrupted; the batches above are committed. Rerun the import to finish (puts overwrite).')
          return 1
        }
        return 0
      },
    })
  },
}

/** `livingdb import`. */
export const IMPORT_COMMANDS: readonly CommandDefinition[] = [importCommand]
