import { existsSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { z } from 'zod'
import { MarketplaceError } from './marketplace-error.js'
import { pluginPackageManifestSchema, type PluginPackageManifest } from './plugin-package-manifest.js'
import { fetchLimited, parseRegistryJson } from './registry-http.js'
import type { RegistrySearchHit, RegistrySource, RegistryVersion } from './registry-source.js'

/** The index file of a static registry. */
export const REGISTRY_INDEX_FILE = 'index.json'
/** Largest index accepted, bytes. */
const MAX_INDEX_BYTES = 32 * 1024 * 1024

const versionEntrySchema = z
  .object({
    integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/),
    signature: z.string().max(200),
    keyId: z.string().regex(/^[0-9a-f]{64}$/),
    publishedAt: z.string().max(40),
    tarball: z.string().min(1).max(1024),
    manifest: pluginPackageManifestSchema,
  })
  .strict()

/** Validates a static registry's `index.json`. */
export const registryIndexSchema = z
  .object({
    format: z.literal('livingdb-registry'),
    version: z.literal(1),
    packages: z.record(z.string(), z.object({ versions: z.record(z.string(), versionEntrySchema) }).strict()),
  })
  .strict()

/** One version in `index.json`. */
export type RegistryIndexEntry = z.infer<typeof versionEntrySchema>
/** The whole `index.json`. */
export type RegistryIndex = z.infer<typeof registryIndexSchema>

/** An empty index. */
export function emptyRegistryIndex(): RegistryIndex {
  return { format: 'livingdb-registry', version: 1, packages: {} }
}

/** Parses an index (`MARKETPLACE_REGISTRY_INVALID` naming the problem). */
export function parseRegistryIndex(value: unknown, where: string): RegistryIndex {
  const parsed = registryIndexSchema.safeParse(value)
  if (!parsed.success) {
    throw new MarketplaceError('MARKETPLACE_REGISTRY_INVALID', `${where} is not a livingdb registry index: ${z.prettifyError(parsed.error).replaceAll('\n', '; ').slice(0, 1_000)}. Point --registry at a directory or URL made by \`livingdb plugins publish\` (npm registries: npm:URL).`, { details: { where } })
  }
  return parsed.data
}

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location)
}

/**
 * A static registry read from a directory or an HTTP(S) server: `index.json` lists
 * every version with its integrity, signature, publisher key id, publish time, tarball
 * path and manifest; tarballs sit beside it (`tarballs/<name>-<version>.tgz`). The index
 * is read once per source object.
 */
export class StaticRegistrySource implements RegistrySource {
  readonly kind = 'static' as const
  readonly location: string
  #index: Promise<RegistryIndex> | undefined

  constructor(location: string) {
    this.location = isUrl(location) ? (location.endsWith('/') ? location : `${location}/`) : resolve(location)
  }

  async search(text: string): Promise<readonly RegistrySearchHit[]> {
    const index = await this.#load()
    const words = text.toLowerCase().split(/\s+/).filter((word) => word.length > 0)
    const hits: RegistrySearchHit[] = []
    for (const [name, entry] of Object.entries(index.packages)) {
      const latest = Object.values(entry.versions).sort((left, right) => (left.publishedAt < right.publishedAt ? 1 : -1))[0]
      if (latest === undefined) continue
      const haystack = [name, latest.manifest.description, ...(latest.manifest.keywords ?? [])].join(' ').toLowerCase()
      if (words.every((word) => haystack.includes(word))) {
        hits.push({ name, version: latest.manifest.version, description: latest.manifest.description, keywords: latest.manifest.keywords ?? [], publisher: latest.keyId })
      }
    }
    return hits.sort((left, right) => (left.name < right.name ? -1 : 1))
  }

  async versions(name: string): Promise<readonly RegistryVersion[]> {
    const index = await this.#load()
    const entry = Object.hasOwn(index.packages, name) ? index.packages[name] : undefined
    if (entry === undefined || Object.keys(entry.versions).length === 0) {
      throw new MarketplaceError('MARKETPLACE_PACKAGE_NOT_FOUND', `The registry ${this.location} has no plugin named "${name}". Search it with \`livingdb plugins search\`.`, { details: { plugin: name, registry: this.location } })
    }
    return Object.entries(entry.versions).map(([version, record]) => toRegistryVersion(name, version, record))
  }

  async fetchTarball(args: { readonly version: RegistryVersion; readonly maxBytes: number }): Promise<Uint8Array> {
    const { tarball } = args.version
    if (isUrl(this.location)) {
      const url = new URL(tarball, this.location).href
      const body = await fetchLimited({ url, maxBytes: args.maxBytes, what: 'tarball', accept: 'application/octet-stream' })
      if (body === undefined) throw unreachableFile(url)
      return body
    }
    const path = resolve(this.location, tarball)
    const fromRoot = relative(this.location, path)
    if (isAbsolute(tarball) || fromRoot.startsWith(`..${sep}`) || fromRoot === '..' || isAbsolute(fromRoot)) {
      throw new MarketplaceError('MARKETPLACE_REGISTRY_INVALID', `The registry index points the tarball of ${args.version.name}@${args.version.version} outside the registry directory (${JSON.stringify(tarball)}). Refused.`, { details: { tarball } })
    }
    const stat = statSync(path, { throwIfNoEntry: false })
    if (stat === undefined || !stat.isFile()) throw unreachableFile(path)
    if (stat.size > args.maxBytes) {
      throw new MarketplaceError('MARKETPLACE_PACKAGE_TOO_LARGE', `The package ${args.version.name}@${args.version.version} is ${stat.size} bytes, over the limit of ${args.maxBytes}. Refused.`, { details: { size: stat.size, maxBytes: args.maxBytes } })
    }
    return new Uint8Array(readFileSync(path))
  }

  #load(): Promise<RegistryIndex> {
    this.#index ??= this.#read()
    return this.#index
  }

  async #read(): Promise<RegistryIndex> {
    if (isUrl(this.location)) {
      const url = new URL(REGISTRY_INDEX_FILE, this.location).href
      const body = await fetchLimited({ url, maxBytes: MAX_INDEX_BYTES, what: 'index' })
      if (body === undefined) throw new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `There is no registry index at ${url} (HTTP 404). Check the --registry address.`, { details: { url } })
      return parseRegistryIndex(parseRegistryJson(body, url), url)
    }
    const path = resolve(this.location, REGISTRY_INDEX_FILE)
    if (!existsSync(path)) {
      throw new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `There is no registry index at ${path}. Check the --registry directory, or publish a plugin into it with \`livingdb plugins publish <dir> --registry ${this.location} --key <file>\`.`, { details: { path } })
    }
    const stat = statSync(path)
    if (stat.size > MAX_INDEX_BYTES) throw new MarketplaceError('MARKETPLACE_REGISTRY_INVALID', `The registry index ${path} is over ${MAX_INDEX_BYTES} bytes. Refused.`)
    return parseRegistryIndex(parseRegistryJson(new Uint8Array(readFileSync(path)), path), path)
  }
}

function unreachableFile(where: string): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `The registry lists a tarball at ${where}, but it cannot be read. The registry is incomplete or went away; retry later. Nothing was installed.`, { details: { where } })
}

function toRegistryVersion(name: string, version: string, record: RegistryIndexEntry): RegistryVersion {
  return { name, version, integrity: record.integrity, tarball: record.tarball, keyId: record.keyId, signature: record.signature, publishedAt: record.publishedAt, manifest: record.manifest as PluginPackageManifest }
}
