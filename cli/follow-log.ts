import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { CorruptionError } from '../errors/index.js'
import { NodeFileSystem } from '../core/file/index.js'
import { toCommit } from '../core/engine/commit-stream.js'
import { listSegmentFiles } from '../core/log/log-scanner.js'
import { decodePayload } from '../core/log/record-codec.js'
import { FrameCursor, SEGMENT_HEADER_BYTES } from '../core/log/segment-file.js'
import type { Commit } from '../index.js'

/** Arguments of {@link followLog}. */
export interface FollowLogArgs {
  /** The database's log directory (`<db>/log`). */
  readonly directory: string
  /** First txn id to yield. */
  readonly from: number
  /** Ends the stream. */
  readonly signal?: AbortSignal
  /** How often to look for new records (default 200 ms). */
  readonly pollMs?: number
}

/**
 * Tails the commit-log files of a database *without* opening it, so it never
 * takes the database lock: an application keeps writing while
 * `livingdb log --follow` prints its commits. Reads only complete,
 * CRC-checked frames; a frame still being appended is retried on the next
 * poll. Segment files that retention removes are skipped.
 *
 * @example
 * for await (const commit of followLog({ directory: './data/log', from: 0, signal })) console.log(commit.txnId)
 */
export async function* followLog(args: FollowLogArgs): AsyncGenerator<Commit> {
  const fs = new NodeFileSystem()
  const pollMs = args.pollMs ?? 200
  let next = args.from
  let segment: string | undefined
  let offset = SEGMENT_HEADER_BYTES
  while (!isAborted(args.signal)) {
    const files = listSegmentFiles(fs, args.directory)
    let index = segment === undefined ? -1 : files.findIndex(file => file.name === segment)
    if (index === -1) {
      // Start (or restart after the segment was removed) at the last segment that can hold `next`.
      index = Math.max(0, files.findLastIndex(file => file.firstTxnId <= next))
      segment = files[index]?.name
      offset = SEGMENT_HEADER_BYTES
    }
    if (segment === undefined) {
      await pause(pollMs, args.signal)
      continue
    }
    const round = readFrames({ fs, path: join(args.directory, segment), offset, from: next })
    offset = round.offset
    for (const commit of round.commits) {
      next = commit.txnId + 1
      yield commit
      if (isAborted(args.signal)) return
    }
    const later = files[index + 1]
    if (!round.atEnd && later !== undefined && round.commits.length === 0) {
      // A bad frame with a newer segment after it is not an append in progress: it is damage.
      throw new CorruptionError('CORRUPT_LOG', `The commit log is damaged at byte ${offset} of ${join(args.directory, segment)}, before the newer segment ${later.name}. Run \`livingdb verify\`, then \`livingdb repair\` after a backup.`, { details: { file: join(args.directory, segment), offset } })
    }
    if (round.atEnd && later !== undefined) {
      segment = later.name
      offset = SEGMENT_HEADER_BYTES
      continue
    }
    if (round.commits.length === 0) await pause(pollMs, args.signal)
  }
}

/** Reads the complete frames of one segment from `offset`; stops at the end or at a frame still being written. */
function readFrames(args: { readonly fs: NodeFileSystem; readonly path: string; readonly offset: number; readonly from: number }): { commits: Commit[]; offset: number; atEnd: boolean } {
  const commits: Commit[] = []
  if (!args.fs.exists(args.path)) return { commits, offset: args.offset, atEnd: true }
  const handle = args.fs.open(args.path, { readOnly: true })
  try {
    const size = handle.size()
    if (size <= args.offset) return { commits, offset: args.offset, atEnd: true }
    const cursor = new FrameCursor(handle, args.offset, size)
    for (;;) {
      const step = cursor.next()
      if (step.kind === 'end') return { commits, offset: cursor.position, atEnd: true }
      if (step.kind === 'damaged') return { commits, offset: step.offset, atEnd: false }
      if (step.txnId >= args.from) commits.push(toCommit(decodePayload(cursor.buffer, step.payloadStart, step.payloadEnd)))
    }
  } finally {
    handle.close()
  }
}

async function pause(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(milliseconds, undefined, { signal })
  } catch {
    // aborted: the loop condition ends the stream
  }
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}
