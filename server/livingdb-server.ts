import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { packageVersion } from '../cli/package-root.js'
import { LivingDbError } from '../errors/index.js'
import { ASK_AND_ADMIN_ROUTES } from './ask-and-admin-routes.js'
import type { AskFunction } from './ask-function.js'
import { COMMIT_ROUTES } from './commits-route.js'
import { errorResponse, sendJson } from './http-response.js'
import { KV_ROUTES } from './kv-routes.js'
import { openApiDocument } from './openapi-document.js'
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limiter.js'
import { compileRoute, matchPath, type CompiledRoute, type Route, type RouteContext, type ServerDatabase, type ServerLimits } from './route.js'
import { scopeAllows, type TokenRecord, type TokenStore } from './token-store.js'

/** Options of {@link startServer}. */
export interface StartServerOptions {
  readonly db: ServerDatabase
  readonly tokens: TokenStore
  /** Runs `POST /v1/ask`; without it that route answers 501 NOT_IMPLEMENTED. */
  readonly ask?: AskFunction
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string
  /** Port (default 7411; 0 picks a free one). */
  readonly port?: number
  readonly limits?: Partial<ServerLimits>
  /** Keyspaces that only admin tokens may write, e.g. the cartridges' index keyspaces (`sys` is always admin-only). */
  readonly protectedKeyspaces?: readonly string[]
  /** Per-token request limit, or false for none. */
  readonly rateLimit?: RateLimitOptions | false
  /** Clock for the rate limiter (tests). */
  readonly now?: () => number
  /** Called with errors that are bugs (not LivingDbErrors), for the server log. */
  readonly onUnexpectedError?: (error: unknown) => void
}

/** A listening server. */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** Ends commit streams, stops accepting requests and closes connections. Does not close the database. */
  close(): Promise<void>
}

/** The default port of `livingdb serve`. */
export const DEFAULT_PORT = 7411

/** The limits used when not overridden. */
export const DEFAULT_LIMITS: ServerLimits = { maxBodyBytes: 1024 * 1024, defaultScanLimit: 100, maxScanLimit: 1000, maxStreams: 64, heartbeatMs: 15_000 }

const openApi: Route = {
  method: 'GET',
  path: '/v1/openapi.json',
  scope: 'public',
  operationId: 'openApi',
  handle(context) {
    sendJson(context.response, 200, openApiDocument({ version: packageVersion(), serverUrl: `http://${context.request.headers.host ?? 'localhost'}` }))
  },
}

/** Every route of the HTTP API. */
export const API_ROUTES: readonly Route[] = [...KV_ROUTES, ...COMMIT_ROUTES, ...ASK_AND_ADMIN_ROUTES, openApi]

/**
 * Serves one open database over HTTP on node:http: records, scans, time
 * travel, the commit stream (server-sent events), questions, and token
 * management, with bearer-token auth, per-token rate limits, request size
 * limits and JSON errors carrying livingdb error codes. See docs/server.md.
 *
 * @example
 * const server = await startServer({ db, tokens: new TokenStore({ databasePath: './data' }), port: 0 })
 * await fetch(`${server.url}/v1/kv/notes/1`, { headers: { authorization: `Bearer ${token}` } })
 * await server.close()
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const routes = API_ROUTES.map(compileRoute)
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const limiter = options.rateLimit === false ? undefined : new RateLimiter({ limit: options.rateLimit ?? DEFAULT_RATE_LIMIT, ...(options.now === undefined ? {} : { now: options.now }) })
  const closers = new Set<() => void>()
  const streams = { count: 0 }
  const shared = { db: options.db, tokens: options.tokens, ask: options.ask, limits, streams, protectedKeyspaces: new Set(options.protectedKeyspaces ?? []), onServerClose: (cleanup: () => void) => (closers.add(cleanup), () => closers.delete(cleanup)) }

  const server: Server = createServer((request, response) => {
    handleRequest({ request, response, routes, limiter, shared }).catch((error: unknown) => {
      if (!LivingDbError.isInstance(error)) options.onUnexpectedError?.(error)
      respondWithError(request, response, error)
    })
  })
  server.headersTimeout = 20_000
  server.requestTimeout = 60_000
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  let closing: Promise<void> | undefined
  const address = server.address() as AddressInfo
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const cleanup of [...closers]) cleanup()
        server.close(error => (error ? reject(error) : resolve()))
        server.closeIdleConnections()
        // Requests still running get a second to finish before their connections are cut.
        setTimeout(() => server.closeAllConnections(), 1_000).unref()
      })
      return closing
    },
  }
}

interface HandleArgs {
  readonly request: IncomingMessage
  readonly response: ServerResponse
  readonly routes: readonly CompiledRoute[]
  readonly limiter: RateLimiter | undefined
  readonly shared: Pick<RouteContext, 'db' | 'tokens' | 'ask' | 'limits' | 'streams' | 'protectedKeyspaces' | 'onServerClose'>
}

async function handleRequest(args: HandleArgs): Promise<void> {
  const { request, response } = args
  const url = new URL(request.url ?? '/', 'http://localhost')
  const matches = matchPath(args.routes, url.pathname)
  if (matches.length === 0) throw new LivingDbError('ROUTE_NOT_FOUND', `No API route at ${url.pathname}. The routes are listed in /v1/openapi.json.`, { details: { path: url.pathname } })
  const match = matches.find(candidate => candidate.route.method === request.method)
  if (match === undefined) {
    const allowed = matches.map(candidate => candidate.route.method).join(', ')
    response.setHeader('allow', allowed)
    throw new LivingDbError('METHOD_NOT_ALLOWED', `${url.pathname} accepts ${allowed}, not ${request.method ?? '?'}.`, { details: { allowed } })
  }
  const { route } = match
  const token = route.scope === 'public' ? undefined : authenticate(request, args.shared.tokens)
  if (token !== undefined && route.scope !== 'public' && !scopeAllows(token.scope, route.scope)) {
    throw new LivingDbError('SCOPE_DENIED', `${route.method} ${route.path} needs a ${route.scope} token; token ${token.id} (${token.name}) has scope ${token.scope}.`, { details: { needed: route.scope, held: token.scope } })
  }
  if (token !== undefined && args.limiter !== undefined) {
    const decision = args.limiter.take(token.id)
    if (!decision.allowed) {
      response.setHeader('retry-after', String(decision.retryAfterSeconds))
      throw new LivingDbError('RATE_LIMITED', `Token ${token.id} (${token.name}) is over its rate limit. Retry after ${decision.retryAfterSeconds} s.`, { details: { retryAfterSeconds: decision.retryAfterSeconds } })
    }
  }
  const params: Record<string, string> = {}
  for (const [name, raw] of Object.entries(match.params)) {
    try {
      params[name] = decodeURIComponent(raw)
    } catch {
      throw new LivingDbError('REQUEST_INVALID', `Path parameter ${name} is not valid percent-encoding: ${JSON.stringify(raw)}.`, { details: { parameter: name } })
    }
  }
  await route.handle({ ...args.shared, request, response, url, params, token })
}

function authenticate(request: IncomingMessage, tokens: TokenStore): TokenRecord {
  const header = request.headers.authorization
  if (header === undefined || header === '') {
    throw new LivingDbError('AUTH_REQUIRED', 'This route needs a token: send Authorization: Bearer <token>. Create one with `livingdb tokens create --scope read`.')
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  const record = match === null ? undefined : tokens.verify(match[1]!)
  if (record === undefined) {
    throw new LivingDbError('AUTH_INVALID', 'The bearer token is unknown, malformed or revoked. `livingdb tokens list` shows the valid tokens; create a new one with `livingdb tokens create`.')
  }
  return record
}

function respondWithError(request: IncomingMessage, response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy()
    return
  }
  const { status, body } = errorResponse(error)
  // Discard any unread body so the connection can answer; a too-large body closes the connection.
  request.resume()
  const close = LivingDbError.isInstance(error) && error.code === 'REQUEST_TOO_LARGE'
  sendJson(response, status, body, close ? { connection: 'close' } : {})
}
