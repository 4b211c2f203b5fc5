import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import type { KeyObject } from 'node:crypto'
import { writeFileAtomic } from './atomic-file.js'
import { MarketplaceError } from './marketplace-error.js'
import { NPM_PLUGIN_KEYWORD } from './npm-registry.js'
import { integrityOf, SIGNATURE_FILE, signPackage, verifyPackageSignature, type PackageSignature } from './package-signature.js'
import { parsePluginManifest, PLUGIN_MANIFEST_FILE, type PluginPackageManifest } from './plugin-package-manifest.js'
import { DEFAULT_PACKAGE_LIMITS, packTarball, type PackageFile } from './plugin-tarball.js'
import { emptyRegistryIndex, parseRegistryIndex, REGISTRY_INDEX_FILE, type RegistryIndex, type RegistryIndexEntry } from './static-registry.js'
import { safeEntryPath } from './tar-entry-path.js'

/** A packed, signed plugin, ready for a registry. */
export interface PackedPlugin {
  readonly manifest: PluginPackageManifest
  /** The `.tgz` bytes. */
  readonly tarball: Uint8Array
  /** sha512 SRI of the tarball. */
  readonly integrity: string
  readonly signature: PackageSignature
  /** The generated package.json (npm metadata: keyword, `livingdb` manifest). */
  readonly packageJson: Record<string, unknown>
}

const SKIPPED = new Set(['node_modules', SIGNATURE_FILE, 'package.json'])

function collectFiles(root: string, manifest: PluginPackageManifest): PackageFile[] {
  const files: PackageFile[] = []
  const walk = (path: string): void => {
    const stat = lstatSync(path, { throwIfNoEntry: false })
    const name = relative(root, path).split(sep).join('/')
    if (stat === undefined) throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${PLUGIN_MANIFEST_FILE} lists "${name}" in files, but ${path} does not exist.`)
    if (stat.isSymbolicLink()) throw new MarketplaceError('MARKETPLACE_ARCHIVE_UNSAFE', `${path} is a symbolic link; packages hold plain files only. Replace it with a copy.`, { details: { path } })
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules' || (path === root && SKIPPED.has(entry))) continue
        walk(join(path, entry))
      }
      return
    }
    if (!stat.isFile()) throw new MarketplaceError('MARKETPLACE_ARCHIVE_UNSAFE', `${path} is not a regular file; packages hold plain files only.`, { details: { path } })
    if (SKIPPED.has(name)) return
    files.push({ path: safeEntryPath(name), data: new Uint8Array(readFileSync(path)), mode: stat.mode & 0o111 ? 0o755 : 0o644 })
  }
  if (manifest.files === undefined) walk(root)
  else {
    walk(join(root, PLUGIN_MANIFEST_FILE))
    for (const listed of manifest.files) {
      const path = resolve(root, safeEntryPath(listed))
      walk(path)
    }
  }
  const unique = new Map(files.map((file) => [file.path, file]))
  return [...unique.values()]
}

/** The package.json a plugin package ships: ES modules, the npm keyword and the manifest under `livingdb`. */
export function pluginPackageJson(manifest: PluginPackageManifest): Record<string, unknown> {
  const { files: _files, ...published } = manifest
  return {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    author: manifest.author,
    type: 'module',
    main: manifest.main,
    keywords: [...new Set([NPM_PLUGIN_KEYWORD, ...(manifest.keywords ?? [])])],
    livingdb: published,
  }
}

/**
 * Packs a plugin directory (its `livingdb-plugin.json`, the files it lists or every
 * file but dot files and node_modules) into a signed `.tgz`. A package.json is generated
 * (`type: module`, keyword `livingdb-plugin`, the manifest under `livingdb`) so the same
 * tarball can be published to npm. Symbolic links are refused.
 *
 * @example
 * const packed = packPlugin({ directory: './my-plugin', privateKey: parsePrivateKey(pem, 'key.pem') })
 */
export function packPlugin(args: { readonly directory: string; readonly privateKey: KeyObject }): PackedPlugin {
  const root = resolve(args.directory)
  const manifestPath = join(root, PLUGIN_MANIFEST_FILE)
  if (!existsSync(manifestPath)) {
    throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${root} has no ${PLUGIN_MANIFEST_FILE}. A plugin directory needs one (see docs/marketplace.md).`, { details: { directory: root } })
  }
  const manifest = parsePluginManifest(readFileSync(manifestPath, 'utf8'), manifestPath)
  const packageJson = pluginPackageJson(manifest)
  const files = [...collectFiles(root, manifest), { path: 'package.json', data: new TextEncoder().encode(`${JSON.stringify(packageJson, null, 2)}\n`) }]
  if (!files.some((file) => file.path === manifest.main)) {
    throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${manifestPath}: main is "${manifest.main}", but the package would not contain that file. Build the plugin first or fix main/files.`, { details: { main: manifest.main } })
  }
  const signatureText = signPackage({ files, name: manifest.name, version: manifest.version, privateKey: args.privateKey })
  const signed = [...files, { path: SIGNATURE_FILE, data: new TextEncoder().encode(signatureText) }]
  const tarball = packTarball(signed)
  if (tarball.length > DEFAULT_PACKAGE_LIMITS.maxPackageBytes) {
    throw new MarketplaceError('MARKETPLACE_PACKAGE_TOO_LARGE', `The packed plugin is ${tarball.length} bytes, over the ${DEFAULT_PACKAGE_LIMITS.maxPackageBytes} installers accept. Ship only built files (use "files" in ${PLUGIN_MANIFEST_FILE}).`)
  }
  const signature = verifyPackageSignature({ files: new Map(signed.map((file) => [file.path, file])), name: manifest.name, version: manifest.version })
  return { manifest, tarball, integrity: integrityOf(tarball), signature, packageJson }
}

/** Where {@link publishToDirectory} puts a tarball, relative to the registry directory. */
export function tarballPath(name: string, version: string): string {
  return `tarballs/${name}-${version}.tgz`
}

/**
 * Publishes a packed plugin into a static registry directory: writes the tarball, then
 * adds the version to `index.json` (both atomically, under a lock file). Published
 * versions are immutable: `MARKETPLACE_VERSION_EXISTS` for a version already there.
 */
export function publishToDirectory(args: { readonly registryDirectory: string; readonly packed: PackedPlugin; readonly now?: Date }): { readonly tarball: string; readonly index: string } {
  const registry = resolve(args.registryDirectory)
  const { manifest } = args.packed
  const lockPath = join(registry, `${REGISTRY_INDEX_FILE}.lock`)
  mkdirSync(registry, { recursive: true })
  let lock: number
  try {
    lock = openSync(lockPath, 'wx')
  } catch {
    throw new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `Another publish holds ${lockPath}. Wait for it, or delete the file if no publish is running.`, { details: { path: lockPath } })
  }
  try {
    const indexPath = join(registry, REGISTRY_INDEX_FILE)
    const index: RegistryIndex = existsSync(indexPath) ? parseRegistryIndex(JSON.parse(readFileSync(indexPath, 'utf8')), indexPath) : emptyRegistryIndex()
    const versions = index.packages[manifest.name]?.versions ?? {}
    if (Object.hasOwn(versions, manifest.version)) {
      throw new MarketplaceError('MARKETPLACE_VERSION_EXISTS', `${manifest.name}@${manifest.version} is already in ${registry}; published versions never change. Bump "version" in ${PLUGIN_MANIFEST_FILE} and publish again.`, { details: { plugin: manifest.name, version: manifest.version } })
    }
    const relativeTarball = tarballPath(manifest.name, manifest.version)
    writeFileAtomic(join(registry, relativeTarball), args.packed.tarball)
    const { files: _files, ...listed } = manifest
    const entry = { integrity: args.packed.integrity, signature: args.packed.signature.signature, keyId: args.packed.signature.keyId, publishedAt: (args.now ?? new Date()).toISOString(), tarball: relativeTarball, manifest: listed as RegistryIndexEntry['manifest'] }
    const next: RegistryIndex = { ...index, packages: { ...index.packages, [manifest.name]: { versions: { ...versions, [manifest.version]: entry } } } }
    writeFileAtomic(indexPath, `${JSON.stringify(next, null, 2)}\n`)
    return { tarball: join(registry, relativeTarball), index: indexPath }
  } finally {
    closeSync(lock)
    rmSync(lockPath, { force: true })
  }
}
