import type { IncomingMessage, ServerResponse } from 'node:http'
import { LivingDbError, type ErrorCode } from '../errors/index.js'

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  SCOPE_DENIED: 403,
  ROUTE_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  TXN_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  CARTRIDGE_QUERY_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  WRITE_BUSY: 409,
  REQUEST_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  MODEL_RATE_LIMITED: 429,
  BUDGET_EXCEEDED: 402,
  NOT_IMPLEMENTED: 501,
  SERVER_BUSY: 503,
  DB_CLOSED: 503,
  MODEL_TIMEOUT: 504,
  MODEL_CALL_FAILED: 502,
  MODEL_AUTH_FAILED: 502,
}

const BAD_REQUEST_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'REQUEST_INVALID', 'INVALID_ARGUMENT', 'INVALID_KEY', 'INVALID_VALUE', 'KEY_TOO_LARGE', 'VALUE_TOO_LARGE', 'KEYSPACE_INVALID', 'CARTRIDGE_QUERY_INVALID',
])

/** The HTTP status for a livingdb error code: 400 for bad input, 4xx/5xx per the table in docs/server.md, 500 otherwise. */
export function httpStatusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? (BAD_REQUEST_CODES.has(code) ? 400 : 500)
}

/** The JSON error body, `{"error": {"code", "message", "details"?}}`, and its status. Unknown errors become `UNEXPECTED_ERROR` without internals. */
export function errorResponse(error: unknown): { readonly status: number; readonly body: { readonly error: { readonly code: string; readonly message: string; readonly details?: unknown } } } {
  if (LivingDbError.isInstance(error)) {
    const details = Object.keys(error.details).length === 0 ? undefined : error.details
    return { status: httpStatusOf(error.code), body: { error: { code: error.code, message: error.message, ...(details === undefined ? {} : { details }) } } }
  }
  return { status: 500, body: { error: { code: 'UNEXPECTED_ERROR', message: 'The server failed to handle this request (a bug in livingdb; the server log has the stack trace).' } } }
}

/** Writes a JSON body with the status and the usual API headers. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  })
  response.end(text)
}

/** A request-shape error (`REQUEST_INVALID`, HTTP 400). */
export function invalidRequest(message: string, details?: Readonly<Record<string, unknown>>): LivingDbError {
  return new LivingDbError('REQUEST_INVALID', message, details === undefined ? {} : { details })
}

/**
 * Reads the request body, refusing more than `maxBytes` (by Content-Length up
 * front, and by counting while streaming) with `REQUEST_TOO_LARGE`.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw tooLarge(maxBytes)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Reads and parses a JSON request body (`REQUEST_INVALID` when it is not JSON). */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readBody(request, maxBytes)
  if (body.length === 0) throw invalidRequest('The request needs a JSON body. Send Content-Type: application/json with an object.')
  try {
    return JSON.parse(body.toString('utf8')) as unknown
  } catch (error) {
    throw invalidRequest(`The request body is not valid JSON (${(error as Error).message}).`)
  }
}

function tooLarge(maxBytes: number): LivingDbError {
  return new LivingDbError('REQUEST_TOO_LARGE', `The request body is larger than ${maxBytes} bytes. Send smaller values, or start the server with a larger --max-body-bytes.`, { details: { maxBytes } })
}
