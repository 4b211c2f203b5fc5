import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { open, type Database } from '../../index.js'
import { startServer, type RunningServer, type StartServerOptions } from '../livingdb-server.js'
import { TokenStore, type TokenScope } from '../token-store.js'

/** A database, a token store and a server on 127.0.0.1 port 0, plus helpers to call it. */
export interface ServerFixture {
  readonly db: Database
  readonly tokens: TokenStore
  readonly server: RunningServer
  readonly directory: string
  /** A fresh token of this scope. */
  token(scope: TokenScope): string
  /** fetch() against the server with an optional bearer token and JSON body. */
  call(path: string, init?: { readonly method?: string; readonly token?: string; readonly body?: unknown; readonly headers?: Record<string, string> }): Promise<Response>
  close(): Promise<void>
}

/** Starts a server over a new database in a temporary directory. */
export async function startFixture(options: Omit<Partial<StartServerOptions>, 'db' | 'tokens'> = {}): Promise<ServerFixture> {
  const directory = mkdtempSync(join(tmpdir(), 'livingdb-server-'))
  const db = await open({ path: join(directory, 'db'), durability: 'none' })
  const tokens = new TokenStore({ databasePath: join(directory, 'db') })
  const server = await startServer({ db, tokens, host: '127.0.0.1', port: 0, ...options })
  let counter = 0
  return {
    db,
    tokens,
    server,
    directory,
    token: scope => tokens.create({ scope, name: `${scope}-${++counter}` }).token,
    call: (path, init = {}) =>
      fetch(`${server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      }),
    async close() {
      await server.close()
      await db.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

/** Reads server-sent events from a response body until `count` events arrived. */
export async function readEvents(response: Response, count: number): Promise<{ id: string; event: string; data: unknown }[]> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  const events: { id: string; event: string; data: unknown }[] = []
  let buffer = ''
  while (events.length < count) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const fields = Object.fromEntries(block.split('\n').filter(line => !line.startsWith(':')).map(line => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]))
      if (fields.data !== undefined) events.push({ id: fields.id ?? '', event: fields.event ?? 'message', data: JSON.parse(fields.data) as unknown })
    }
  }
  await reader.cancel()
  return events
}
