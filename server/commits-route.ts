import { encodeRecord } from '../cli/jsonl-record.js'
import { LivingDbError } from '../errors/index.js'
import { SYSTEM_KEYSPACE, type Commit } from '../index.js'
import { invalidRequest } from './http-response.js'
import { integerParameter, keyspaceParameter, stringParameter } from './query-parameters.js'
import type { Route, RouteContext } from './route.js'
import { scopeAllows } from './token-store.js'

/** Which operations a stream shows: `sys` only to admin tokens, optionally one keyspace and a key prefix. */
interface OperationFilter {
  readonly includeSystem: boolean
  readonly keyspace: string | undefined
  readonly prefix: string | undefined
}

/** The JSON of one commit event with the operations the filter keeps, or undefined when it keeps none. */
function commitEvent(commit: Commit, filter: OperationFilter): unknown {
  const ops = commit.ops
    .filter(operation => (filter.includeSystem || operation.keyspace !== SYSTEM_KEYSPACE) && (filter.keyspace === undefined || operation.keyspace === filter.keyspace))
    .filter(operation => filter.prefix === undefined || (typeof operation.key === 'string' && operation.key.startsWith(filter.prefix)))
    .map(operation => {
      const record = encodeRecord(operation.key as string | Uint8Array, operation.value)
      return operation.type === 'put' ? { type: 'put', keyspace: operation.keyspace, ...record } : { type: 'delete', keyspace: operation.keyspace, key: record.key, ...(record.keyEncoding === undefined ? {} : { keyEncoding: record.keyEncoding }) }
    })
  return ops.length === 0 ? undefined : { txnId: commit.txnId, timestamp: commit.timestamp, origin: commit.origin, ops }
}

/** Where the stream starts: `Last-Event-ID` + 1 (a reconnecting EventSource), else `from`, else the next commit. */
function startTxn(context: RouteContext): number {
  const lastEventId = context.request.headers['last-event-id']
  if (typeof lastEventId === 'string' && lastEventId !== '') {
    if (!/^\d+$/.test(lastEventId)) throw invalidRequest(`Last-Event-ID must be a txn id, got ${JSON.stringify(lastEventId)}.`)
    return Number(lastEventId) + 1
  }
  return integerParameter(context.url, 'from', { minimum: 0 }) ?? context.db.stats().txnId + 1
}

/** Writes to the stream, waiting for `drain` when the client reads slowly; false once the stream is closed. */
async function write(context: RouteContext, text: string, closed: () => boolean): Promise<boolean> {
  if (closed()) return false
  if (context.response.write(text)) return true
  await new Promise<void>(resolve => {
    const done = (): void => {
      context.response.off('drain', done)
      context.response.off('close', done)
      resolve()
    }
    context.response.on('drain', done)
    context.response.on('close', done)
  })
  return !closed()
}

const commits: Route = {
  method: 'GET',
  path: '/v1/commits',
  scope: 'read',
  operationId: 'streamCommits',
  async handle(context) {
    const { response, limits } = context
    const from = startTxn(context)
    const limit = integerParameter(context.url, 'limit', { minimum: 1 })
    if (context.streams.count >= limits.maxStreams) {
      throw new LivingDbError('SERVER_BUSY', `The server already serves ${limits.maxStreams} commit streams. Retry later, or start it with a larger --max-streams.`, { details: { maxStreams: limits.maxStreams } })
    }
    const filter: OperationFilter = {
      includeSystem: context.token !== undefined && scopeAllows(context.token.scope, 'admin'),
      keyspace: context.url.searchParams.has('keyspace') ? keyspaceParameter(context, 'read') : undefined,
      prefix: stringParameter(context.url, 'prefix'),
    }
    const iterator = context.db.commits({ from })
    context.streams.count++
    let isClosed = false
    let wake: () => void = () => {}
    const stopped = new Promise<void>(resolve => {
      wake = resolve
    })
    const stop = (): void => {
      isClosed = true
      wake()
    }
    const unregister = context.onServerClose(stop)
    response.on('close', stop)
    // A token revoked while its stream is open ends the stream (checked at every event and heartbeat).
    const revoked = (): boolean => context.token !== undefined && !context.tokens.list().some(token => token.id === context.token!.id)
    const heartbeat = setInterval(() => {
      if (isClosed) return
      if (revoked()) stop()
      else response.write(': keep-alive\n\n')
    }, limits.heartbeatMs)
    heartbeat.unref()
    // A stream holds its connection to the end; closing it afterwards lets server.close() finish at once.
    response.shouldKeepAlive = false
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
    response.flushHeaders()
    let sent = 0
    try {
      await write(context, `: livingdb commit stream from txn ${from}\n\n`, () => isClosed)
      while (!isClosed && (limit === undefined || sent < limit)) {
        const next = await Promise.race([iterator.next(), stopped.then(() => undefined)])
        if (next === undefined || next.done === true || revoked()) break
        const event = commitEvent(next.value, filter)
        if (event === undefined) continue
        if (!(await write(context, `id: ${next.value.txnId}\nevent: commit\ndata: ${JSON.stringify(event)}\n\n`, () => isClosed))) break
        sent++
      }
    } finally {
      clearInterval(heartbeat)
      unregister()
      context.streams.count--
      // A pending next() settles at the next commit or when the database closes; return() then ends the generator.
      void iterator.return?.(undefined)
      if (!response.writableEnded) response.end()
    }
  },
}

/** `GET /v1/commits`: the commit stream as server-sent events. */
export const COMMIT_ROUTES: readonly Route[] = [commits]
