import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Commit, Keyspace, Snapshot } from '../index.js'
import type { AskFunction } from './ask-function.js'
import type { TokenRecord, TokenScope, TokenStore } from './token-store.js'

/** The HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE'

/**
 * What the server needs from an open database, as a structural type: the engine's
 * `Database` and the composed database from `open()` both satisfy it.
 */
export interface ServerDatabase {
  read<T>(reader: (snapshot: Snapshot) => T): T
  readAt<T>(txnId: number, reader: (snapshot: Snapshot) => T): T
  keyspace(name: string): Pick<Keyspace, 'put' | 'write'>
  commits(options?: { readonly from?: number }): AsyncIterableIterator<Commit>
  stats(): { readonly txnId: number }
}

/** Limits the server enforces on every request. */
export interface ServerLimits {
  /** Largest request body in bytes (default 1 MiB). */
  readonly maxBodyBytes: number
  /** Default and largest page size of `GET /v1/scan` (100 and 1,000). */
  readonly defaultScanLimit: number
  readonly maxScanLimit: number
  /** Open `GET /v1/commits` streams at once (default 64). */
  readonly maxStreams: number
  /** Milliseconds between keep-alive comments on a commit stream (default 15,000). */
  readonly heartbeatMs: number
}

/** What every route handler receives. */
export interface RouteContext {
  readonly request: IncomingMessage
  readonly response: ServerResponse
  readonly url: URL
  /** Decoded path parameters (`{key}`). */
  readonly params: Readonly<Record<string, string>>
  /** The authenticated token (undefined on public routes). */
  readonly token: TokenRecord | undefined
  readonly db: ServerDatabase
  readonly tokens: TokenStore
  readonly ask: AskFunction | undefined
  readonly limits: ServerLimits
  /** Keyspaces only admin tokens may write (besides `sys`, which only admin tokens may read). */
  readonly protectedKeyspaces: ReadonlySet<string>
  /** Registers cleanup for a long-lived response (commit streams) that the server runs on close. */
  readonly onServerClose: (cleanup: () => void) => () => void
  /** Counts open commit streams (for {@link ServerLimits.maxStreams}). */
  readonly streams: { count: number }
}

/**
 * One API route. `path` is written as in the OpenAPI document (`/v1/kv/{key}`);
 * a parameter named in `greedy` also matches slashes (keys like `notes/2026/1`).
 * `scope` is the weakest token scope allowed, or `public` for no token.
 *
 * @example
 * const health: Route = { method: 'GET', path: '/v1/health', scope: 'public', operationId: 'health', handle: ({ response }) => sendJson(response, 200, { ok: true }) }
 */
export interface Route {
  readonly method: HttpMethod
  readonly path: string
  readonly scope: TokenScope | 'public'
  /** The operationId in the OpenAPI document. */
  readonly operationId: string
  readonly greedy?: string
  readonly handle: (context: RouteContext) => Promise<void> | void
}

/** A route compiled for matching. */
export interface CompiledRoute extends Route {
  readonly pattern: RegExp
  readonly paramNames: readonly string[]
}

/** Compiles `{name}` placeholders into a regular expression (greedy parameters match `/` too). */
export function compileRoute(route: Route): CompiledRoute {
  const paramNames: string[] = []
  const source = route.path
    .split(/(\{[a-zA-Z]+\})/)
    .map(part => {
      const match = /^\{([a-zA-Z]+)\}$/.exec(part)
      if (match === null) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      paramNames.push(match[1]!)
      return match[1] === route.greedy ? '(.+)' : '([^/]+)'
    })
    .join('')
  return { ...route, pattern: new RegExp(`^${source}$`), paramNames }
}

/** The routes matching a path (any method), with the parameters of each. */
export function matchPath(routes: readonly CompiledRoute[], pathname: string): { route: CompiledRoute; params: Record<string, string> }[] {
  const matches: { route: CompiledRoute; params: Record<string, string> }[] = []
  for (const route of routes) {
    const found = route.pattern.exec(pathname)
    if (found === null) continue
    const params: Record<string, string> = {}
    route.paramNames.forEach((name, index) => {
      params[name] = found[index + 1]!
    })
    matches.push({ route, params })
  }
  return matches
}
