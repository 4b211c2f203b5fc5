import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { LivingDbError } from '../errors/index.js'
import { NodeFileSystem } from '../core/file/index.js'
import { verifyLog } from '../core/log/index.js'
import { decodeMeta, META_BYTES, openPage, PageType, type Meta } from '../core/pager/index.js'
import { LOG_DIRECTORY_NAME, MAX_PAGE_SIZE, MIN_PAGE_SIZE, open, PAGE_FILE_NAME } from '../index.js'
import type { Database } from './open-database.js'
import type { ProgressBar } from './progress-bar.js'

/** One thing `verify` found wrong (or, in `warnings`, worth knowing but harmless). */
export interface VerifyProblem {
  readonly code: string
  readonly message: string
  readonly details?: Readonly<Record<string, unknown>>
}

/** What `livingdb verify` reports. */
export interface VerifyReport {
  /** True when `problems` is empty. */
  readonly ok: boolean
  readonly path: string
  readonly problems: readonly VerifyProblem[]
  /** Harmless findings (a torn log tail the next open truncates). */
  readonly warnings: readonly VerifyProblem[]
  /** How many of each thing were checked (the engine's counts plus the CLI's whole-file checks). */
  readonly checked: Checked
}

interface Checked {
  /** Pages reachable from the durable meta, re-read from disk by the engine. */
  pages: number
  keys: number
  keyspaces: number
  overflowValues: number
  logRecords: number
  freePages: number
  /** Meta pages A and B (0, 1 or 2 written). */
  metaPages: number
  /** Every page of the file below the meta's page count, reachable or not (checksum, type, self number). */
  filePages: number
  logSegments: number
}

/** Codes that mean "the stored bytes are damaged": reported as problems rather than raised. */
const DAMAGE_CODES = new Set(['CORRUPT_PAGE', 'CORRUPT_LOG', 'CORRUPT_META', 'TREE_INVARIANT', 'FORMAT_UNSUPPORTED', 'TXN_NOT_FOUND'])
const ALL_PAGE_TYPES = Object.values(PageType)

interface Findings {
  readonly problems: VerifyProblem[]
  readonly warnings: VerifyProblem[]
  readonly checked: Checked
}

/**
 * Verifies the database at `path` without changing it (beyond what opening does:
 * recovery may truncate a torn log tail). Runs the engine's `db.verify()` (every
 * reachable page re-read from disk, page ownership, tree invariants, log records)
 * and adds whole-file checks: both meta pages, the checksum of every page in the
 * file (free ones too), and every commit-log frame with `verifyLog`. Damage is
 * collected as problems, never thrown; `DB_LOCKED` and I/O errors are thrown.
 *
 * @example
 * const report = await verifyDatabase({ path: './data' })
 * if (!report.ok) for (const problem of report.problems) console.error(problem.code, problem.message)
 */
export async function verifyDatabase(args: { readonly path: string; readonly progress?: ProgressBar }): Promise<VerifyReport> {
  const findings: Findings = {
    problems: [],
    warnings: [],
    checked: { pages: 0, keys: 0, keyspaces: 0, overflowValues: 0, logRecords: 0, freePages: 0, metaPages: 0, filePages: 0, logSegments: 0 },
  }
  let database: Database | undefined
  try {
    database = await open({ path: args.path, durability: 'strict', checkpointIntervalMs: 0 })
  } catch (error) {
    record(findings, error)
  }
  try {
    if (database !== undefined) {
      const report = database.verify({ onProgress: (done, total) => args.progress?.update(done, total) })
      Object.assign(findings.checked, report.checked)
      for (const problem of report.problems) addProblem(findings, problem)
    }
    checkPageFile(findings, join(args.path, PAGE_FILE_NAME), args.progress)
    checkLog(findings, join(args.path, LOG_DIRECTORY_NAME), database === undefined)
  } finally {
    args.progress?.finish()
    await database?.close()
  }
  return { ok: findings.problems.length === 0, path: args.path, problems: findings.problems, warnings: findings.warnings, checked: findings.checked }
}

/** Adds a problem unless the same damage (same page, or same log file) is already listed. */
function addProblem(findings: Findings, problem: VerifyProblem): void {
  const page = problem.details?.page
  const file = problem.details?.file
  const duplicate = findings.problems.some(existing =>
    existing.message === problem.message ||
    (page !== undefined && existing.code === problem.code && existing.details?.page === page) ||
    (file !== undefined && problem.code !== 'CORRUPT_PAGE' && existing.code === problem.code && existing.details?.file === file))
  if (!duplicate) findings.problems.push(problem)
}

function record(findings: Findings, error: unknown): void {
  if (!LivingDbError.isInstance(error) || !DAMAGE_CODES.has(error.code)) throw error
  addProblem(findings, { code: error.code, message: error.message, details: error.details })
}

function checkPageFile(findings: Findings, file: string, progress: ProgressBar | undefined): void {
  const stat = statSync(file, { throwIfNoEntry: false })
  if (stat === undefined) {
    findings.warnings.push({ code: 'CORRUPT_PAGE', message: `There is no page file ${file}; the next open rebuilds it from the commit log.`, details: { file } })
    return
  }
  const descriptor = openSync(file, 'r')
  try {
    const read = (position: number, length: number): Uint8Array => {
      const buffer = new Uint8Array(length)
      const got = readSync(descriptor, buffer, 0, length, position)
      return buffer.subarray(0, got)
    }
    const metas = readMetas(findings, read, file, stat.size)
    const newest = metas.filter((meta): meta is Meta => meta !== undefined).sort((left, right) => right.sequence - left.sequence)[0]
    if (newest === undefined) return
    const pageCount = Math.min(newest.pageCount, Math.floor(stat.size / newest.pageSize))
    if (newest.pageCount * newest.pageSize > stat.size) {
      addProblem(findings, { code: 'CORRUPT_PAGE', message: `The page file ${file} is ${stat.size} bytes but its meta page says it holds ${newest.pageCount} pages of ${newest.pageSize} bytes: it was truncated. Restore it from a backup, or delete it to rebuild from a complete commit log.`, details: { file, size: stat.size, pageCount: newest.pageCount } })
    }
    for (let page = 2; page < pageCount; page++) {
      try {
        openPage(read(page * newest.pageSize, newest.pageSize), page, ALL_PAGE_TYPES)
      } catch (error) {
        record(findings, error)
      }
      findings.checked.filePages++
      progress?.update(page + 1, pageCount)
    }
  } finally {
    closeSync(descriptor)
  }
}

/** Decodes meta page A (page 0) and B (page 1, whose offset depends on the page size A or the file reveals). */
function readMetas(findings: Findings, read: (position: number, length: number) => Uint8Array, file: string, size: number): (Meta | undefined)[] {
  const attempt = (slot: number, offset: number): Meta | LivingDbError | 'empty' => {
    const bytes = read(offset, META_BYTES)
    if (bytes.length === 0 || bytes.every(byte => byte === 0)) return 'empty'
    try {
      return decodeMeta(bytes, slot)
    } catch (error) {
      if (LivingDbError.isInstance(error) && DAMAGE_CODES.has(error.code)) return error
      throw error
    }
  }
  const first = attempt(0, 0)
  let pageSize = first instanceof LivingDbError || first === 'empty' ? undefined : first.pageSize
  let second: Meta | LivingDbError | 'empty' = 'empty'
  if (pageSize !== undefined) {
    second = attempt(1, pageSize)
  } else {
    for (let candidate = MIN_PAGE_SIZE; candidate <= MAX_PAGE_SIZE && candidate < size; candidate *= 2) {
      const found = attempt(1, candidate)
      if (found !== 'empty' && !(found instanceof LivingDbError) && found.pageSize === candidate) {
        second = found
        pageSize = candidate
        break
      }
    }
  }
  const results = [first, second]
  const valid = results.filter((result): result is Meta => result !== 'empty' && !(result instanceof LivingDbError))
  results.forEach((result, slot) => {
    if (result === 'empty') return
    findings.checked.metaPages++
    if (!(result instanceof LivingDbError)) return
    // With the other meta valid the database still opens (from the older checkpoint, replaying the log), and the next checkpoint rewrites this slot; the bad checksum is still damage on disk.
    const fallback = valid.length > 0 ? ` The database still opens from meta page ${1 - slot} (checkpoint txn ${valid[0]!.checkpointTxnId}) and the next checkpoint rewrites this one; if the damage comes back, check the disk.` : ''
    addProblem(findings, { code: result.code, message: `Meta page ${slot} of ${file}: ${result.message}${fallback}`, details: { ...result.details, file, slot } })
  })
  if (valid.length === 0 && !findings.problems.some(problem => problem.code === 'CORRUPT_META' || problem.code === 'FORMAT_UNSUPPORTED')) {
    addProblem(findings, { code: 'CORRUPT_META', message: `Neither meta page of ${file} is valid, so the database cannot find its last checkpoint. Restore the page file from a backup, or delete it to rebuild from a complete commit log.`, details: { file } })
  }
  return results.map(result => (result === 'empty' || result instanceof LivingDbError ? undefined : result))
}

function checkLog(findings: Findings, directory: string, countRecords: boolean): void {
  const report = verifyLog({ fs: new NodeFileSystem(), directory })
  findings.checked.logSegments += report.segments.length
  if (countRecords) findings.checked.logRecords += report.records
  if (report.tornTail !== undefined) {
    const { file, offset, bytes } = report.tornTail
    findings.warnings.push({ code: 'CORRUPT_LOG', message: `The last ${bytes} bytes of ${file} (from byte ${offset}) are an incomplete record: a write torn by a crash, never acknowledged. The next open truncates them.`, details: { file, offset, bytes } })
  }
  for (const problem of report.problems) {
    const code = problem.kind === 'unsupported' ? 'FORMAT_UNSUPPORTED' : 'CORRUPT_LOG'
    const unscanned = report.unscannedFiles.length === 0 ? '' : ` ${report.unscannedFiles.length} later segment file(s) were not checked.`
    addProblem(findings, { code, message: `Commit log: ${problem.message}${unscanned}`, details: { file: problem.file, offset: problem.offset, reason: problem.reason } })
  }
}
