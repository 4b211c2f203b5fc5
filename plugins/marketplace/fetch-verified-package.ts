import { canonicalJson } from './canonical-json.js'
import { MarketplaceError } from './marketplace-error.js'
import { checkIntegrity, verifyPackageSignature } from './package-signature.js'
import { parsePluginManifest, PLUGIN_MANIFEST_FILE, type PluginPackageManifest } from './plugin-package-manifest.js'
import { DEFAULT_PACKAGE_LIMITS, unpackTarball, type PackageFile, type PackageLimits } from './plugin-tarball.js'
import type { PublisherKeyring } from './publisher-keyring.js'
import type { RegistrySource, RegistryVersion } from './registry-source.js'
import { satisfies } from './semver-range.js'

/** A downloaded package that passed every check; nothing of it has run or touched the disk. */
export interface VerifiedPackage {
  readonly manifest: PluginPackageManifest
  readonly files: ReadonlyMap<string, PackageFile>
  /** sha512 SRI of the tarball. */
  readonly integrity: string
  /** Fingerprint of the key that signed it. */
  readonly publisher: string
  /** False only when the user allowed an untrusted publisher. */
  readonly publisherTrusted: boolean
  readonly source: string
}

/** Arguments of {@link fetchVerifiedPackage}. */
export interface FetchVerifiedPackageArgs {
  readonly source: RegistrySource
  readonly registryVersion: RegistryVersion
  readonly keyring: PublisherKeyring
  readonly engineVersion: string
  readonly allowUntrustedPublisher?: boolean
  readonly limits?: Partial<PackageLimits>
  /** The integrity the lockfile records, which the tarball must match as well. */
  readonly lockedIntegrity?: string
}

function withoutFiles(manifest: PluginPackageManifest): Omit<PluginPackageManifest, 'files'> {
  const { files: _files, ...rest } = manifest
  return rest
}

/**
 * Downloads one package and checks, in order: size, sha512 integrity (against the
 * registry and the lockfile), the archive (strict tar, no unsafe entries), the manifest
 * (valid, the requested name and version, the same as the registry states), the
 * Ed25519 signature over the contents (and the registry's claimed key and signature),
 * the publisher's key in the keyring, engine and API compatibility, and that the entry
 * module and package.json are there. Throws the matching `MARKETPLACE_*` error.
 */
export async function fetchVerifiedPackage(args: FetchVerifiedPackageArgs): Promise<VerifiedPackage> {
  const { registryVersion } = args
  const limits: PackageLimits = { ...DEFAULT_PACKAGE_LIMITS, ...args.limits }
  const what = `${registryVersion.name}@${registryVersion.version}`
  const tarball = await args.source.fetchTarball({ version: registryVersion, maxBytes: limits.maxPackageBytes })
  const integrity = checkIntegrity({ bytes: tarball, expected: registryVersion.integrity, what })
  if (args.lockedIntegrity !== undefined) checkIntegrity({ bytes: tarball, expected: args.lockedIntegrity, what: `${what} (as the lockfile records it)` })
  const files = unpackTarball({ bytes: tarball, limits })
  const manifestFile = files.get(PLUGIN_MANIFEST_FILE)
  if (manifestFile === undefined) throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${what} has no ${PLUGIN_MANIFEST_FILE}; it is not a livingdb plugin package.`, { details: { plugin: registryVersion.name } })
  const manifest = parsePluginManifest(manifestFile.data, what)
  if (manifest.name !== registryVersion.name || manifest.version !== registryVersion.version) {
    throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `The registry served ${manifest.name}@${manifest.version} when ${what} was asked for. Refused: a registry must not swap packages.`, { details: { asked: what, served: `${manifest.name}@${manifest.version}` } })
  }
  if (canonicalJson(withoutFiles(manifest)) !== canonicalJson(withoutFiles(registryVersion.manifest))) {
    throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${what}: the manifest inside the package differs from the one the registry lists (permissions, dependencies or engines may have been changed). Refused.`, { details: { plugin: manifest.name } })
  }
  const signature = verifyPackageSignature({ files, name: manifest.name, version: manifest.version })
  if ((registryVersion.keyId !== undefined && registryVersion.keyId !== signature.keyId) || (registryVersion.signature !== undefined && registryVersion.signature !== signature.signature)) {
    throw new MarketplaceError('MARKETPLACE_SIGNATURE_INVALID', `${what}: the registry lists a different publisher key or signature than the package carries. Refused.`, { details: { plugin: manifest.name, listedKeyId: registryVersion.keyId, keyId: signature.keyId } })
  }
  const publisherTrusted = args.keyring.isTrusted(signature.keyId)
  if (!publisherTrusted && args.allowUntrustedPublisher !== true) {
    throw new MarketplaceError('MARKETPLACE_PUBLISHER_UNTRUSTED', `${what} is signed by publisher key ${signature.keyId}, which is not in your keyring (${args.keyring.path}). Confirm the fingerprint with the publisher, then run \`livingdb plugins trust ${signature.keyId}\`; or pass --allow-untrusted-publisher to install it anyway.`, {
      details: { plugin: manifest.name, version: manifest.version, keyId: signature.keyId },
    })
  }
  if (!satisfies(args.engineVersion, manifest.engines.livingdb)) {
    throw new MarketplaceError('MARKETPLACE_ENGINE_INCOMPATIBLE', `${what} needs livingdb ${manifest.engines.livingdb}, but this is livingdb ${args.engineVersion}. Upgrade livingdb or pick a plugin version made for it.`, {
      details: { plugin: manifest.name, engines: manifest.engines.livingdb, engineVersion: args.engineVersion },
    })
  }
  if (manifest.permissions.network) {
    throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${what} asks for network access; marketplace plugins run in the sandbox, which grants none. Models are reachable through permissions.model.`, { details: { plugin: manifest.name } })
  }
  if (!files.has(manifest.main) || !files.has('package.json')) {
    throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${what} lacks ${files.has(manifest.main) ? 'package.json' : `its entry module ${manifest.main}`}. Refused.`, { details: { plugin: manifest.name } })
  }
  return { manifest, files, integrity, publisher: signature.keyId, publisherTrusted, source: args.source.location }
}
