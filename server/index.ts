/**
 * The livingdb HTTP API (`livingdb serve`): records, scans, time travel, the
 * commit stream as server-sent events, natural-language questions and token
 * management over node:http. See docs/server.md.
 */
export { startServer, API_ROUTES, DEFAULT_LIMITS, DEFAULT_PORT, type RunningServer, type StartServerOptions } from './livingdb-server.js'
export { TokenStore, TOKEN_SCOPES, scopeAllows, tokenFilePath, type TokenScope, type TokenRecord, type CreatedToken } from './token-store.js'
export { RateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions, type RateDecision } from './rate-limiter.js'
export { askRequestSchema, type AskFunction, type AskRequest } from './ask-function.js'
export { openApiDocument } from './openapi-document.js'
export { httpStatusOf } from './http-response.js'
export type { Route, RouteContext, ServerDatabase, ServerLimits, HttpMethod } from './route.js'
