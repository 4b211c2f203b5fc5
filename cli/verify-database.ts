import { LivingDbError } from '../errors/index.js'
import { open } from '../index.js'
import type { ProgressBar } from './progress-bar.js'

/** One thing `verify` found wrong. */
export interface VerifyProblem {
  readonly code: string
  readonly message: string
  readonly details?: Readonly<Record<string, unknown>>
}

/** What `livingdb verify` reports. */
export interface VerifyReport {
  readonly ok: boolean
  readonly path: string
  readonly problems: readonly VerifyProblem[]
  /** How many of each thing were checked (`pages`, `keys`, `logRecords`...). */
  readonly checked: Readonly<Record<string, number>>
}

/** Codes that mean "the stored bytes are damaged", reported as problems rather than raised. */
const DAMAGE_CODES = new Set(['CORRUPT_PAGE', 'CORRUPT_LOG', 'CORRUPT_META', 'TREE_INVARIANT', 'FORMAT_UNSUPPORTED'])

/**
 * Verifies the database at `path`: opens it (damage found while opening is a
 * problem, not a crash) and runs the engine's full check.
 */
export async function verifyDatabase(args: { readonly path: string; readonly progress?: ProgressBar }): Promise<VerifyReport> {
  let database
  try {
    database = await open({ path: args.path, durability: 'strict' })
  } catch (error) {
    if (LivingDbError.isInstance(error) && DAMAGE_CODES.has(error.code)) {
      return { ok: false, path: args.path, problems: [{ code: error.code, message: error.message, details: error.details }], checked: {} }
    }
    throw error
  }
  try {
    throw new LivingDbError('NOT_IMPLEMENTED', `verify is waiting for the engine's verify function; ${database === undefined ? '' : 'the database opened cleanly.'}`)
  } finally {
    args.progress?.finish()
    await database.close()
  }
}
