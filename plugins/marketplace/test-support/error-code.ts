// TEST SUPPORT ONLY: the livingdb error code a call throws.
import { LivingDbError } from '../../../errors/index.js'

/** Runs `run` and returns the code of the LivingDbError it throws (undefined when it returns); rethrows anything else. */
export function errorCodeOf(run: () => unknown): string | undefined {
  try {
    run()
    return undefined
  } catch (error) {
    if (!LivingDbError.isInstance(error)) throw error
    return error.code
  }
}
