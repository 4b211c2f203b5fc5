import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { LivingDbError } from '../errors/index.js'
import { decodeRecordLine, type DecodedRecord } from './jsonl-record.js'
import type { Keyspace } from '../index.js'
import type { ProgressBar } from './progress-bar.js'

/** Records per transaction unless the caller says otherwise. */
export const DEFAULT_IMPORT_BATCH_SIZE = 1000

/** A line `--skip-invalid` left out, and why. */
export interface SkippedLine {
  readonly line: number
  readonly code: string
  readonly message: string
}

/** What {@link importJsonl} did. */
export interface ImportSummary {
  readonly file: string
  /** Records written. */
  readonly imported: number
  /** Non-blank lines read. */
  readonly lines: number
  readonly batches: number
  /** The txn id of the last batch, or undefined when nothing was written. */
  readonly lastTxnId: number | undefined
  readonly skipped: readonly SkippedLine[]
  /** True when the signal stopped the import early (committed batches stay). */
  readonly interrupted: boolean
}

/** Arguments of {@link importJsonl}. */
export interface ImportJsonlArgs {
  /** Where the records go: `db.keyspace(name)` (the default keyspace is `db.keyspace('default')`). */
  readonly target: Pick<Keyspace, 'write'>
  /** The file's name, used in messages; with `input` it only labels the stream (`stdin`). */
  readonly file: string
  /** Read lines from this stream instead of opening `file` (e.g. stdin for `livingdb import -`). */
  readonly input?: NodeJS.ReadableStream
  /** Records per transaction (default 1,000). */
  readonly batchSize?: number
  /** Skip bad lines (reported in the summary) instead of stopping at the first one. */
  readonly skipInvalid?: boolean
  readonly progress?: ProgressBar
  /** Stops between batches; the batches already committed stay. */
  readonly signal?: AbortSignal
}

/** Engine errors that mean "this one record is unacceptable" rather than "the database failed". */
const RECORD_ERROR_CODES = new Set(['INVALID_KEY', 'INVALID_VALUE', 'KEY_TOO_LARGE', 'VALUE_TOO_LARGE'])

interface PendingRecord extends DecodedRecord {
  readonly lineNumber: number
}

/**
 * Imports a JSONL file of `{"key": ..., "value": ...}` lines in batched
 * transactions. Each batch is one atomic transaction: when a line is bad (and
 * `skipInvalid` is off) the import stops with `IMPORT_INVALID` naming the line,
 * and nothing from that line's batch is written. Earlier batches stay
 * committed; rerunning the import after a fix is safe because puts overwrite.
 *
 * @example
 * const summary = await importJsonl({ target: db.keyspace('default'), file: 'examples/sample-store.jsonl' })
 * console.log(summary.imported, summary.lastTxnId)
 */
export async function importJsonl(args: ImportJsonlArgs): Promise<ImportSummary> {
  const batchSize = args.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE
  const totalBytes = args.input === undefined ? fileSize(args.file) : undefined
  const skipped: SkippedLine[] = []
  let batch: PendingRecord[] = []
  let imported = 0
  let lines = 0
  let batches = 0
  let lastTxnId: number | undefined
  let bytesRead = 0
  let committedThroughLine = 0

  const commit = async (): Promise<void> => {
    if (batch.length === 0) return
    const pending = batch
    batch = []
    const { written, txnId } = await writeBatch({ target: args.target, records: pending, skipInvalid: args.skipInvalid === true, skipped, file: args.file, committedThroughLine, lastTxnId })
    if (written > 0) {
      imported += written
      batches++
      lastTxnId = txnId
    }
    committedThroughLine = pending[pending.length - 1]!.lineNumber
  }

  const reader = createInterface({ input: args.input ?? createReadStream(args.file), crlfDelay: Infinity })
  let lineNumber = 0
  let stopped = false
  try {
    for await (const text of reader) {
      lineNumber++
      bytesRead += Buffer.byteLength(text) + 1
      args.progress?.update(totalBytes === undefined ? bytesRead : Math.min(bytesRead, totalBytes), totalBytes)
      if (text.trim() === '') continue
      lines++
      try {
        batch.push({ ...decodeRecordLine({ text, lineNumber, file: args.file }), lineNumber })
      } catch (error) {
        if (!args.skipInvalid || !LivingDbError.isInstance(error)) throw withBatchContext({ error, committedThroughLine, lastTxnId })
        skipped.push({ line: lineNumber, code: error.code, message: error.message })
      }
      if (batch.length >= batchSize) {
        await commit()
        if (args.signal?.aborted) {
          stopped = true
          break
        }
      }
    }
    if (!stopped) await commit()
  } finally {
    reader.close()
    args.progress?.finish()
  }
  return { file: args.file, imported, lines, batches, lastTxnId, skipped, interrupted: stopped }
}

async function writeBatch(args: {
  readonly target: Pick<Keyspace, 'write'>
  readonly records: readonly PendingRecord[]
  readonly skipInvalid: boolean
  readonly skipped: SkippedLine[]
  readonly file: string
  readonly committedThroughLine: number
  readonly lastTxnId: number | undefined
}): Promise<{ readonly written: number; readonly txnId: number | undefined }> {
  let written = 0
  const skippedHere: SkippedLine[] = []
  const result = await args.target.write(tx => {
    for (const record of args.records) {
      try {
        tx.put(record.key, record.value)
        written++
      } catch (error) {
        const rejected = LivingDbError.isInstance(error) && RECORD_ERROR_CODES.has(error.code)
        if (!rejected) throw error
        if (!args.skipInvalid) {
          throw new LivingDbError('IMPORT_INVALID', `${args.file} line ${record.lineNumber} was refused by the database: ${error.message}`, { cause: error, details: { line: record.lineNumber, file: args.file, engineCode: error.code } })
        }
        skippedHere.push({ line: record.lineNumber, code: error.code, message: `${args.file} line ${record.lineNumber}: ${error.message}` })
      }
    }
  }).catch((error: unknown) => {
    throw withBatchContext({ error, committedThroughLine: args.committedThroughLine, lastTxnId: args.lastTxnId })
  })
  args.skipped.push(...skippedHere)
  return { written, txnId: written > 0 ? result.txnId : undefined }
}

function withBatchContext(args: { readonly error: unknown; readonly committedThroughLine: number; readonly lastTxnId: number | undefined }): unknown {
  if (!LivingDbError.isInstance(args.error) || args.error.code !== 'IMPORT_INVALID') return args.error
  const before = args.committedThroughLine === 0
    ? 'Nothing was written.'
    : `Lines 1-${args.committedThroughLine} were already committed${args.lastTxnId === undefined ? '' : ` (through txn ${args.lastTxnId})`}; nothing after line ${args.committedThroughLine} was written.`
  return new LivingDbError('IMPORT_INVALID', `${args.error.message} ${before} Fix the line and rerun the import (keys already imported are simply overwritten), or pass --skip-invalid to skip bad lines and report them.`, {
    cause: args.error,
    details: { ...args.error.details, committedThroughLine: args.committedThroughLine },
  })
}

function fileSize(file: string): number {
  const stat = statSync(file, { throwIfNoEntry: false })
  if (stat === undefined) throw new LivingDbError('IMPORT_INVALID', `Import file ${file} does not exist. Check the path (relative paths start at the current directory).`, { details: { file } })
  if (!stat.isFile()) throw new LivingDbError('IMPORT_INVALID', `Import path ${file} is not a file. Pass a .jsonl file with one {"key": ..., "value": ...} object per line.`, { details: { file } })
  return stat.size
}
