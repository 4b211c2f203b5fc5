import { LivingDbError } from '../../errors/index.js'

/** Runs a synchronous action that must throw a LivingDbError, and returns it. */
export function catchLivingDbError(action: () => unknown): LivingDbError {
  try {
    action()
  } catch (error) {
    if (LivingDbError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected a LivingDbError, but nothing was thrown')
}
