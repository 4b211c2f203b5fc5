import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readEvents, startFixture, type ServerFixture } from './test-support/server-fixture.js'

type ErrorBody = { error: { code: string; message: string } }

let fixture: ServerFixture

describe('HTTP API: records, auth and errors', () => {
  beforeEach(async () => {
    fixture = await startFixture()
  })
  afterEach(async () => {
    await fixture.close()
  })

  it('listens on 127.0.0.1 on a free port', () => {
    expect(fixture.server.host).toBe('127.0.0.1')
    expect(fixture.server.port).toBeGreaterThan(0)
  })

  it('refuses requests without a token, with an unknown token and with a revoked one', async () => {
    const missing = await fixture.call('/v1/kv/a')
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as ErrorBody).error.code).toBe('AUTH_REQUIRED')
    const unknown = await fixture.call('/v1/kv/a', { token: 'ldb_000000000000_' + 'x'.repeat(43) })
    expect(unknown.status).toBe(401)
    expect(((await unknown.json()) as ErrorBody).error.code).toBe('AUTH_INVALID')
    const token = fixture.token('read')
    expect((await fixture.call('/v1/kv/a', { token })).status).toBe(404)
    fixture.tokens.revoke(fixture.tokens.list()[0]!.id)
    const revoked = await fixture.call('/v1/kv/a', { token })
    expect(revoked.status).toBe(401)
    expect(((await revoked.json()) as ErrorBody).error.code).toBe('AUTH_INVALID')
  })

  it('puts, gets and deletes values; keys keep their slashes', async () => {
    const token = fixture.token('write')
    const put = await fixture.call('/v1/kv/notes/2026/hello%20world', { method: 'PUT', token, body: { value: { text: 'hi', n: 1 } } })
    expect(put.status).toBe(200)
    const { txnId } = (await put.json()) as { txnId: number }
    expect(txnId).toBeGreaterThan(0)
    expect(fixture.db.get('notes/2026/hello world')).toEqual({ text: 'hi', n: 1 })
    const got = await fixture.call('/v1/kv/notes/2026/hello%20world', { token })
    expect(await got.json()).toEqual({ key: 'notes/2026/hello world', value: { text: 'hi', n: 1 }, txnId })
    const deleted = await fixture.call('/v1/kv/notes/2026/hello%20world', { method: 'DELETE', token })
    expect(await deleted.json()).toMatchObject({ key: 'notes/2026/hello world', deleted: true })
    const again = await fixture.call('/v1/kv/notes/2026/hello%20world', { method: 'DELETE', token })
    expect(await again.json()).toEqual({ key: 'notes/2026/hello world', deleted: false })
    const gone = await fixture.call('/v1/kv/notes/2026/hello%20world', { token })
    expect(gone.status).toBe(404)
    expect(((await gone.json()) as ErrorBody).error.code).toBe('KEY_NOT_FOUND')
  })

  it('stores base64 bytes and returns them with valueEncoding', async () => {
    const token = fixture.token('write')
    expect((await fixture.call('/v1/kv/blob', { method: 'PUT', token, body: { value: 'AAEC/w==', valueEncoding: 'base64' } })).status).toBe(200)
    expect(fixture.db.get('blob')).toEqual(new Uint8Array([0, 1, 2, 255]))
    expect(await (await fixture.call('/v1/kv/blob', { token })).json()).toMatchObject({ value: 'AAEC/w==', valueEncoding: 'base64' })
    const bad = await fixture.call('/v1/kv/blob', { method: 'PUT', token, body: { value: 'not base64!', valueEncoding: 'base64' } })
    expect(bad.status).toBe(400)
  })

  it('reads past versions with ?at= (time travel)', async () => {
    const token = fixture.token('write')
    const first = (await (await fixture.call('/v1/kv/task', { method: 'PUT', token, body: { value: { status: 'blocked' } } })).json()) as { txnId: number }
    await fixture.call('/v1/kv/task', { method: 'PUT', token, body: { value: { status: 'done' } } })
    expect(await (await fixture.call('/v1/kv/task', { token })).json()).toMatchObject({ value: { status: 'done' } })
    expect(await (await fixture.call(`/v1/kv/task?at=${first.txnId}`, { token })).json()).toMatchObject({ value: { status: 'blocked' }, txnId: first.txnId })
    const future = await fixture.call('/v1/kv/task?at=999', { token })
    expect(future.status).toBe(404)
    expect(((await future.json()) as ErrorBody).error.code).toBe('TXN_NOT_FOUND')
  })

  it('enforces scopes: read cannot write, write cannot touch sys or tokens, admin can', async () => {
    const read = fixture.token('read')
    const write = fixture.token('write')
    const admin = fixture.token('admin')
    const denied = await fixture.call('/v1/kv/x', { method: 'PUT', token: read, body: { value: 1 } })
    expect(denied.status).toBe(403)
    expect(((await denied.json()) as ErrorBody).error.code).toBe('SCOPE_DENIED')
    expect((await fixture.call('/v1/kv/x?keyspace=sys', { method: 'PUT', token: write, body: { value: 1 } })).status).toBe(403)
    expect((await fixture.call('/v1/scan?keyspace=sys', { token: write })).status).toBe(403)
    expect((await fixture.call('/v1/tokens', { token: write })).status).toBe(403)
    expect((await fixture.call('/v1/scan?keyspace=sys', { token: admin })).status).toBe(200)
    expect((await fixture.call('/v1/kv/x?keyspace=notes', { method: 'PUT', token: write, body: { value: 1 } })).status).toBe(200)
    expect(fixture.db.keyspace('notes').get('x')).toBe(1)
  })

  it('lets only admin tokens write to protected keyspaces (cartridge indexes), while anyone may read them', async () => {
    await fixture.close()
    fixture = await startFixture({ protectedKeyspaces: ['topics'] })
    const write = fixture.token('write')
    const denied = await fixture.call('/v1/kv/term?keyspace=topics', { method: 'PUT', token: write, body: { value: 1 } })
    expect(denied.status).toBe(403)
    expect(((await denied.json()) as ErrorBody).error.message).toContain('derived index')
    expect((await fixture.call('/v1/kv/term?keyspace=topics', { method: 'DELETE', token: write })).status).toBe(403)
    expect((await fixture.call('/v1/kv/term?keyspace=topics', { method: 'PUT', token: fixture.token('admin'), body: { value: 1 } })).status).toBe(200)
    expect((await fixture.call('/v1/kv/term?keyspace=topics', { token: fixture.token('read') })).status).toBe(200)
  })

  it('manages tokens over HTTP with an admin token', async () => {
    const admin = fixture.token('admin')
    const created = await fixture.call('/v1/tokens', { method: 'POST', token: admin, body: { scope: 'read', name: 'dashboard' } })
    expect(created.status).toBe(201)
    const { token, id } = (await created.json()) as { token: string; id: string }
    expect((await fixture.call('/v1/scan', { token })).status).toBe(200)
    const listed = (await (await fixture.call('/v1/tokens', { token: admin })).json()) as { tokens: { id: string; name: string }[] }
    expect(listed.tokens.map(entry => entry.name)).toContain('dashboard')
    expect(JSON.stringify(listed)).not.toContain(token)
    expect((await fixture.call(`/v1/tokens/${id}`, { method: 'DELETE', token: admin })).status).toBe(200)
    expect((await fixture.call('/v1/scan', { token })).status).toBe(401)
    expect((await fixture.call('/v1/tokens/nope', { method: 'DELETE', token: admin })).status).toBe(404)
  })

  it('answers unknown routes, wrong methods and bad bodies with JSON error codes', async () => {
    const token = fixture.token('write')
    const missing = await fixture.call('/v1/nothing', { token })
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as ErrorBody).error.code).toBe('ROUTE_NOT_FOUND')
    const wrong = await fixture.call('/v1/scan', { method: 'DELETE', token })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    expect(((await wrong.json()) as ErrorBody).error.code).toBe('METHOD_NOT_ALLOWED')
    const notJson = await fixture.call('/v1/kv/a', { method: 'PUT', token, body: '{"value": ' })
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as ErrorBody).error.code).toBe('REQUEST_INVALID')
    const extra = await fixture.call('/v1/kv/a', { method: 'PUT', token, body: { value: 1, other: 2 } })
    expect(extra.status).toBe(400)
    const badLimit = await fixture.call('/v1/scan?limit=abc', { token })
    expect(badLimit.status).toBe(400)
    expect(badLimit.headers.get('content-type')).toContain('application/json')
  })

  it('pages through a scan with cursors, forwards and in reverse, within prefix and range bounds', async () => {
    const token = fixture.token('read')
    await fixture.db.write(transaction => {
      for (let index = 0; index < 25; index++) transaction.put(`item/${String(index).padStart(2, '0')}`, index)
      transaction.put('other/1', 'x')
    })
    const collect = async (query: string): Promise<string[]> => {
      const keys: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const page = (await (await fixture.call(`/v1/scan?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`, { token })).json()) as { items: { key: string }[]; nextCursor: string | null }
        keys.push(...page.items.map(item => item.key))
        cursor = page.nextCursor
        pages++
      } while (cursor !== null && pages < 20)
      return keys
    }
    const expected = Array.from({ length: 25 }, (_, index) => `item/${String(index).padStart(2, '0')}`)
    expect(await collect('prefix=item/&limit=10')).toEqual(expected)
    expect(await collect('prefix=item/&limit=7&reverse=true')).toEqual([...expected].reverse())
    expect(await collect('gte=item/05&lt=item/12&limit=3')).toEqual(expected.slice(5, 12))
    const single = (await (await fixture.call('/v1/scan?prefix=item/&limit=25', { token })).json()) as { nextCursor: string | null; txnId: number }
    expect(single.nextCursor).toBeNull()
    expect(single.txnId).toBe(fixture.db.stats().txnId)
    expect((await fixture.call('/v1/scan?cursor=garbage!', { token })).status).toBe(400)
    expect((await fixture.call('/v1/scan?limit=1001', { token })).status).toBe(400)
  })

  it('refuses request bodies over the size limit with 413', async () => {
    await fixture.close()
    fixture = await startFixture({ limits: { maxBodyBytes: 1024 } })
    const token = fixture.token('write')
    const response = await fixture.call('/v1/kv/big', { method: 'PUT', token, body: { value: 'x'.repeat(4096) } })
    expect(response.status).toBe(413)
    expect(((await response.json()) as ErrorBody).error.code).toBe('REQUEST_TOO_LARGE')
    expect(fixture.db.get('big')).toBeUndefined()
    expect((await fixture.call('/v1/kv/small', { method: 'PUT', token, body: { value: 'x'.repeat(100) } })).status).toBe(200)
  })

  it('rate-limits each token separately with 429 and Retry-After', async () => {
    await fixture.close()
    let now = 1_000_000
    fixture = await startFixture({ rateLimit: { requestsPerSecond: 0.5, burst: 2 }, now: () => now })
    const first = fixture.token('read')
    const second = fixture.token('read')
    expect((await fixture.call('/v1/scan', { token: first })).status).toBe(200)
    expect((await fixture.call('/v1/scan', { token: first })).status).toBe(200)
    const limited = await fixture.call('/v1/scan', { token: first })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(((await limited.json()) as ErrorBody).error.code).toBe('RATE_LIMITED')
    expect((await fixture.call('/v1/scan', { token: second })).status).toBe(200)
    now += 2_000
    expect((await fixture.call('/v1/scan', { token: first })).status).toBe(200)
  })
})

describe('HTTP API: commit stream and questions', () => {
  beforeEach(async () => {
    fixture = await startFixture()
  })
  afterEach(async () => {
    await fixture.close()
  })

  it('streams past commits from ?from= as server-sent events', async () => {
    const token = fixture.token('read')
    await fixture.db.put('a', 1)
    await fixture.db.put('b', { text: 'two' })
    await fixture.db.keyspace('sys').put('cursor', 5)
    await fixture.db.delete('a')
    const response = await fixture.call('/v1/commits?from=1&limit=3', { token })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const events = await readEvents(response, 3)
    expect(events.map(event => event.id)).toEqual(['1', '2', '4'])
    expect(events[0]).toMatchObject({ event: 'commit', data: { txnId: 1, origin: 'app', ops: [{ type: 'put', keyspace: 'default', key: 'a', value: 1 }] } })
    expect(events[2]!.data).toMatchObject({ ops: [{ type: 'delete', key: 'a' }] })
  })

  it('tails new commits live and resumes after Last-Event-ID', async () => {
    const token = fixture.token('write')
    await fixture.db.put('before', 0)
    const response = await fixture.call('/v1/commits?limit=1', { token })
    const pending = readEvents(response, 1)
    await fixture.call('/v1/kv/live', { method: 'PUT', token, body: { value: 'now' } })
    const [event] = await pending
    expect(event!.data).toMatchObject({ txnId: 2, ops: [{ key: 'live', value: 'now' }] })
    const resumed = await readEvents(await fixture.call('/v1/commits?limit=1', { token, headers: { 'last-event-id': '0' } }), 1)
    expect(resumed[0]!.id).toBe('1')
  })

  it('filters the stream by keyspace and key prefix, skipping commits with nothing left', async () => {
    const token = fixture.token('read')
    await fixture.db.write(transaction => {
      transaction.put('notes/1', 'a')
      transaction.put('tasks/1', 'b')
    })
    await fixture.db.put('tasks/2', 'c')
    await fixture.db.keyspace('tags').put('notes/x', 'd')
    await fixture.db.put('notes/2', 'e')
    const notes = await readEvents(await fixture.call('/v1/commits?from=1&limit=2&prefix=notes/&keyspace=default', { token }), 2)
    expect(notes.map(event => event.id)).toEqual(['1', '4'])
    expect(notes[0]!.data).toMatchObject({ ops: [{ key: 'notes/1' }] })
    expect((notes[0]!.data as { ops: unknown[] }).ops).toHaveLength(1)
    const tags = await readEvents(await fixture.call('/v1/commits?from=1&limit=1&keyspace=tags', { token }), 1)
    expect(tags[0]!.id).toBe('3')
    expect((await fixture.call('/v1/commits?keyspace=sys', { token })).status).toBe(403)
  })

  it('shows sys operations to admin tokens only', async () => {
    await fixture.db.keyspace('sys').put('cursor', 5)
    const admin = await readEvents(await fixture.call('/v1/commits?from=1&limit=1', { token: fixture.token('admin') }), 1)
    expect(admin[0]!.data).toMatchObject({ ops: [{ keyspace: 'sys', key: 'cursor' }] })
  })

  it('ends a stream whose token is revoked, without sending it further commits', async () => {
    await fixture.close()
    fixture = await startFixture({ limits: { heartbeatMs: 50 } })
    const token = fixture.token('read')
    const response = await fixture.call('/v1/commits', { token })
    const reader = response.body!.getReader()
    await reader.read()
    fixture.tokens.revoke(fixture.tokens.list()[0]!.id)
    await fixture.db.put('secret', 'after revocation')
    let text = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    expect(text).not.toContain('after revocation')
  })

  it('ends open streams when the server closes', async () => {
    const response = await fixture.call('/v1/commits', { token: fixture.token('read') })
    const reader = response.body!.getReader()
    await reader.read()
    await fixture.server.close()
    let done = false
    while (!done) done = (await reader.read()).done
    expect(done).toBe(true)
  })

  it('answers 501 for ask without a planner and validates the body', async () => {
    const token = fixture.token('read')
    const response = await fixture.call('/v1/ask', { method: 'POST', token, body: { question: 'what is blocked?' } })
    expect(response.status).toBe(501)
    expect(((await response.json()) as ErrorBody).error.code).toBe('NOT_IMPLEMENTED')
    const invalid = await fixture.call('/v1/ask', { method: 'POST', token, body: { question: '' } })
    expect(invalid.status).toBe(400)
  })

  it('passes the question and options to the ask function and returns its result', async () => {
    await fixture.close()
    const calls: unknown[] = []
    fixture = await startFixture({
      ask: async args => {
        calls.push(args)
        return { plan: { kind: 'get' }, results: [{ key: 'blob', value: new Uint8Array([1, 2]), score: 1, citations: [] }], cost: {}, timings: {}, warnings: [] }
      },
    })
    const token = fixture.token('read')
    const response = await fixture.call('/v1/ask', { method: 'POST', token, body: { question: 'what changed?', asOf: '2026-03-01T00:00:00Z', limit: 3, explain: true } })
    expect(response.status).toBe(200)
    expect(calls).toEqual([{ question: 'what changed?', options: { asOf: '2026-03-01T00:00:00Z', limit: 3, explain: true } }])
    expect(await response.json()).toMatchObject({ results: [{ key: 'blob', value: 'AQI=', valueEncoding: 'base64', score: 1 }] })
  })
})
