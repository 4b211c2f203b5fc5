import { LivingDbError } from '../../errors/index.js'
import { type Node, type NodeSource, type OverflowRef } from '../btree/node.js'
import { checkTree } from '../btree/check-valid.js'
import { decodeNode } from '../pager/node-codec.js'
import { PageType } from '../pager/page-format.js'
import type { PageFile } from '../pager/page-file.js'
import { readCatalog, readFreelistChain } from './checkpoint-writer.js'
import type { DatabaseState } from './database-state.js'
import type { CommitLogPort } from './memory-log.js'

/** One problem `verify` found. */
export interface VerifyProblem {
  readonly code: string
  readonly message: string
  readonly details?: Readonly<Record<string, unknown>>
}

/** The structured result of {@link verifyStorage} (`db.verify()`). */
export interface VerifyReport {
  /** True when no problem was found. */
  readonly ok: boolean
  readonly problems: readonly VerifyProblem[]
  /** How many of each thing were checked. */
  readonly checked: { pages: number; keys: number; keyspaces: number; overflowValues: number; logRecords: number; freePages: number }
}

/** What {@link verifyStorage} reads. */
export interface VerifyTarget {
  readonly pageFile: PageFile | undefined
  readonly log: CommitLogPort
  readonly source: NodeSource
  /** The latest in-memory version (its trees are checked too). */
  readonly state: DatabaseState
  /** Called as pages are checked: done so far and the page count. */
  readonly onProgress?: (done: number, total: number) => void
}

function toProblem(error: unknown): VerifyProblem {
  if (LivingDbError.isInstance(error)) return { code: error.code, message: error.message, details: error.details }
  return { code: 'UNEXPECTED_ERROR', message: error instanceof Error ? error.message : String(error) }
}

/**
 * Checks everything stored: every page reachable from the durable meta is
 * read from disk (bypassing the cache) and its CRC and structure verified;
 * every tree invariant holds in the checkpointed and the latest version; no
 * page is used twice or both used and free; every commit-log record's CRC.
 * Damage is reported as problems, never thrown.
 */
export function verifyStorage(target: VerifyTarget): VerifyReport {
  const problems: VerifyProblem[] = []
  const checked = { pages: 0, keys: 0, keyspaces: 0, overflowValues: 0, logRecords: 0, freePages: 0 }
  const pageFile = target.pageFile
  if (pageFile) {
    const owners = new Map<number, string>()
    const claim = (page: number, owner: string): void => {
      checked.pages++
      target.onProgress?.(checked.pages, pageFile.pageCount)
      const previous = owners.get(page)
      if (previous !== undefined) problems.push({ code: 'CORRUPT_PAGE', message: `Page ${page} is used twice (${previous} and ${owner}).`, details: { page } })
      owners.set(page, owner)
    }
    const disk: NodeSource = {
      limits: pageFile.limits,
      loadNode: (page: number): Node => {
        claim(page, 'tree')
        const node = decodeNode(pageFile.readPage(page), page, pageFile.limits, pageFile.pageCount)
        node.values.forEach((value) => {
          if (!(value instanceof Uint8Array)) {
            checked.overflowValues++
            for (const overflow of pageFile.chainPages(PageType.OVERFLOW, (value as OverflowRef).page)) claim(overflow, 'overflow')
            pageFile.loadValue(value)
          }
        })
        return node
      },
      loadValue: (reference) => pageFile.loadValue(reference),
    }
    try {
      if (pageFile.meta.catalogPage !== 0) for (const page of pageFile.chainPages(PageType.CATALOG, pageFile.meta.catalogPage)) claim(page, 'catalog')
      const keyspaces = readCatalog(pageFile, disk)
      for (const [name, keyspace] of keyspaces) {
        try {
          checked.keys += checkTree(disk, keyspace.root, name, keyspace.count).keys
          checked.keyspaces++
        } catch (error) {
          problems.push(toProblem(error))
        }
      }
    } catch (error) {
      problems.push(toProblem(error))
    }
    try {
      const freelist = readFreelistChain(pageFile, pageFile.meta.freelistPage)
      for (const page of freelist.chain) claim(page, 'freelist')
      for (const page of freelist.free) {
        checked.freePages++
        if (owners.has(page)) problems.push({ code: 'CORRUPT_PAGE', message: `Page ${page} is both free and in use (${owners.get(page)}).`, details: { page } })
      }
    } catch (error) {
      problems.push(toProblem(error))
    }
  }
  for (const [name, keyspace] of target.state.keyspaces) {
    try {
      const report = checkTree(target.source, keyspace.root, name, keyspace.count)
      if (!pageFile) {
        checked.keys += report.keys
        checked.keyspaces++
      }
    } catch (error) {
      problems.push(toProblem(error))
    }
  }
  try {
    let expected = target.log.firstTxnId
    for (const record of target.log.read({ fromTxnId: 0 })) {
      if (expected !== 0 && record.txnId !== expected) {
        problems.push({ code: 'CORRUPT_LOG', message: `The commit log jumps from txn ${expected - 1} to txn ${record.txnId}.`, details: { expected, found: record.txnId } })
      }
      expected = record.txnId + 1
      checked.logRecords++
    }
  } catch (error) {
    problems.push(toProblem(error))
  }
  return { ok: problems.length === 0, problems, checked }
}
