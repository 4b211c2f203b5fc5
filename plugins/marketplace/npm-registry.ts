import { z } from 'zod'
import { MarketplaceError } from './marketplace-error.js'
import { pluginPackageManifestSchema, type PluginPackageManifest } from './plugin-package-manifest.js'
import { fetchLimited, parseRegistryJson } from './registry-http.js'
import type { RegistrySearchHit, RegistrySource, RegistryVersion } from './registry-source.js'

/** The npm keyword every livingdb plugin package carries. */
export const NPM_PLUGIN_KEYWORD = 'livingdb-plugin'
/** How a registry address names an npm registry: `npm:https://registry.npmjs.org`. */
export const NPM_PREFIX = 'npm:'
const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024

const searchSchema = z.object({
  objects: z.array(
    z.object({
      package: z.object({
        name: z.string(),
        version: z.string(),
        description: z.string().optional(),
        keywords: z.array(z.string()).optional(),
        publisher: z.object({ username: z.string() }).partial().optional(),
      }),
    }),
  ),
})

const packumentVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  keywords: z.array(z.string()).optional(),
  dist: z.object({ tarball: z.string(), integrity: z.string().optional(), shasum: z.string().optional() }),
  livingdb: z.unknown().optional(),
})

const packumentSchema = z.object({
  name: z.string(),
  versions: z.record(z.string(), z.unknown()),
  time: z.record(z.string(), z.string()).optional(),
})

/**
 * An npm registry as a plugin source, speaking npm's documented registry API: search
 * with `GET /-/v1/search?text=keywords:livingdb-plugin <text>`, metadata from the full
 * packument `GET /<name>`, tarballs from `dist.tarball`, checked against
 * `dist.integrity` (sha512) and then against the package's own Ed25519 signature. A
 * version counts as a livingdb plugin when it has the `livingdb-plugin` keyword and
 * its package.json carries the manifest under `livingdb` (as `plugins publish` writes it).
 */
export class NpmRegistrySource implements RegistrySource {
  readonly kind = 'npm' as const
  readonly location: string
  readonly #base: string

  /** `url` is the registry root (`https://registry.npmjs.org`); `location` becomes `npm:<url>`. */
  constructor(url: string) {
    this.#base = url.endsWith('/') ? url : `${url}/`
    this.location = `${NPM_PREFIX}${this.#base.slice(0, -1)}`
  }

  async search(text: string): Promise<readonly RegistrySearchHit[]> {
    const query = `keywords:${NPM_PLUGIN_KEYWORD}${text.trim() === '' ? '' : ` ${text.trim()}`}`
    const url = `${this.#base}-/v1/search?text=${encodeURIComponent(query)}&size=100`
    const body = await fetchLimited({ url, maxBytes: MAX_DOCUMENT_BYTES, what: 'index' })
    if (body === undefined) throw new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `${url} answered 404: this registry has no search API.`, { details: { url } })
    const parsed = searchSchema.safeParse(parseRegistryJson(body, url))
    if (!parsed.success) throw invalidDocument(url, parsed.error)
    return parsed.data.objects
      .map((object) => object.package)
      .filter((found) => (found.keywords ?? []).includes(NPM_PLUGIN_KEYWORD))
      .map((found) => ({
        name: found.name,
        version: found.version,
        description: found.description ?? '',
        keywords: found.keywords ?? [],
        ...(found.publisher?.username === undefined ? {} : { publisher: found.publisher.username }),
      }))
  }

  async versions(name: string): Promise<readonly RegistryVersion[]> {
    const url = `${this.#base}${encodeURIComponent(name)}`
    const body = await fetchLimited({ url, maxBytes: MAX_DOCUMENT_BYTES, what: 'index', accept: 'application/json' })
    if (body === undefined) throw notFound(name, this.location, 'it has no package of that name')
    const parsed = packumentSchema.safeParse(parseRegistryJson(body, url))
    if (!parsed.success) throw invalidDocument(url, parsed.error)
    if (parsed.data.name !== name) throw new MarketplaceError('MARKETPLACE_REGISTRY_INVALID', `${url} answered with the packument of "${parsed.data.name}", not "${name}". Refused.`, { details: { url } })
    const versions: RegistryVersion[] = []
    for (const [version, raw] of Object.entries(parsed.data.versions)) {
      const document = packumentVersionSchema.safeParse(raw)
      if (!document.success || document.data.version !== version || document.data.name !== name) continue
      if (!(document.data.keywords ?? []).includes(NPM_PLUGIN_KEYWORD)) continue
      const manifest = pluginPackageManifestSchema.safeParse(document.data.livingdb)
      if (!manifest.success || document.data.dist.integrity === undefined) continue
      const publishedAt = parsed.data.time?.[version]
      versions.push({
        name,
        version,
        integrity: document.data.dist.integrity,
        tarball: document.data.dist.tarball,
        ...(publishedAt === undefined ? {} : { publishedAt }),
        manifest: manifest.data as PluginPackageManifest,
      })
    }
    if (versions.length === 0) throw notFound(name, this.location, `no version of it is a livingdb plugin (keyword "${NPM_PLUGIN_KEYWORD}", a "livingdb" manifest and a sha512 dist.integrity)`)
    return versions
  }

  async fetchTarball(args: { readonly version: RegistryVersion; readonly maxBytes: number }): Promise<Uint8Array> {
    const url = new URL(args.version.tarball, this.#base).href
    const body = await fetchLimited({ url, maxBytes: args.maxBytes, what: 'tarball', accept: 'application/octet-stream' })
    if (body === undefined) {
      throw new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `The tarball of ${args.version.name}@${args.version.version} is gone from ${url} (HTTP 404). Retry later; nothing was installed.`, { details: { url } })
    }
    return body
  }
}

function invalidDocument(url: string, error: z.ZodError): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_REGISTRY_INVALID', `${url} is not an npm registry answer: ${z.prettifyError(error).replaceAll('\n', '; ').slice(0, 600)}. Check the npm:URL given to --registry.`, { details: { url } })
}

function notFound(name: string, location: string, reason: string): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_PACKAGE_NOT_FOUND', `The npm registry ${location} has no livingdb plugin "${name}": ${reason}. Search with \`livingdb plugins search --registry ${location}\`.`, { details: { plugin: name, registry: location } })
}
