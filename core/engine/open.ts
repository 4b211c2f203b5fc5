import path from 'node:path'
import { CorruptionError } from '../../errors/index.js'
import { pageLimits } from '../codec/limits.js'
import type { OverflowRef } from '../btree/node.js'
import type { MutationContext } from '../btree/tree-mutation.js'
import { NodeFileSystem } from '../file/index.js'
import { CommitLog } from '../log/index.js'
import { PageFile } from '../pager/page-file.js'
import { PageType } from '../pager/page-format.js'
import { readCatalog, readFreelistChain } from './checkpoint-writer.js'
import { EMPTY_STATE, applyRecord } from './database-state.js'
import { Database } from './database.js'
import { FreeSpace } from './free-space.js'
import { MemoryLog } from './memory-log.js'
import { MemorySource } from './memory-source.js'
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
    let txnId = checkpointTxnId
    let timestamp = pageFile.meta.timestamp
    let replayedBytes = 0
    if (log.lastTxnId > checkpointTxnId) {
      const file = pageFile
      let freed: number[] = []
      const context: MutationContext = {
        limits: file.limits,
        generation: 1,
        loadNode: (page) => file.loadNode(page),
        loadValue: (reference) => file.loadValue(reference),
        freePage: (page) => freed.push(page),
        freeValue: (reference: OverflowRef) => freed.push(...file.chainPages(PageType.OVERFLOW, reference.page)),
      }
      for (const record of log.read({ fromTxnId: checkpointTxnId + 1 })) {
        if (record.txnId !== txnId + 1) {
          throw new CorruptionError('CORRUPT_LOG', `The commit log jumps from txn ${txnId} to txn ${record.txnId}, but the page file's checkpoint is txn ${checkpointTxnId}: records are missing. Restore the missing log segments, or restore the page file and log together from a backup.`, {
            details: { expected: txnId + 1, found: record.txnId, checkpointTxnId },
          })
        }
        applyRecord(context, keyspaces, record)
        freeSpace.release(freed, record.txnId)
        freed = []
        for (const operation of record.ops) replayedBytes += operation.key.length + (operation.value?.length ?? 0) + 24
        txnId = record.txnId
        timestamp = record.timestamp
      }
    }
    const replayedTxns = txnId - checkpointTxnId
    const opened = new Database({
      options: resolved,
      source: pageFile,
      pageFile,
      log,
      state: { txnId, timestamp, keyspaces },
      freeSpace,
      releaseLock,
      generation: 2,
      replayedBytes,
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
