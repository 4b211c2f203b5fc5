import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { LivingDbError } from '../../errors/index.js'
import { stringOption, type CommandContext, type CommandDefinition } from '../command.js'
import { encodeRecord } from '../jsonl-record.js'
import type { KeyspaceReader } from '../../index.js'
import { AT_OPTION, KEYSPACE_OPTION, withDatabase, withKeyspaceReader } from '../open-database.js'

const CHUNK_BYTES = 64 * 1024

const exportCommand: CommandDefinition = {
  path: ['export'],
  summary: 'Write records as JSONL (the format `livingdb import` reads).',
  description: [
    'Without --out the records go to stdout. With --out the file is written under a temporary',
    'name and renamed when complete, so a failed export never leaves a half file behind.',
    'With --json and --out, a summary {"exported": N, "out": FILE} is printed on stdout.',
  ].join('\n'),
  positionals: [],
  options: [
    { name: 'prefix', type: 'string', valueName: 'TEXT', description: 'Only keys starting with TEXT.' },
    { name: 'out', type: 'string', valueName: 'FILE', description: 'Write to FILE instead of stdout (replaced atomically).' },
    AT_OPTION,
    KEYSPACE_OPTION,
  ],
  examples: ['livingdb export --out backup.jsonl', 'livingdb export --at 1500 --out as-of-1500.jsonl', 'livingdb export --prefix tasks/ | grep blocked', 'livingdb export --db ./data --out notes.jsonl --prefix notes/ --json'],
  async run(context) {
    const out = stringOption(context, 'out')
    await withDatabase({
      context,
      mustExist: true,
      async use(database) {
        const exported = await withKeyspaceReader(context, database, reader => {
          const lines = records(reader, stringOption(context, 'prefix'))
          return out === undefined ? exportToStdout(context, lines) : exportToFile(context, lines, out)
        })
        if (out === undefined) return
        if (context.json) context.output.json({ exported, out })
        else context.output.line(`exported ${exported} record${exported === 1 ? '' : 's'} to ${out}`)
      },
    })
  },
}

function* records(reader: KeyspaceReader, prefix: string | undefined): Iterable<string> {
  for (const { key, value } of reader.scan(prefix === undefined ? {} : { prefix })) yield `${JSON.stringify(encodeRecord(key, value))}\n`
}

async function exportToStdout(context: CommandContext, lines: Iterable<string>): Promise<number> {
  const progress = context.output.progress({ label: 'export' })
  let count = 0
  let chunk = ''
  try {
    for (const line of lines) {
      chunk += line
      count++
      if (chunk.length >= CHUNK_BYTES) {
        await context.output.write(chunk)
        chunk = ''
        progress.update(count)
      }
    }
    if (chunk !== '') await context.output.write(chunk)
  } finally {
    progress.finish()
  }
  return count
}

function exportToFile(context: CommandContext, lines: Iterable<string>, out: string): number {
  const temporary = `${out}.tmp-${process.pid}`
  let descriptor: number
  try {
    descriptor = openSync(temporary, 'w')
  } catch (error) {
    throw new LivingDbError('IO_ERROR', `Cannot create the export file ${out}: ${(error as Error).message}. Check that the directory exists and is writable.`, { cause: error, details: { path: out } })
  }
  const progress = context.output.progress({ label: 'export' })
  let count = 0
  try {
    let chunk = ''
    for (const line of lines) {
      chunk += line
      count++
      if (chunk.length >= CHUNK_BYTES) {
        writeSync(descriptor, chunk)
        chunk = ''
        progress.update(count)
      }
    }
    if (chunk !== '') writeSync(descriptor, chunk)
    fsyncSync(descriptor)
    closeSync(descriptor)
    renameSync(temporary, out)
  } catch (error) {
    try {
      closeSync(descriptor)
    } catch {
      // already closed
    }
    rmSync(temporary, { force: true })
    if (LivingDbError.isInstance(error)) throw error
    throw new LivingDbError('IO_ERROR', `Writing the export file ${out} failed: ${(error as Error).message}. Check free disk space and permissions; no partial file was left.`, { cause: error, details: { path: out } })
  } finally {
    progress.finish()
  }
  return count
}

/** `livingdb export`. */
export const EXPORT_COMMANDS: readonly CommandDefinition[] = [exportCommand]
