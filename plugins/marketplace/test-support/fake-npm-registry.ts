// TEST SUPPORT ONLY: an npm registry on 127.0.0.1 speaking npm's documented read API:
// GET /-/v1/search (search objects with package, score, searchScore), GET /<name> (the full
// packument: dist-tags, versions with dist.tarball/integrity/shasum, time), the tarballs, and
// PUT /<name> as `npm publish` sends it (bearer token, base64 tarball in _attachments).
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { PackedPlugin } from '../publish-plugin.js'

interface StoredVersion {
  readonly packageJson: Record<string, unknown>
  tarball: Uint8Array
  readonly integrity: string
  readonly time: string
}

/** A running fake npm registry. */
export interface FakeNpmRegistry {
  /** Registry root URL without a trailing slash. */
  readonly url: string
  /** Adds a version the way `npm publish` would leave it (integrity computed from the tarball). */
  publish(packed: PackedPlugin): void
  /** Adds a plain npm package that is not a livingdb plugin. */
  publishOther(name: string, version: string): void
  /** Serves other bytes for a tarball while the packument keeps the published integrity. */
  replaceTarball(name: string, version: string, tarball: Uint8Array): void
  /** Every request path seen. */
  readonly requests: string[]
  close(): Promise<void>
}

/** The access token the fake registry accepts for publishing. */
export const TOKEN = 'npm_test_token'

/** Starts a {@link FakeNpmRegistry} on 127.0.0.1, port 0. */
export async function startFakeNpmRegistry(): Promise<FakeNpmRegistry> {
  const packages = new Map<string, Map<string, StoredVersion>>()
  const requests: string[] = []
  let base = ''
  const json = (response: import('node:http').ServerResponse, status: number, value: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(value))
  }
  const packument = (name: string, versions: Map<string, StoredVersion>) => {
    const sorted = [...versions.keys()]
    const latest = sorted.at(-1)!
    return {
      _id: name,
      _rev: `${versions.size}-${createHash('md5').update(name + sorted.join()).digest('hex')}`,
      name,
      'dist-tags': { latest },
      description: versions.get(latest)!.packageJson.description ?? '',
      versions: Object.fromEntries(
        [...versions].map(([version, stored]) => [
          version,
          {
            ...stored.packageJson,
            _id: `${name}@${version}`,
            _npmVersion: '10.9.0',
            _nodeVersion: '20.20.0',
            dist: {
              integrity: stored.integrity,
              shasum: createHash('sha1').update(stored.tarball).digest('hex'),
              tarball: `${base}/${name}/-/${name}-${version}.tgz`,
              fileCount: 4,
              unpackedSize: stored.tarball.length,
            },
          },
        ]),
      ),
      time: { created: versions.values().next().value!.time, modified: versions.get(latest)!.time, ...Object.fromEntries([...versions].map(([version, stored]) => [version, stored.time])) },
      maintainers: [{ name: 'publisher', email: 'publisher@example.com' }],
      license: 'MIT',
    }
  }
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://registry/')
    requests.push(`${request.method === 'GET' ? '' : `${request.method} `}${url.pathname}${url.search}`)
    if (request.method === 'PUT') return receivePublish(request, response, decodeURIComponent(url.pathname.slice(1)))
    if (url.pathname === '/-/v1/search') {
      const terms = (url.searchParams.get('text') ?? '').split(/\s+/).filter((term) => term.length > 0)
      const size = Number(url.searchParams.get('size') ?? 20)
      const objects = [...packages]
        .map(([name, versions]) => ({ name, latest: [...versions.values()].at(-1)! }))
        .filter(({ name, latest }) => {
          const keywords = (latest.packageJson.keywords as string[] | undefined) ?? []
          return terms.every((term) => (term.startsWith('keywords:') ? keywords.includes(term.slice('keywords:'.length)) : `${name} ${String(latest.packageJson.description ?? '')} ${keywords.join(' ')}`.toLowerCase().includes(term.toLowerCase())))
        })
        .slice(0, size)
        .map(({ name, latest }) => ({
          package: {
            name,
            scope: 'unscoped',
            version: latest.packageJson.version,
            description: latest.packageJson.description,
            keywords: latest.packageJson.keywords,
            date: latest.time,
            links: { npm: `https://www.npmjs.com/package/${name}` },
            publisher: { username: 'publisher', email: 'publisher@example.com' },
            maintainers: [{ username: 'publisher', email: 'publisher@example.com' }],
          },
          score: { final: 0.5, detail: { quality: 0.5, popularity: 0.1, maintenance: 0.9 } },
          searchScore: 1,
        }))
      return json(response, 200, { objects, total: objects.length, time: new Date(0).toUTCString() })
    }
    const tarball = /^\/([^/]+)\/-\/([^/]+)\.tgz$/.exec(url.pathname)
    if (tarball !== null) {
      const name = decodeURIComponent(tarball[1]!)
      const version = tarball[2]!.slice(name.length + 1)
      const stored = packages.get(name)?.get(version)
      if (stored === undefined) return json(response, 404, { error: 'Not found' })
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.tarball.length })
      return response.end(stored.tarball)
    }
    const name = decodeURIComponent(url.pathname.slice(1))
    const versions = packages.get(name)
    if (versions === undefined) return json(response, 404, { error: 'Not found' })
    return json(response, 200, packument(name, versions))
  })
  /** `PUT /<name>` as `npm publish` sends it: one version, its tarball base64 in _attachments. */
  const receivePublish = (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse, name: string) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(response, 401, { error: 'You must be logged in to publish packages.' })
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name: string; versions: Record<string, Record<string, unknown> & { dist: { integrity: string } }>; _attachments: Record<string, { data: string }> }
      const [version, document] = Object.entries(body.versions)[0]!
      const tarball = new Uint8Array(Buffer.from(Object.values(body._attachments)[0]!.data, 'base64'))
      const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`
      if (body.name !== name || integrity !== document.dist.integrity) return json(response, 400, { error: 'integrity or name mismatch' })
      if (packages.get(name)?.has(version) === true) return json(response, 403, { error: 'You cannot publish over the previously published versions: ' + version })
      const { _id: _ignored, dist: _dist, ...packageJson } = document
      add(name, version, { packageJson, tarball, integrity, time: new Date(Date.UTC(2026, 0, 1 + packages.size)).toISOString() })
      json(response, 201, { ok: true })
    })
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  const add = (name: string, version: string, stored: StoredVersion) => {
    const versions = packages.get(name) ?? new Map<string, StoredVersion>()
    versions.set(version, stored)
    packages.set(name, versions)
  }
  return {
    url: base,
    requests,
    publish(packed) {
      const integrity = `sha512-${createHash('sha512').update(packed.tarball).digest('base64')}`
      add(packed.manifest.name, packed.manifest.version, { packageJson: packed.packageJson, tarball: packed.tarball, integrity, time: new Date(Date.UTC(2026, 0, 1 + packages.size)).toISOString() })
    },
    publishOther(name, version) {
      const tarball = new Uint8Array([1, 2, 3])
      add(name, version, { packageJson: { name, version, description: 'not a plugin', keywords: ['string'] }, tarball, integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`, time: new Date(0).toISOString() })
    },
    replaceTarball(name, version, tarball) {
      packages.get(name)!.get(version)!.tarball = tarball
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
