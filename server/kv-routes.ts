import { z } from 'zod'
import { encodeRecord } from '../cli/jsonl-record.js'
import { LivingDbError } from '../errors/index.js'
import type { Key, ScanOptions, Snapshot, Value } from '../index.js'
import { invalidRequest, readJsonBody, sendJson } from './http-response.js'
import { booleanParameter, integerParameter, keyspaceParameter, stringParameter } from './query-parameters.js'
import type { Route, RouteContext } from './route.js'

/** The body of `PUT /v1/kv/{key}`: any JSON value, or base64 bytes with `valueEncoding`. */
export const putRequestSchema = z
  .object({
    value: z.unknown().describe('The value to store: any JSON value (null included), or base64 text when valueEncoding is "base64".'),
    valueEncoding: z.literal('base64').optional().describe('Set to "base64" to store the decoded bytes of a base64 string.'),
  })
  .strict()

/** Runs `reader` on the latest version, or on the version after txn `at`. */
function readVersion<T>(context: RouteContext, reader: (snapshot: Snapshot) => T): T {
  const at = integerParameter(context.url, 'at', { minimum: 0 })
  return at === undefined ? context.db.read(reader) : context.db.readAt(at, reader)
}

function decodeValue(body: z.infer<typeof putRequestSchema>): Value {
  if (!('value' in body)) throw invalidRequest('The body needs a "value": {"value": <any JSON>} (use null for an empty value).')
  if (body.valueEncoding === undefined) return body.value as Value
  if (typeof body.value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(body.value) || body.value.length % 4 !== 0) {
    throw invalidRequest('valueEncoding is "base64" but value is not base64 text.')
  }
  return new Uint8Array(Buffer.from(body.value, 'base64'))
}

const getKey: Route = {
  method: 'GET',
  path: '/v1/kv/{key}',
  greedy: 'key',
  scope: 'read',
  operationId: 'getValue',
  handle(context) {
    const keyspace = keyspaceParameter(context, 'read')
    const key = context.params.key!
    const found = readVersion(context, snapshot => ({ value: snapshot.keyspace(keyspace).get(key), txnId: snapshot.txnId }))
    if (found.value === undefined) {
      throw new LivingDbError('KEY_NOT_FOUND', `No value is stored under ${JSON.stringify(key)} in keyspace ${JSON.stringify(keyspace)} at txn ${found.txnId}.`, { details: { key, keyspace, txnId: found.txnId } })
    }
    sendJson(context.response, 200, { ...encodeRecord(key, found.value), txnId: found.txnId })
  },
}

const putKey: Route = {
  method: 'PUT',
  path: '/v1/kv/{key}',
  greedy: 'key',
  scope: 'write',
  operationId: 'putValue',
  async handle(context) {
    const keyspace = keyspaceParameter(context, 'write')
    const parsed = putRequestSchema.safeParse(await readJsonBody(context.request, context.limits.maxBodyBytes))
    if (!parsed.success) throw invalidRequest(`The body must be {"value": <any JSON>, "valueEncoding"?: "base64"}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`)
    const value = decodeValue(parsed.data)
    const key = context.params.key!
    const { txnId } = await context.db.keyspace(keyspace).put(key, value)
    sendJson(context.response, 200, { key, txnId })
  },
}

const deleteKey: Route = {
  method: 'DELETE',
  path: '/v1/kv/{key}',
  greedy: 'key',
  scope: 'write',
  operationId: 'deleteValue',
  async handle(context) {
    const keyspace = keyspaceParameter(context, 'write')
    const key = context.params.key!
    let deleted = false
    const { txnId } = await context.db.keyspace(keyspace).write(transaction => {
      if (transaction.get(key) === undefined) return
      transaction.delete(key)
      deleted = true
    })
    sendJson(context.response, 200, deleted ? { key, deleted, txnId } : { key, deleted })
  },
}

/** The paging position of a scan: the last key returned (base64url of its bytes, plus whether it was a string). */
function encodeCursor(key: Key): string {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key)
  return `${typeof key === 'string' ? 's' : 'b'}.${bytes.toString('base64url')}`
}

function decodeCursor(cursor: string): Key {
  const match = /^([sb])\.([A-Za-z0-9_-]+)$/.exec(cursor)
  if (match === null) throw invalidRequest('Query parameter cursor is not a cursor this server returned. Pass the nextCursor of the previous page unchanged.', { parameter: 'cursor' })
  const bytes = Buffer.from(match[2]!, 'base64url')
  return match[1] === 's' ? bytes.toString('utf8') : new Uint8Array(bytes)
}

const scan: Route = {
  method: 'GET',
  path: '/v1/scan',
  scope: 'read',
  operationId: 'scan',
  handle(context) {
    const { url, limits } = context
    const keyspace = keyspaceParameter(context, 'read')
    const limit = integerParameter(url, 'limit', { minimum: 1, maximum: limits.maxScanLimit }) ?? limits.defaultScanLimit
    const reverse = booleanParameter(url, 'reverse')
    const cursorText = stringParameter(url, 'cursor')
    const options: { -readonly [K in keyof ScanOptions]: ScanOptions[K] } = { reverse, limit: limit + 1 }
    for (const name of ['prefix', 'gt', 'gte', 'lt', 'lte'] as const) {
      const value = stringParameter(url, name)
      if (value !== undefined) options[name] = value
    }
    if (options.gt !== undefined && options.gte !== undefined) throw invalidRequest('Pass gt or gte, not both.')
    if (options.lt !== undefined && options.lte !== undefined) throw invalidRequest('Pass lt or lte, not both.')
    if (cursorText !== undefined) {
      const after = decodeCursor(cursorText)
      if (reverse) {
        delete options.lte
        options.lt = after
      } else {
        delete options.gte
        options.gt = after
      }
    }
    const page = readVersion(context, snapshot => ({ entries: [...snapshot.keyspace(keyspace).scan(options)], txnId: snapshot.txnId }))
    const more = page.entries.length > limit
    const entries = more ? page.entries.slice(0, limit) : page.entries
    sendJson(context.response, 200, {
      items: entries.map(entry => encodeRecord(entry.key as string | Uint8Array, entry.value)),
      nextCursor: more ? encodeCursor(entries.at(-1)!.key) : null,
      txnId: page.txnId,
    })
  },
}

/** `GET|PUT|DELETE /v1/kv/{key}` and `GET /v1/scan`. */
export const KV_ROUTES: readonly Route[] = [getKey, putKey, deleteKey, scan]
