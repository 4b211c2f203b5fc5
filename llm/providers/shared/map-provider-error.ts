import { ModelCallError, type ModelCallErrorCode } from '../../spec/index.js'
import type { CallSignal } from './call-signal.js'
import { parseRetryAfterMs, type HeaderReader } from './retry-after.js'

/** Which model failed, and how to tell the user to fix credentials. */
export interface ModelIdentity {
  readonly provider: string
  readonly modelId: string
  /** The setting that holds this provider's key, named in auth errors (e.g. 'OPENAI_API_KEY'). */
  readonly keySetting?: string
  readonly timeoutMs: number
}

interface HttpFailure {
  readonly status: number
  readonly headers: HeaderReader | undefined
  readonly message: string
}

function isHeaderReader(value: unknown): value is HeaderReader {
  return typeof value === 'object' && value !== null && typeof (value as HeaderReader).get === 'function'
}

/** Reads status, headers and message off the official clients' error objects (openai/anthropic `status`, ollama `status_code`). */
function httpFailureOf(error: unknown, fallbackHeaders: HeaderReader | undefined): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const record = error as Record<string, unknown>
  const status = typeof record.status === 'number' ? record.status : typeof record.status_code === 'number' ? record.status_code : undefined
  if (status === undefined) return undefined
  const headers = isHeaderReader(record.headers) ? record.headers : fallbackHeaders
  const message = typeof record.message === 'string' ? record.message : `HTTP ${status}`
  return { status, headers, message }
}

function describe(identity: ModelIdentity): string {
  return `${identity.provider} model "${identity.modelId}"`
}

function fromHttpFailure(failure: HttpFailure, identity: ModelIdentity, cause: unknown): ModelCallError {
  const { status } = failure
  const reply = `HTTP ${status}: ${failure.message.replace(/^\d{3}\s+/, '')}`
  const base = { provider: identity.provider, modelId: identity.modelId, statusCode: status, cause }
  const make = (code: ModelCallErrorCode, message: string, isRetryable: boolean, retryAfterMs?: number): ModelCallError =>
    new ModelCallError(code, message, { ...base, isRetryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
  if (status === 401 || status === 403) {
    const fix = identity.keySetting === undefined ? 'Check the credentials the endpoint expects.' : `Check ${identity.keySetting} (or the apiKey passed in code).`
    return make('MODEL_AUTH_FAILED', `The ${describe(identity)} rejected the credentials (${reply}). ${fix}`, false)
  }
  if (status === 404) {
    return make('MODEL_NOT_FOUND', `The ${describe(identity)} was not found (${reply}). Check the model name in the model id and the base URL.`, false)
  }
  const retryAfterMs = parseRetryAfterMs(failure.headers)
  if (status === 429) {
    const wait = retryAfterMs === undefined ? '' : ` The provider asked to wait ${retryAfterMs} ms.`
    return make('MODEL_RATE_LIMITED', `The ${describe(identity)} is rate limited (${reply}).${wait} The rate-limit guard retries this with backoff; lower the request rate or raise the provider quota if it persists.`, true, retryAfterMs)
  }
  if (status === 408) {
    return make('MODEL_TIMEOUT', `The ${describe(identity)} timed out on the provider side (${reply}). Retry later or send a shorter request.`, true, retryAfterMs)
  }
  if (status >= 500 || status === 409) {
    return make('MODEL_CALL_FAILED', `The ${describe(identity)} failed on the provider side (${reply}). This is usually temporary; the call may be retried.`, true, retryAfterMs)
  }
  return make('MODEL_CALL_FAILED', `The ${describe(identity)} rejected the request (${reply}). Fix the request (messages, tools, schema or options); retrying will not help.`, false)
}

/** The official clients set `name` to 'Error'; their class names tell the kinds apart. */
function kindOf(error: unknown): string {
  if (!(error instanceof Error)) return ''
  const className = error.constructor.name
  return className !== '' && className !== 'Error' ? className : error.name
}

function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (kindOf(error) === 'APIConnectionError') return true
  if (error instanceof TypeError && /fetch failed|network|socket|terminated/i.test(error.message)) return true
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+)$/.test(code)
}

/**
 * Maps whatever an official client threw into a {@link ModelCallError} with a
 * stable code and `isRetryable` (429, 5xx, timeouts and dropped connections
 * retryable; 400, 401, 403, 404 not). An error that already is a `ModelCallError`
 * passes through unchanged.
 */
export function toModelCallError(args: {
  readonly error: unknown
  readonly identity: ModelIdentity
  readonly callSignal?: CallSignal
  /** Headers of the last HTTP response, for clients whose errors do not carry them (ollama). */
  readonly responseHeaders?: HeaderReader
}): ModelCallError {
  const { error, identity } = args
  if (error instanceof ModelCallError) return error
  const base = { provider: identity.provider, modelId: identity.modelId, cause: error }
  if (args.callSignal?.timedOut()) {
    return new ModelCallError('MODEL_TIMEOUT', `The ${describe(identity)} did not answer within ${identity.timeoutMs} ms. Raise timeoutMs (or LIVINGDB_MODEL_TIMEOUT_MS) or check that the server is healthy.`, { ...base, isRetryable: true })
  }
  if (args.callSignal?.abortedByCaller()) {
    return new ModelCallError('MODEL_ABORTED', `The call to the ${describe(identity)} was aborted by the caller.`, { ...base, isRetryable: false })
  }
  const failure = httpFailureOf(error, args.responseHeaders)
  if (failure !== undefined) return fromHttpFailure(failure, identity, error)
  const text = error instanceof Error ? error.message : String(error)
  if (kindOf(error) === 'APIConnectionTimeoutError') {
    return new ModelCallError('MODEL_TIMEOUT', `The ${describe(identity)} did not answer in time (${text}). Raise timeoutMs (or LIVINGDB_MODEL_TIMEOUT_MS).`, { ...base, isRetryable: true })
  }
  if (isConnectionFailure(error)) {
    return new ModelCallError('MODEL_CALL_FAILED', `Could not reach the ${describe(identity)} (${text}). Check the base URL and that the server is running.`, { ...base, isRetryable: true })
  }
  if (error instanceof SyntaxError) {
    return malformedReply({ identity, problem: `the body is not valid JSON (${text})`, cause: error })
  }
  return new ModelCallError('MODEL_CALL_FAILED', `The call to the ${describe(identity)} failed: ${text}`, { ...base, isRetryable: false })
}

/** The provider answered 2xx but the body is not what its documented format promises. */
export function malformedReply(args: { readonly identity: ModelIdentity; readonly problem: string; readonly cause?: unknown }): ModelCallError {
  const { identity } = args
  return new ModelCallError(
    'MODEL_CALL_FAILED',
    `The ${describe(identity)} sent a malformed reply: ${args.problem}. Check that the base URL points at a real ${identity.provider} endpoint.`,
    { provider: identity.provider, modelId: identity.modelId, isRetryable: false, cause: args.cause, details: { malformed: true } },
  )
}
