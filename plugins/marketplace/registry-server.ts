import { createReadStream, realpathSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join, relative, resolve, sep } from 'node:path'
import { MarketplaceError } from './marketplace-error.js'

/** A running static registry server. */
export interface RegistryServer {
  /** Base URL, ending in `/` (give it to `--registry`). */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/** Arguments of {@link startRegistryServer}. */
export interface StartRegistryServerArgs {
  /** The registry directory (`index.json` and `tarballs/`). */
  readonly directory: string
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Default 0 (a free port). */
  readonly port?: number
}

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.tgz': 'application/octet-stream' }

/**
 * Serves a static registry directory read-only over HTTP: GET and HEAD of files inside
 * it (no listings, no dot files, nothing outside it even through links). Any static file
 * server works as well; this one exists so `livingdb registry serve <dir>` needs nothing else.
 *
 * @example
 * const server = await startRegistryServer({ directory: './registry' })
 * // livingdb plugins install pii-scanner --registry <server.url>
 * await server.close()
 */
export async function startRegistryServer(args: StartRegistryServerArgs): Promise<RegistryServer> {
  const root = realpathSync(resolve(args.directory))
  if (!statSync(root).isDirectory()) throw new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `${root} is not a directory. Serve the registry directory \`livingdb plugins publish\` writes to.`)
  const server: Server = createServer((request, response) => {
    const send = (status: number, message: string) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(`${message}\n`)
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'method not allowed')
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://registry/').pathname)
    } catch {
      return send(400, 'bad path')
    }
    const segments = pathname.split('/').filter((segment) => segment.length > 0)
    if (segments.length === 0 || segments.some((segment) => segment.startsWith('.') || segment.includes('\\') || segment.includes('\0'))) return send(404, 'not found')
    let file: string
    try {
      file = realpathSync(join(root, ...segments))
    } catch {
      return send(404, 'not found')
    }
    const fromRoot = relative(root, file)
    if (fromRoot.startsWith(`..${sep}`) || fromRoot === '..' || fromRoot === '') return send(404, 'not found')
    const stat = statSync(file, { throwIfNoEntry: false })
    if (stat === undefined || !stat.isFile()) return send(404, 'not found')
    const extension = file.slice(file.lastIndexOf('.'))
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream', 'content-length': stat.size, 'cache-control': 'no-cache' })
    if (request.method === 'HEAD') return response.end()
    createReadStream(file).on('error', () => response.destroy()).pipe(response)
  })
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(args.port ?? 0, args.host ?? '127.0.0.1', () => resolvePromise())
  })
  const address = server.address() as { port: number; address: string }
  const host = address.address.includes(':') ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}/`,
    port: address.port,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections()
        server.close(() => resolvePromise())
      }),
  }
}
