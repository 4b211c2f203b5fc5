import path from 'node:path'
import { StorageError } from '../../errors/index.js'
import type { FileSystem } from '../file/index.js'
import { recoverLogDirectory } from './log-recovery.js'
import { type LogDamage, scanLog } from './log-scanner.js'
import { SEGMENT_HEADER_BYTES } from './segment-file.js'

/** One problem found by {@link verifyLog}. */
export interface LogProblem {
  readonly kind: 'corrupt' | 'unsupported'
  readonly file: string
  readonly offset: number
  readonly reason: string
  /** A sentence naming the problem and the fix (for `livingdb verify`). */
  readonly message: string
}

/** The structured result of {@link verifyLog}; plain JSON. */
export interface LogVerifyReport {
  /** True when the log opens without losing anything (a torn tail from a crash is fine). */
  readonly ok: boolean
  readonly directory: string
  readonly segments: readonly { readonly file: string; readonly firstTxnId: number; readonly lastTxnId: number; readonly records: number; readonly bytes: number }[]
  readonly records: number
  readonly firstTxnId: number
  readonly lastTxnId: number
  readonly problems: readonly LogProblem[]
  /** Un-acknowledged bytes left by a crash; the next open truncates them. */
  readonly tornTail?: { readonly file: string; readonly offset: number; readonly bytes: number }
  /** Segment files after a damaged one, not checked. */
  readonly unscannedFiles: readonly string[]
}

/**
 * Checks every segment of a log directory (header, every frame's length, CRC,
 * structure and txn order) without changing anything.
 *
 * @example
 * const report = verifyLog({ fs: new NodeFileSystem(), directory: 'data/log' })
 * if (!report.ok) for (const problem of report.problems) console.error(problem.message)
 */
export function verifyLog(args: { readonly fs: FileSystem; readonly directory: string }): LogVerifyReport {
  const scan = scanLog(args.fs, args.directory)
  const segments = scan.segments.map((segment) => ({
    file: segment.path,
    firstTxnId: segment.firstRecordTxnId,
    lastTxnId: segment.lastRecordTxnId,
    records: segment.records,
    bytes: segment.validEnd,
  }))
  const damage = scan.damage
  const problems: LogProblem[] = []
  let tornTail: LogVerifyReport['tornTail']
  if (damage?.kind === 'corrupt' || damage?.kind === 'unsupported') {
    const fix =
      damage.kind === 'corrupt'
        ? `Back up the database directory, then run \`livingdb repair\` to keep the valid prefix (up to txn ${damage.lastGoodTxnId}).`
        : 'Open it with the livingdb version that wrote it.'
    problems.push({ kind: damage.kind, file: damage.file, offset: damage.offset, reason: damage.reason, message: `${damage.file} byte ${damage.offset}: ${damage.reason}. ${fix}` })
  } else if (damage !== undefined) {
    const segment = scan.segments[damage.segmentIndex]!
    tornTail = { file: damage.file, offset: damage.offset, bytes: segment.fileSize - damage.offset }
  }
  const withRecords = segments.filter((segment) => segment.records > 0)
  return {
    ok: problems.length === 0,
    directory: args.directory,
    segments,
    records: segments.reduce((sum, segment) => sum + segment.records, 0),
    firstTxnId: withRecords[0]?.firstTxnId ?? 0,
    lastTxnId: withRecords.at(-1)?.lastTxnId ?? 0,
    problems,
    ...(tornTail === undefined ? {} : { tornTail }),
    unscannedFiles: scan.unscannedFiles.map((name) => path.join(args.directory, name)),
  }
}

/** What {@link salvageLog} did. */
export interface LogSalvageReport {
  /** Highest txn id still in the log afterwards. */
  readonly lastTxnId: number
  /** Where the log was cut (undefined when nothing was damaged). */
  readonly truncated?: { readonly file: string; readonly offset: number; readonly reason: string }
  /** Files holding the bytes moved out of the log (never deleted, for forensics). */
  readonly discardedFiles: readonly string[]
}

function freeName(fs: FileSystem, base: string): string {
  let candidate = `${base}.discarded`
  for (let index = 2; fs.exists(candidate); index++) candidate = `${base}.discarded-${index}`
  return candidate
}

function moveTailAside(fs: FileSystem, damage: LogDamage): string | undefined {
  const handle = fs.open(damage.file)
  try {
    const size = handle.size()
    if (damage.offset < SEGMENT_HEADER_BYTES) return undefined
    const tail = new Uint8Array(size - damage.offset)
    handle.read(tail, 0, tail.length, damage.offset)
    const target = freeName(fs, `${damage.file}.${damage.offset}`)
    const output = fs.open(target, { create: true })
    try {
      output.write(tail, 0, tail.length, 0)
      output.sync()
    } finally {
      output.close()
    }
    handle.truncate(damage.offset)
    handle.sync()
    return target
  } finally {
    handle.close()
  }
}

/**
 * Repairs a damaged log by keeping its valid prefix: the bytes from the first
 * damaged record on are moved into `*.discarded` files next to the segments
 * (later segments are renamed to `*.discarded`), so the log opens again. Use
 * after a backup; `livingdb repair` calls it. Refuses logs of another format.
 */
export function salvageLog(args: { readonly fs: FileSystem; readonly directory: string }): LogSalvageReport {
  const { fs, directory } = args
  const scan = scanLog(fs, directory)
  const damage = scan.damage
  if (damage?.kind === 'unsupported') {
    throw new StorageError('FORMAT_UNSUPPORTED', `${damage.file}: ${damage.reason}. Salvage it with the livingdb version that wrote it.`, { details: { file: damage.file } })
  }
  if (damage?.kind !== 'corrupt') {
    const recovered = recoverLogDirectory({ fs, directory })
    const truncated = damage === undefined ? {} : { truncated: { file: damage.file, offset: damage.offset, reason: damage.reason } }
    return { lastTxnId: recovered.lastTxnId, ...truncated, discardedFiles: [] }
  }
  const discardedFiles: string[] = []
  const movedTail = moveTailAside(fs, damage)
  if (movedTail !== undefined) discardedFiles.push(movedTail)
  const whole = damage.offset < SEGMENT_HEADER_BYTES ? [path.basename(damage.file)] : []
  for (const name of [...whole, ...scan.unscannedFiles]) {
    const target = freeName(fs, path.join(directory, name))
    fs.rename(path.join(directory, name), target)
    discardedFiles.push(target)
  }
  fs.syncDirectory(directory)
  const recovered = recoverLogDirectory({ fs, directory })
  return { lastTxnId: recovered.lastTxnId, truncated: { file: damage.file, offset: damage.offset, reason: damage.reason }, discardedFiles }
}
