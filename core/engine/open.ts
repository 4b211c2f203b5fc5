import path from 'node:path'
import { pageLimits } from '../codec/limits.js'
import { NodeFileSystem } from '../file/index.js'
import { CommitLog } from '../log/index.js'
import { PageFile } from '../pager/page-file.js'
import { readCatalog, readFreelistChain } from './checkpoint-writer.js'
import { EMPTY_STATE } from './database-state.js'
import { Database } from './database.js'
import { FreeSpace } from './free-space.js'
import { MemoryLog } from './memory-log.js'
import { MemorySource } from './memory-source.js'
import { RecoveryReplay } from './recovery-replay.js'
import { type OpenOptions, resolveOptions } from './options.js'

/** Name of the page file inside a database directory. */
export const PAGE_FILE_NAME = 'data.ldb'
/** Name of the commit-log directory inside a database directory. */
export const LOG_DIRECTORY_NAME = 'log'
/** Name of the lock file inside a database directory. */
export const LOCK_FILE_NAME = 'LOCK'

/**
 * Opens (or creates) a database. Without `path` the database lives in memory.
 * On disk it takes the directory lock (`DB_LOCKED` if another process or
 * handle has it), selects the newest valid meta page (`CORRUPT_META` if
 * neither is valid), and replays the commit log after that checkpoint.
 *
 * @example
 * const db = await open({ path: './data', durability: 'strict' })
 * await db.put('notes/1', { text: 'hi' })
 * db.get('notes/1') // { text: 'hi' }
 */
export async function open(options: OpenOptions = {}): Promise<Database> {
  const resolved = resolveOptions(options)
  const limits = pageLimits(resolved.pageSize)
  if (resolved.path === undefined) {
    return new Database({
      options: resolved,
      source: new MemorySource(limits),
      pageFile: undefined,
      log: new MemoryLog(),
      state: EMPTY_STATE,
      freeSpace: new FreeSpace(),
      releaseLock: undefined,
      generation: 1,
      replayedBytes: 0,
      recovery: { replayedTxns: 0, milliseconds: 0 },
    })
  }
  const fs = resolved.fs ?? new NodeFileSystem()
  const directory = resolved.path
  fs.mkdir(directory)
  const releaseLock = fs.lock(path.join(directory, LOCK_FILE_NAME))
  let pageFile: PageFile | undefined
  let log: CommitLog | undefined
  try {
    const started = performance.now()
    pageFile = PageFile.open({ fs, path: path.join(directory, PAGE_FILE_NAME), pageSize: resolved.pageSize, cacheBytes: resolved.cacheBytes, limitsFor: pageLimits })
    const freeSpace = new FreeSpace(readFreelistChain(pageFile, pageFile.meta.freelistPage).free)
    const keyspaces = readCatalog(pageFile)
    log = CommitLog.open({
      fs,
      directory: path.join(directory, LOG_DIRECTORY_NAME),
      durability: resolved.durability,
      segmentBytes: resolved.segmentBytes,
      relaxedIntervalMs: resolved.relaxedIntervalMs,
    })
    const checkpointTxnId = pageFile.meta.checkpointTxnId
    const replay = new RecoveryReplay({ pageFile, keyspaces, checkpointTxnId, timestamp: pageFile.meta.timestamp })
    if (log.lastTxnId > checkpointTxnId) log.replay({ fromTxnId: checkpointTxnId + 1, visitor: replay })
    freeSpace.release(replay.freedPages, replay.txnId)
    const txnId = replay.txnId
    const replayedTxns = txnId - checkpointTxnId
    const opened = new Database({
      options: resolved,
      source: pageFile,
      pageFile,
      log,
      state: { txnId, timestamp: replay.timestamp, keyspaces: replay.keyspaces() },
      freeSpace,
      releaseLock,
      generation: 2,
      replayedBytes: replay.replayedBytes,
      recovery: { replayedTxns, milliseconds: performance.now() - started },
    })
    return opened
  } catch (error) {
    await log?.close().catch(() => undefined)
    try {
      pageFile?.close()
    } catch {
      // the original error is the one to report
    }
    releaseLock()
    throw error
  }
}
