import { LivingDbError } from '../../errors/index.js'
import { open } from './open.js'
import type { OpenOptions } from './options.js'
import type { VerifyReport } from './verify.js'

const DAMAGE_CODES = new Set(['CORRUPT_PAGE', 'CORRUPT_LOG', 'CORRUPT_META', 'TREE_INVARIANT', 'FORMAT_UNSUPPORTED'])

/**
 * Opens the database at `options.path`, verifies it (see `Database.verify`)
 * and closes it. Damage found while opening (a bad meta, mid-log corruption)
 * is reported as a problem rather than thrown; other errors (`DB_LOCKED`...) throw.
 *
 * @example
 * const report = await verify({ path: './data' })
 * if (!report.ok) console.error(report.problems)
 */
export async function verify(options: OpenOptions & { readonly onProgress?: (done: number, total: number) => void }): Promise<VerifyReport> {
  let database
  try {
    database = await open({ ...options, checkpointIntervalMs: 0 })
  } catch (error) {
    if (LivingDbError.isInstance(error) && DAMAGE_CODES.has(error.code)) {
      return {
        ok: false,
        problems: [{ code: error.code, message: error.message, details: error.details }],
        checked: { pages: 0, keys: 0, keyspaces: 0, overflowValues: 0, logRecords: 0, freePages: 0 },
      }
    }
    throw error
  }
  try {
    return database.verify({ onProgress: options.onProgress })
  } finally {
    await database.close()
  }
}
