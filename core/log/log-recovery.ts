import path from 'node:path'
import { CorruptionError, StorageError } from '../../errors/index.js'
import type { FileSystem } from '../file/index.js'
import { scanLog, type LogDamage, type LogScan, type ScannedSegment } from './log-scanner.js'

/** A segment as recovery left it (torn tail already cut off): `end` is where the next record goes. */
export interface RecoveredSegment extends Omit<ScannedSegment, 'validEnd' | 'fileSize'> {
  readonly end: number
}

/**
 * The error for mid-log damage: names the file, the byte offset, the last
 * intact txn id and how to salvage the valid prefix.
 */
export function corruptLogError(damage: LogDamage, directory: string): CorruptionError {
  const after = damage.intactRecordAt === undefined ? '' : ` An intact record follows at byte ${damage.intactRecordAt}, so this is not a torn write from a crash.`
  return new CorruptionError(
    'CORRUPT_LOG',
    `The commit log is damaged at byte ${damage.offset} of ${damage.file}: ${damage.reason}.${after} ` +
      `Refusing to open so no committed transaction is silently dropped. To keep the valid prefix (up to txn ${damage.lastGoodTxnId}), ` +
      `back up ${path.dirname(directory)} and run \`livingdb repair --db ${path.dirname(directory)}\` (it moves the damaged bytes aside into *.discarded files).`,
    {
      details: {
        file: damage.file,
        offset: damage.offset,
        reason: damage.reason,
        lastGoodTxnId: damage.lastGoodTxnId,
        ...(damage.intactRecordAt === undefined ? {} : { intactRecordAt: damage.intactRecordAt }),
      },
    },
  )
}

/** The error for a segment written by another (newer) format version. */
function unsupportedError(damage: LogDamage): StorageError {
  return new StorageError('FORMAT_UNSUPPORTED', `${damage.file} was written by an unsupported commit-log format (${damage.reason}). Open it with the livingdb version that wrote it.`, {
    details: { file: damage.file, reason: damage.reason },
  })
}

/** Turns a scan into recovered segments, or throws for damage that is not a torn tail. */
export function segmentsFromScan(scan: LogScan, directory: string): RecoveredSegment[] {
  const damage = scan.damage
  if (damage?.kind === 'corrupt') throw corruptLogError(damage, directory)
  if (damage?.kind === 'unsupported') throw unsupportedError(damage)
  const segments = scan.segments.map(({ validEnd, fileSize: _fileSize, ...segment }) => ({ ...segment, end: validEnd }))
  return damage?.kind === 'torn-header' ? segments.slice(0, -1) : segments
}

/**
 * Scans a log directory and repairs what a crash can leave behind: a torn
 * tail of the last segment is truncated and fsynced; a last segment whose
 * header never fully reached the disk (and holds no intact record) is removed.
 * Anything else throws `CORRUPT_LOG` or `FORMAT_UNSUPPORTED`.
 */
export function recoverLogDirectory(args: { readonly fs: FileSystem; readonly directory: string }): { segments: RecoveredSegment[]; lastTxnId: number } {
  const { fs, directory } = args
  const scan = scanLog(fs, directory)
  const segments = segmentsFromScan(scan, directory)
  const damage = scan.damage
  if (damage?.kind === 'torn-tail') {
    const handle = fs.open(damage.file)
    try {
      handle.truncate(damage.offset)
      handle.sync()
    } finally {
      handle.close()
    }
  } else if (damage?.kind === 'torn-header') {
    fs.remove(damage.file)
    fs.syncDirectory(directory)
  }
  let lastTxnId = 0
  for (const segment of segments) lastTxnId = Math.max(lastTxnId, segment.lastRecordTxnId, segment.firstTxnId - 1)
  return { segments, lastTxnId }
}
