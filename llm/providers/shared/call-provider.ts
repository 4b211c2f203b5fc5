import { createCallSignal, type CallSignal } from './call-signal.js'
import { toModelCallError, type ModelIdentity } from './map-provider-error.js'
import type { HeaderReader } from './retry-after.js'

/**
 * Runs one provider request under a call signal (caller abort + whole-reply
 * timeout) and maps anything it throws to a `ModelCallError`. Every provider's
 * `doGenerate` / `doEmbed` goes through here.
 */
export async function callProvider<T>(args: {
  readonly identity: ModelIdentity
  readonly abortSignal?: AbortSignal | undefined
  /** Headers of the last response, for clients whose errors do not carry them. */
  readonly responseHeaders?: () => HeaderReader | undefined
  readonly run: (callSignal: CallSignal) => Promise<T>
}): Promise<T> {
  const callSignal = createCallSignal({ timeoutMs: args.identity.timeoutMs, ...(args.abortSignal === undefined ? {} : { abortSignal: args.abortSignal }) })
  try {
    return await args.run(callSignal)
  } catch (error) {
    const responseHeaders = args.responseHeaders?.()
    throw toModelCallError({ error, identity: args.identity, callSignal, ...(responseHeaders === undefined ? {} : { responseHeaders }) })
  } finally {
    callSignal.dispose()
  }
}
