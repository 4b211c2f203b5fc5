import type { PluginPackageManifest } from './plugin-package-manifest.js'

/** One published version as a registry lists it. Nothing here is trusted until the tarball verifies. */
export interface RegistryVersion {
  readonly name: string
  readonly version: string
  /** sha512 SRI of the tarball (`sha512-...`): the static index's `integrity` or npm's `dist.integrity`. */
  readonly integrity: string
  /** Where the tarball is (URL, or a path inside a directory registry). */
  readonly tarball: string
  /** The publisher key fingerprint the registry claims (static registries). */
  readonly keyId?: string
  /** The signature the registry claims (static registries); must equal the one in the package. */
  readonly signature?: string
  /** Publish time, ISO 8601. */
  readonly publishedAt?: string
  /** The manifest as the registry states it; resolution uses it, installation re-checks it against the package. */
  readonly manifest: PluginPackageManifest
}

/** One search result. */
export interface RegistrySearchHit {
  readonly name: string
  readonly version: string
  readonly description: string
  readonly keywords: readonly string[]
  /** Publisher key fingerprint (static) or npm user name, when known. */
  readonly publisher?: string
}

/**
 * A place plugins come from: a static livingdb registry (a directory or an HTTP(S)
 * server holding `index.json` and tarballs) or an npm registry (`npm:<url>`).
 *
 * @example
 * const source = openRegistry('npm:http://127.0.0.1:4873')
 * const hits = await source.search('pii')
 * const versions = await source.versions('pii-scanner')
 * const tarball = await source.fetchTarball({ version: versions[0]!, maxBytes: 16 << 20 })
 */
export interface RegistrySource {
  readonly kind: 'static' | 'npm'
  /** The canonical address, as recorded in the lockfile (`/abs/dir`, `https://...`, `npm:https://...`). */
  readonly location: string
  search(text: string): Promise<readonly RegistrySearchHit[]>
  /** Every version of a plugin; `MARKETPLACE_PACKAGE_NOT_FOUND` when the registry has none. */
  versions(name: string): Promise<readonly RegistryVersion[]>
  fetchTarball(args: { readonly version: RegistryVersion; readonly maxBytes: number }): Promise<Uint8Array>
}
