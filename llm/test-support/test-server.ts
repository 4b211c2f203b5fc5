import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** One scripted reply. `body` is sent as JSON unless `rawBody` is given. */
export interface ScriptedResponse {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: unknown
  /** Sent verbatim (for malformed bodies). */
  readonly rawBody?: string
  /** Never answer ('before-headers'), or send headers and half a body then hang ('mid-body'). */
  readonly stall?: 'before-headers' | 'mid-body'
}

/** A request the server received, body parsed as JSON when possible. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: unknown
}

/** A local HTTP server on 127.0.0.1 that answers each path from a queue of scripted replies. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Queues replies for a path (e.g. '/v1/chat/completions'); each request takes the next one. */
  respond(path: string, ...responses: ScriptedResponse[]): void
  close(): Promise<void>
}

function send(response: ServerResponse, scripted: ScriptedResponse): void {
  if (scripted.stall === 'before-headers') return
  const payload = scripted.rawBody ?? JSON.stringify(scripted.body ?? {})
  response.writeHead(scripted.status ?? 200, { 'content-type': 'application/json', ...scripted.headers })
  if (scripted.stall === 'mid-body') {
    response.write(payload.slice(0, Math.max(1, Math.floor(payload.length / 2))))
    return
  }
  response.end(payload)
}

/**
 * Starts a server on 127.0.0.1, port 0. Unscripted paths get a 599 JSON error
 * naming the path, so a test that forgot a reply fails loudly.
 */
export async function startTestServer(): Promise<TestServer> {
  const queues = new Map<string, ScriptedResponse[]>()
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown = text
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch {
        // keep the raw text
      }
      const path = (request.url ?? '/').split('?')[0] ?? '/'
      requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body })
      const next = queues.get(path)?.shift()
      send(response, next ?? { status: 599, body: { error: { message: `no scripted reply for ${path}` } } })
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(path, ...responses) {
      queues.set(path, [...(queues.get(path) ?? []), ...responses])
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

/** Reads `llm/__fixtures__/<file>.json` and returns the named entry. */
export function loadFixture<T = unknown>(file: string, name: string): T {
  const all = JSON.parse(readFileSync(new URL(`../__fixtures__/${file}.json`, import.meta.url), 'utf8')) as Record<string, unknown>
  if (!(name in all)) throw new Error(`fixture ${file}.json has no entry "${name}"`)
  return all[name] as T
}
