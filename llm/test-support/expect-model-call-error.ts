import { expect } from 'vitest'
import { ModelCallError } from '../spec/index.js'

/** Awaits a call that must fail and checks the ModelCallError it threw. */
export async function expectModelCallError(
  call: Promise<unknown>,
  expected: { readonly code: string; readonly isRetryable: boolean; readonly retryAfterMs?: number; readonly message?: RegExp },
): Promise<ModelCallError> {
  let caught: unknown
  try {
    await call
  } catch (error) {
    caught = error
  }
  expect(caught, 'the call should have failed').toBeInstanceOf(ModelCallError)
  const error = caught as ModelCallError
  expect({ code: error.code, isRetryable: error.isRetryable }).toEqual({ code: expected.code, isRetryable: expected.isRetryable })
  if (expected.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(expected.retryAfterMs)
  if (expected.message !== undefined) expect(error.message).toMatch(expected.message)
  expect(error.details.isRetryable).toBe(expected.isRetryable)
  return error
}
