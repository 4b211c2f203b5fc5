export { MarketplaceError, type MarketplaceErrorCode } from './marketplace-error.js'
export { readTar, type ReadTarArgs, type TarEntry } from './tar-reader.js'
export { writeTar, type TarWriteEntry } from './tar-writer.js'
export { DEFAULT_TAR_LIMITS, type TarLimits } from './tar-format.js'
export { safeEntryPath } from './tar-entry-path.js'
export { DEFAULT_PACKAGE_LIMITS, PACKAGE_ROOT, packTarball, unpackTarball, type PackageFile, type PackageLimits } from './plugin-tarball.js'
export { compareVersions, maxSatisfying, parseVersion, satisfies, type SemanticVersion } from './semver-range.js'
export { PLUGIN_API_VERSION, PLUGIN_MANIFEST_FILE, authorLine, parsePluginManifest, pluginPackageManifestSchema, type PluginPackageManifest } from './plugin-package-manifest.js'
export { describePermissions, widenedPermissions } from './plugin-permission-text.js'
export {
  SIGNATURE_FILE,
  checkIntegrity,
  contentDigest,
  generatePublisherKey,
  integrityOf,
  keyFingerprint,
  parsePrivateKey,
  parsePublicKey,
  signPackage,
  verifyPackageSignature,
  type PackageSignature,
} from './package-signature.js'
export { PublisherKeyring, type TrustedKey } from './publisher-keyring.js'
export type { RegistrySearchHit, RegistrySource, RegistryVersion } from './registry-source.js'
export { REGISTRY_INDEX_FILE, StaticRegistrySource, parseRegistryIndex, type RegistryIndex } from './static-registry.js'
export { NPM_PLUGIN_KEYWORD, NPM_PREFIX, NpmRegistrySource } from './npm-registry.js'
export { openRegistry } from './open-registry.js'
export { startRegistryServer, type RegistryServer, type StartRegistryServerArgs } from './registry-server.js'
export { packPlugin, pluginPackageJson, publishToDirectory, tarballPath, type PackedPlugin } from './publish-plugin.js'
export { LOCKFILE_NAME, readLockfile, type LockedPlugin, type PluginLockfile } from './plugin-lockfile.js'
export { resolvePlugins, type PluginRequest, type ResolvedPlugin } from './resolve-plugins.js'
export { fetchVerifiedPackage, type VerifiedPackage } from './fetch-verified-package.js'
export { createDatabaseActivation, type PluginActivation, type ReportedPlugin } from './plugin-activation.js'
export { PACKAGES_DIRECTORY, STAGING_DIRECTORY, commitPluginChanges } from './commit-plugin-changes.js'
export { KEYRING_NAME, PluginMarketplace, type ChangeArgs, type ChangeReport, type ConsentItem, type ConsentPrompt, type ConsentRequest, type PluginMarketplaceOptions } from './plugin-marketplace.js'
export { consentText } from './consent-text.js'
export { npmPublishDocument, publishToNpm, type PublishToNpmArgs } from './npm-publish.js'
