import { z } from 'zod'
import { ERROR_CODES } from '../errors/index.js'
import { createTokenRequestSchema } from './ask-and-admin-routes.js'
import { askRequestSchema } from './ask-function.js'
import { putRequestSchema } from './kv-routes.js'

type JsonObject = Record<string, unknown>

function bodySchema(schema: z.ZodType): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema) as JsonObject
  return rest
}

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } })
const errorResponse = (description: string): JsonObject => ({ description, content: json(ref('Error')) })
const query = (name: string, description: string, schema: JsonObject = { type: 'string' }): JsonObject => ({ name, in: 'query', required: false, description, schema })

const COMMON_ERRORS = {
  '400': errorResponse('Malformed request (REQUEST_INVALID, INVALID_KEY, KEY_TOO_LARGE, ...).'),
  '401': errorResponse('Missing or invalid bearer token (AUTH_REQUIRED, AUTH_INVALID).'),
  '403': errorResponse('The token scope does not allow this request (SCOPE_DENIED).'),
  '429': { ...errorResponse('Rate limit reached (RATE_LIMITED); retry after the Retry-After header.'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } } },
}
const KEY_PARAMETER = { name: 'key', in: 'path', required: true, description: 'The record key, percent-encoded; slashes may stay as they are (/v1/kv/notes/2026-01-05).', schema: { type: 'string' } }
const KEYSPACE = query('keyspace', 'Keyspace to use (default "default"); "sys" needs an admin token.')
const AT = query('at', 'Read the database as of this txn id (time travel).', { type: 'integer', minimum: 0 })

/** The scope a route needs, as an OpenAPI extension and in the description. */
const scoped = (scope: string, operation: JsonObject): JsonObject => ({ ...operation, 'x-livingdb-scope': scope, ...(scope === 'public' ? { security: [] } : {}) })

/**
 * The OpenAPI 3.1 description of the HTTP API, served at `/v1/openapi.json`.
 * Written out by hand (so it reads as documentation) with request bodies
 * generated from the same zod schemas the handlers validate with; a test
 * checks that it lists exactly the server's routes.
 */
export function openApiDocument(args: { readonly version: string; readonly serverUrl?: string }): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'livingdb HTTP API',
      version: args.version,
      description: 'Records, time travel, the commit stream and natural-language questions over one livingdb database. Every route except /v1/health and /v1/openapi.json needs `Authorization: Bearer <token>` (create one with `livingdb tokens create --scope read|write|admin`). Errors are JSON: {"error": {"code", "message", "details"?}} with the stable codes of errors/error-codes.ts.',
    },
    ...(args.serverUrl === undefined ? {} : { servers: [{ url: args.serverUrl }] }),
    security: [{ bearerAuth: [] }],
    paths: {
      '/v1/ask': {
        post: scoped('read', {
          operationId: 'ask',
          summary: 'Answer a question in natural language: the plan, cited results and an answer.',
          requestBody: { required: true, content: json(bodySchema(askRequestSchema)) },
          responses: { '200': { description: 'The plan that ran, the scored results with citations, and the answer when asked for.', content: json(ref('AskResult')) }, '501': errorResponse('No planner is wired into this server (NOT_IMPLEMENTED).'), ...COMMON_ERRORS },
        }),
      },
      '/v1/kv/{key}': {
        parameters: [KEY_PARAMETER, KEYSPACE],
        get: scoped('read', {
          operationId: 'getValue',
          summary: 'Read one value (at the latest commit, or as of txn `at`).',
          parameters: [AT],
          responses: { '200': { description: 'The record and the txn it was read at.', content: json(ref('Record')) }, '404': errorResponse('No value under this key (KEY_NOT_FOUND) or no such txn (TXN_NOT_FOUND).'), ...COMMON_ERRORS },
        }),
        put: scoped('write', {
          operationId: 'putValue',
          summary: 'Store a value in one transaction.',
          requestBody: { required: true, content: json(bodySchema(putRequestSchema)) },
          responses: { '200': { description: 'Committed.', content: json({ type: 'object', properties: { key: { type: 'string' }, txnId: { type: 'integer' } }, required: ['key', 'txnId'] }) }, '413': errorResponse('Body too large (REQUEST_TOO_LARGE).'), ...COMMON_ERRORS },
        }),
        delete: scoped('write', {
          operationId: 'deleteValue',
          summary: 'Delete a key in one transaction (deleting a missing key changes nothing).',
          responses: { '200': { description: 'deleted is false when the key held no value.', content: json({ type: 'object', properties: { key: { type: 'string' }, deleted: { type: 'boolean' }, txnId: { type: 'integer' } }, required: ['key', 'deleted'] }) }, ...COMMON_ERRORS },
        }),
      },
      '/v1/scan': {
        get: scoped('read', {
          operationId: 'scan',
          summary: 'List records in key order, one page at a time.',
          parameters: [
            query('prefix', 'Only keys starting with this.'), query('gt', 'Keys after this.'), query('gte', 'Keys from this on.'), query('lt', 'Keys before this.'), query('lte', 'Keys up to this.'),
            query('limit', 'Page size (default 100, at most 1000).', { type: 'integer', minimum: 1 }), query('reverse', 'Descending order.', { type: 'boolean' }),
            query('cursor', 'The nextCursor of the previous page.'), KEYSPACE, AT,
          ],
          responses: { '200': { description: 'A page; nextCursor is null on the last one. Pass at=txnId to page through one version.', content: json({ type: 'object', properties: { items: { type: 'array', items: ref('Record') }, nextCursor: { type: ['string', 'null'] }, txnId: { type: 'integer' } }, required: ['items', 'nextCursor', 'txnId'] }) }, '404': errorResponse('No such txn (TXN_NOT_FOUND).'), ...COMMON_ERRORS },
        }),
      },
      '/v1/commits': {
        get: scoped('read', {
          operationId: 'streamCommits',
          summary: 'Tail the commit stream as server-sent events (event: commit, id: txnId). Operations in the sys keyspace are shown to admin tokens only.',
          parameters: [
            query('from', 'First txn id (default: the next commit). Last-Event-ID overrides it when reconnecting.', { type: 'integer', minimum: 0 }),
            query('limit', 'Close the stream after this many commits.', { type: 'integer', minimum: 1 }),
            query('keyspace', 'Only operations in this keyspace ("sys" needs an admin token).'),
            query('prefix', 'Only operations on keys starting with this.'),
            { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' }, description: 'Resume after this txn id.' },
          ],
          responses: { '200': { description: 'text/event-stream; each data line is a Commit.', content: { 'text/event-stream': { schema: ref('Commit') } } }, '503': errorResponse('Too many open streams (SERVER_BUSY).'), ...COMMON_ERRORS },
        }),
      },
      '/v1/tokens': {
        get: scoped('admin', { operationId: 'listTokens', summary: 'List API tokens (never their secrets).', responses: { '200': { description: 'The tokens.', content: json({ type: 'object', properties: { tokens: { type: 'array', items: ref('Token') } } }) }, ...COMMON_ERRORS } }),
        post: scoped('admin', {
          operationId: 'createToken',
          summary: 'Create a token; the secret is in this response only.',
          requestBody: { required: true, content: json(bodySchema(createTokenRequestSchema)) },
          responses: { '201': { description: 'The token record plus `token`, the secret.', content: json({ allOf: [ref('Token'), { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] }] }) }, ...COMMON_ERRORS },
        }),
      },
      '/v1/tokens/{id}': {
        delete: scoped('admin', {
          operationId: 'revokeToken',
          summary: 'Revoke a token by id or name; it stops working at once.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'Token id (tok_…) or name.' }],
          responses: { '200': { description: 'The revoked token.', content: json({ type: 'object', properties: { revoked: ref('Token') } }) }, '404': errorResponse('No such token (TOKEN_NOT_FOUND).'), ...COMMON_ERRORS },
        }),
      },
      '/v1/health': {
        get: scoped('public', { operationId: 'health', summary: 'Liveness check (no token needed).', responses: { '200': { description: 'The server is up.', content: json({ type: 'object', properties: { ok: { type: 'boolean' }, ask: { type: 'boolean' } } }) } } }),
      },
      '/v1/openapi.json': {
        get: scoped('public', { operationId: 'openApi', summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } } }),
      },
    },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from `livingdb tokens create`.' } },
      schemas: {
        Error: {
          type: 'object',
          properties: { error: { type: 'object', properties: { code: { type: 'string', enum: [...Object.keys(ERROR_CODES), 'UNEXPECTED_ERROR'].filter((code, index, all) => all.indexOf(code) === index) }, message: { type: 'string' }, details: { type: 'object' } }, required: ['code', 'message'] } },
          required: ['error'],
        },
        Record: {
          type: 'object',
          description: 'Binary keys and values are base64 text flagged by keyEncoding/valueEncoding.',
          properties: { key: { type: 'string' }, value: {}, keyEncoding: { const: 'base64' }, valueEncoding: { const: 'base64' }, txnId: { type: 'integer' } },
          required: ['key', 'value'],
        },
        Commit: {
          type: 'object',
          properties: {
            txnId: { type: 'integer' }, timestamp: { type: 'integer', description: 'ms since the epoch' }, origin: { type: 'string' },
            ops: { type: 'array', items: { type: 'object', properties: { type: { enum: ['put', 'delete'] }, keyspace: { type: 'string' }, key: { type: 'string' }, value: {}, keyEncoding: { const: 'base64' }, valueEncoding: { const: 'base64' } }, required: ['type', 'keyspace', 'key'] } },
          },
          required: ['txnId', 'timestamp', 'origin', 'ops'],
        },
        Citation: {
          type: 'object',
          description: 'Where a result or an answer sentence comes from.',
          properties: { key: { type: 'string' }, keyspace: { type: 'string' }, txnId: { type: ['integer', 'null'], description: 'The txn that wrote the cited version, when known.' }, source: { type: 'string', description: 'The plan step that found it (topicSearch, vectorSearch, entityLookup, scan, plugin:<name>...).' }, field: { type: 'string' }, snippet: { type: 'string' } },
          required: ['key', 'keyspace', 'txnId', 'source'],
        },
        AskResult: {
          type: 'object',
          properties: {
            question: { type: 'string' },
            plan: { type: 'object', description: 'The validated plan: {version: 1, root: <kind-tagged node>, planner?}.', properties: { version: { const: 1 }, root: { type: 'object', properties: { kind: { type: 'string' } }, required: ['kind'] } }, required: ['version', 'root'] },
            results: {
              type: 'array',
              items: { type: 'object', properties: { key: { type: 'string' }, keyspace: { type: 'string' }, value: {}, valueEncoding: { const: 'base64' }, score: { type: 'number' }, citations: { type: 'array', items: ref('Citation') } }, required: ['key', 'keyspace', 'value', 'score', 'citations'] },
            },
            answer: {
              type: 'object',
              properties: { text: { type: 'string' }, mode: { enum: ['extractive', 'model', 'aggregate'] }, sentences: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, citations: { type: 'array', items: ref('Citation') } } } }, citations: { type: 'array', items: ref('Citation') } },
              required: ['text', 'mode', 'sentences', 'citations'],
            },
            cost: { type: 'object', description: 'The estimate made before running, and records read, model calls and tokens spent.' },
            timings: { type: 'object', description: 'Milliseconds: total, catalog, plan, execute, plugins, answer, and each step.' },
            warnings: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
            partial: { type: 'boolean', description: 'True when a budget stopped the work early.' },
            txnId: { type: 'integer', description: 'The version the question was answered at.' },
            explanation: { type: 'string', description: 'With explain: the plan tree, cost estimate and step times.' },
          },
          required: ['plan', 'results', 'cost', 'timings', 'warnings', 'partial', 'txnId'],
        },
        Token: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, scope: { enum: ['read', 'write', 'admin'] }, createdAt: { type: 'string', format: 'date-time' } }, required: ['id', 'name', 'scope', 'createdAt'] },
      },
    },
  }
}
