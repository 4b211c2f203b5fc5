// TEST SUPPORT ONLY: plugin sources, a publisher key, a registry directory and a
// marketplace over a real database, plus a check that nothing was left installed.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { open as openEngine } from '../../../core/index.js'
import { readStoredPlugins, type StoredPlugin } from '../../host/stored-plugins.js'
import type { PluginPermissions } from '../../spec/plugin-permissions.js'
import { integrityOf, generatePublisherKey, parsePrivateKey } from '../package-signature.js'
import { createDatabaseActivation, type PluginActivation } from '../plugin-activation.js'
import { LOCKFILE_NAME } from '../plugin-lockfile.js'
import { PluginMarketplace, type ConsentRequest } from '../plugin-marketplace.js'
import { packPlugin, publishToDirectory, type PackedPlugin } from '../publish-plugin.js'
import { parseRegistryIndex, REGISTRY_INDEX_FILE, StaticRegistrySource } from '../static-registry.js'
import { writeTar, type TarWriteEntry } from '../tar-writer.js'

/** One publisher key for the whole test file. */
export const PUBLISHER = generatePublisherKey()
export const PUBLISHER_KEY = parsePrivateKey(PUBLISHER.privateKeyPem, 'test key')

/** Arguments of {@link writePluginSource}. */
export interface PluginSourceArgs {
  readonly root: string
  readonly name: string
  readonly version: string
  readonly permissions?: PluginPermissions
  /** Permissions the code declares, when they should differ from the manifest's. */
  readonly codePermissions?: PluginPermissions
  readonly dependencies?: Record<string, string>
  readonly engines?: string
}

/** The default permissions of a test plugin: read notes/, write its own keyspace. */
export function defaultPermissions(name: string): PluginPermissions {
  return { read: [{ keyspace: 'default', prefix: 'notes/' }], write: [name], network: false }
}

/** Writes a small counting plugin (plain JS, as a package ships) and its manifest; returns its directory. */
export function writePluginSource(args: PluginSourceArgs): string {
  const directory = join(args.root, 'sources', `${args.name}-${args.version}`)
  mkdirSync(directory, { recursive: true })
  const permissions = args.permissions ?? defaultPermissions(args.name)
  const manifest = {
    name: args.name,
    version: args.version,
    description: `Test plugin ${args.name}`,
    author: 'Test Publisher <test@example.com>',
    license: 'MIT',
    engines: { livingdb: args.engines ?? '>=0.1.0 <1.0.0' },
    apiVersion: 1,
    main: 'index.js',
    permissions,
    ...(args.dependencies === undefined ? {} : { dependencies: args.dependencies }),
    keywords: ['test'],
  }
  writeFileSync(join(directory, 'livingdb-plugin.json'), JSON.stringify(manifest, null, 2))
  const code = {
    name: args.name,
    version: args.version,
    apiVersion: 1,
    permissions: args.codePermissions ?? permissions,
  }
  writeFileSync(
    join(directory, 'index.js'),
    `const definition = ${JSON.stringify(code)}\n` +
      `export default { ...definition, hooks: { onCommit: ({ commits }) => ({ writes: [{ type: 'put', keyspace: ${JSON.stringify(args.name)}, key: 'last', value: commits.at(-1).txnId }] }) } }\n`,
  )
  return directory
}

/** A temporary world: a registry directory, a database and its marketplace. */
export interface TestWorld {
  readonly root: string
  readonly registryDirectory: string
  readonly databasePath: string
  readonly pluginsDirectory: string
  readonly marketplace: PluginMarketplace
  readonly registry: StaticRegistrySource
  /** Every consent request the marketplace made. */
  readonly consents: ConsentRequest[]
  /** Packs and publishes a test plugin into the registry directory. */
  publish(args: Omit<PluginSourceArgs, 'root'>): PackedPlugin
  remove(): void
}

/** Creates a {@link TestWorld}; the publisher key is trusted unless `trust: false`. */
export function createTestWorld(options: { readonly trust?: boolean; readonly activation?: PluginActivation; readonly limits?: ConstructorParameters<typeof PluginMarketplace>[0]['limits'] } = {}): TestWorld {
  const root = mkdtempSync(join(tmpdir(), 'livingdb-marketplace-'))
  const registryDirectory = join(root, 'registry')
  const databasePath = join(root, 'db')
  const pluginsDirectory = join(databasePath, 'plugins')
  const marketplace = new PluginMarketplace({
    pluginsDirectory,
    engineVersion: '0.1.0',
    activation: options.activation ?? createDatabaseActivation({ databasePath }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  })
  if (options.trust !== false) marketplace.keyring().trust({ keyOrFingerprint: PUBLISHER.publicKeyPem })
  return {
    root,
    registryDirectory,
    databasePath,
    pluginsDirectory,
    marketplace,
    get registry() {
      return new StaticRegistrySource(registryDirectory)
    },
    consents: [],
    publish(args) {
      const packed = packPlugin({ directory: writePluginSource({ root, ...args }), privateKey: PUBLISHER_KEY })
      publishToDirectory({ registryDirectory, packed })
      return packed
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
}

/** A consent prompt that records the request and answers `answer`. */
export function consentAnswering(world: TestWorld, answer: boolean): (request: ConsentRequest) => Promise<boolean> {
  return async (request) => {
    world.consents.push(request)
    return answer
  }
}

/** Replaces the tarball of `name@version` in the registry with `tarball`; `fixIntegrity` also rewrites the index entry's integrity. */
export function replaceTarball(world: TestWorld, args: { readonly name: string; readonly version: string; readonly tarball: Uint8Array; readonly fixIntegrity: boolean }): void {
  const indexPath = join(world.registryDirectory, REGISTRY_INDEX_FILE)
  const index = parseRegistryIndex(JSON.parse(readFileSync(indexPath, 'utf8')), indexPath)
  const entry = index.packages[args.name]!.versions[args.version]!
  writeFileSync(join(world.registryDirectory, entry.tarball), args.tarball)
  if (args.fixIntegrity) {
    entry.integrity = integrityOf(args.tarball)
    writeFileSync(indexPath, JSON.stringify(index, null, 2))
  }
}

/** A gzip-compressed tar of `entries` (hostile ones included). */
export function gzippedTar(entries: readonly TarWriteEntry[]): Uint8Array {
  return new Uint8Array(gzipSync(writeTar(entries)))
}

/** The plugins the database records a registration for. */
export async function registeredPlugins(databasePath: string): Promise<StoredPlugin[]> {
  if (!existsSync(databasePath)) return []
  const engine = await openEngine({ path: databasePath, durability: 'none' })
  try {
    return (await readStoredPlugins(engine)).filter((plugin) => plugin.registration !== null)
  } finally {
    await engine.close()
  }
}

/** What is installed: package directories, leftovers in staging, lockfile text, registrations. */
export async function installedState(world: TestWorld): Promise<{ packages: string[]; staging: string[]; lockfile: string | null; registered: string[] }> {
  const list = (directory: string) => (existsSync(directory) ? readdirSync(directory).sort() : [])
  const lockfilePath = join(world.pluginsDirectory, LOCKFILE_NAME)
  return {
    packages: list(join(world.pluginsDirectory, 'packages')),
    staging: list(join(world.pluginsDirectory, '.staging')),
    lockfile: existsSync(lockfilePath) ? readFileSync(lockfilePath, 'utf8') : null,
    registered: (await registeredPlugins(world.databasePath)).map((plugin) => `${plugin.name} ${plugin.registration!.module}`),
  }
}
