import { z } from 'zod'
import { encodeRecord } from '../cli/jsonl-record.js'
import { LivingDbError } from '../errors/index.js'
import { askRequestSchema } from './ask-function.js'
import { invalidRequest, readJsonBody, sendJson } from './http-response.js'
import type { Route } from './route.js'
import { TOKEN_SCOPES } from './token-store.js'

/** The body of `POST /v1/tokens`. */
export const createTokenRequestSchema = z
  .object({
    scope: z.enum(TOKEN_SCOPES as unknown as ['read', 'write', 'admin']).describe('What the token may do.'),
    name: z.string().min(1).max(64).optional().describe('A unique label (letters, digits, . _ @ : -).'),
  })
  .strict()

/** Result values that are bytes travel as base64 with `valueEncoding`, like the kv routes. */
function encodeResults(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || !Array.isArray((result as { results?: unknown }).results)) return result
  const body = result as { results: unknown[] }
  return {
    ...body,
    results: body.results.map(item => {
      if (typeof item !== 'object' || item === null) return item
      const entry = item as { key?: unknown; value?: unknown }
      if (!(entry.value instanceof Uint8Array) && !(entry.key instanceof Uint8Array)) return item
      return { ...entry, ...encodeRecord(entry.key as string | Uint8Array, entry.value) }
    }),
  }
}

const ask: Route = {
  method: 'POST',
  path: '/v1/ask',
  scope: 'read',
  operationId: 'ask',
  async handle(context) {
    const parsed = askRequestSchema.safeParse(await readJsonBody(context.request, context.limits.maxBodyBytes))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw invalidRequest(`The body must be {"question": "...", "asOf"?, "limit"?, "explain"?, "answer"?}: ${issue === undefined ? 'invalid' : `${issue.path.join('.') || 'body'}: ${issue.message}`}.`)
    }
    if (context.ask === undefined) {
      throw new LivingDbError('NOT_IMPLEMENTED', 'This server was started without a question planner, so POST /v1/ask is unavailable. Start it with `livingdb serve`, which wires ask() from queries/.')
    }
    const { question, ...options } = parsed.data
    sendJson(context.response, 200, encodeResults(await context.ask({ question, options })))
  },
}

const listTokens: Route = {
  method: 'GET',
  path: '/v1/tokens',
  scope: 'admin',
  operationId: 'listTokens',
  handle(context) {
    sendJson(context.response, 200, { tokens: context.tokens.list() })
  },
}

const createToken: Route = {
  method: 'POST',
  path: '/v1/tokens',
  scope: 'admin',
  operationId: 'createToken',
  async handle(context) {
    const parsed = createTokenRequestSchema.safeParse(await readJsonBody(context.request, context.limits.maxBodyBytes))
    if (!parsed.success) throw invalidRequest(`The body must be {"scope": "read"|"write"|"admin", "name"?: "..."}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`)
    const created = context.tokens.create({ scope: parsed.data.scope, ...(parsed.data.name === undefined ? {} : { name: parsed.data.name }) })
    sendJson(context.response, 201, { ...created.record, token: created.token })
  },
}

const revokeToken: Route = {
  method: 'DELETE',
  path: '/v1/tokens/{id}',
  scope: 'admin',
  operationId: 'revokeToken',
  handle(context) {
    sendJson(context.response, 200, { revoked: context.tokens.revoke(context.params.id!) })
  },
}

const health: Route = {
  method: 'GET',
  path: '/v1/health',
  scope: 'public',
  operationId: 'health',
  handle(context) {
    sendJson(context.response, 200, { ok: true, ask: context.ask !== undefined })
  },
}

/** `POST /v1/ask`, the admin token routes and `GET /v1/health`. */
export const ASK_AND_ADMIN_ROUTES: readonly Route[] = [ask, listTokens, createToken, revokeToken, health]
