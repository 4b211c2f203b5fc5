import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { PluginPermissions } from '../spec/plugin-permissions.js'
import { canonicalJson } from './canonical-json.js'
import { fetchVerifiedPackage, type VerifiedPackage } from './fetch-verified-package.js'
import { commitPluginChanges, packageDirectory, STAGING_DIRECTORY } from './commit-plugin-changes.js'
import { withPluginsDirectoryLock } from './plugins-directory-lock.js'
import { MarketplaceError } from './marketplace-error.js'
import { openRegistry } from './open-registry.js'
import type { PluginActivation } from './plugin-activation.js'
import { LOCKFILE_NAME, lockedEntry, readLockfile, type LockedPlugin, type PluginLockfile } from './plugin-lockfile.js'
import { authorLine } from './plugin-package-manifest.js'
import { describePermissions, widenedPermissions } from './plugin-permission-text.js'
import type { PackageLimits } from './plugin-tarball.js'
import { PublisherKeyring } from './publisher-keyring.js'
import type { RegistrySource } from './registry-source.js'
import { resolvePlugins, type PluginRequest, type ResolvedPlugin } from './resolve-plugins.js'

/** The keyring's file name inside the plugins directory (unless `keyringPath` says otherwise). */
export const KEYRING_NAME = 'keyring.json'

/** One plugin in a {@link ConsentRequest}. */
export interface ConsentItem {
  readonly name: string
  readonly version: string
  /** The installed version it replaces, if any. */
  readonly previousVersion?: string
  readonly description: string
  readonly author: string
  readonly license: string
  /** Publisher key fingerprint, and whether it is in the keyring. */
  readonly publisher: string
  readonly publisherTrusted: boolean
  readonly permissions: PluginPermissions
  /** Every permission, one sentence each. */
  readonly permissionLines: readonly string[]
  /** What is new compared with the installed version (all lines for a new plugin). */
  readonly newPermissionLines: readonly string[]
  /** True when this plugin is why consent is asked (new, or asking for more). */
  readonly needsConsent: boolean
}

/** What the user is asked to agree to before any plugin code runs. */
export interface ConsentRequest {
  readonly action: 'install' | 'update' | 'reinstall'
  readonly plugins: readonly ConsentItem[]
}

/** Asks the user; resolves true for consent. The CLI prompts on a terminal or takes `--yes`. */
export type ConsentPrompt = (request: ConsentRequest) => Promise<boolean>

/** Options of {@link PluginMarketplace}. */
export interface PluginMarketplaceOptions {
  /** Holds `packages/`, the lockfile and (by default) the keyring. */
  readonly pluginsDirectory: string
  /** This livingdb's version, for `engines.livingdb`. */
  readonly engineVersion: string
  readonly activation: PluginActivation
  /** Default `<pluginsDirectory>/keyring.json`. */
  readonly keyringPath?: string
  readonly limits?: Partial<PackageLimits>
  readonly now?: () => Date
  readonly onProgress?: (message: string) => void
}

/** Arguments shared by install, update and reinstall. */
export interface ChangeArgs {
  readonly consent: ConsentPrompt
  /** Install packages whose publisher key is not in the keyring. Default false. */
  readonly allowUntrustedPublisher?: boolean
  /** Allow versions older than the lockfile's. Default false. */
  readonly allowDowngrade?: boolean
}

/** What an install, update or reinstall changed. */
export interface ChangeReport {
  readonly changed: readonly { readonly name: string; readonly version: string; readonly previousVersion?: string; readonly integrity: string; readonly publisher: string; readonly permissions: PluginPermissions }[]
  /** Plugins that were already at the resolved version. */
  readonly unchanged: readonly string[]
}

/**
 * Installs, updates, reinstalls and removes marketplace plugins for one database. Every
 * change downloads and verifies everything first (integrity, archive, manifest,
 * signature, trusted publisher, engine), then asks for consent to the permissions, then
 * commits atomically (see `commitPluginChanges`). Installed plugins are recorded in the
 * lockfile and enabled as untrusted (sandboxed) plugins through the activation.
 *
 * @example
 * const marketplace = new PluginMarketplace({ pluginsDirectory: './data/plugins', engineVersion: '0.1.0', activation: createDatabaseActivation({ databasePath: './data' }) })
 * await marketplace.install({ registry: openRegistry('./registry'), requests: [{ name: 'pii-scanner', range: '^1.0.0' }], consent: async () => true })
 */
export class PluginMarketplace {
  readonly #options: PluginMarketplaceOptions

  constructor(options: PluginMarketplaceOptions) {
    this.#options = options
  }

  get lockfilePath(): string {
    return join(this.#options.pluginsDirectory, LOCKFILE_NAME)
  }

  /** The keyring of trusted publishers. */
  keyring(): PublisherKeyring {
    return PublisherKeyring.open(this.#options.keyringPath ?? join(this.#options.pluginsDirectory, KEYRING_NAME))
  }

  lockfile(): PluginLockfile {
    return readLockfile(this.lockfilePath)
  }

  /** The installed plugins (from the lockfile), with whether their directory is present. */
  list(): readonly (LockedPlugin & { readonly name: string; readonly present: boolean })[] {
    return Object.entries(this.lockfile().plugins).map(([name, locked]) => ({ name, ...locked, present: existsSync(join(this.#options.pluginsDirectory, locked.directory)) }))
  }

  /** Installs plugins (and their dependencies) from `registry`. */
  async install(args: ChangeArgs & { readonly registry: RegistrySource; readonly requests: readonly PluginRequest[] }): Promise<ChangeReport> {
    return this.#exclusive(async () => {
      const lockfile = this.lockfile()
      const resolved = await resolvePlugins({ source: args.registry, requests: args.requests, lockfile, engineVersion: this.#options.engineVersion, allowDowngrade: args.allowDowngrade ?? false, keepLockedDependencies: true })
      return this.#apply({ ...args, action: 'install', lockfile, groups: [{ registry: args.registry, resolved }] })
    })
  }

  /**
   * Updates plugins the user installed (all, or `names`) to the newest version in their
   * recorded range (or `ranges`). An update asking for more permissions needs consent.
   */
  async update(args: ChangeArgs & { readonly registry?: RegistrySource; readonly names?: readonly string[]; readonly ranges?: Readonly<Record<string, string>> }): Promise<ChangeReport> {
    return this.#exclusive(async () => {
      const lockfile = this.lockfile()
      const names = args.names ?? Object.entries(lockfile.plugins).filter(([, locked]) => locked.requested !== undefined).map(([name]) => name)
      const bySource = new Map<string, PluginRequest[]>()
      for (const name of names) {
        const locked = this.#locked(lockfile, name)
        const location = args.registry?.location ?? locked.source
        bySource.set(location, [...(bySource.get(location) ?? []), { name, range: args.ranges?.[name] ?? locked.requested ?? '*' }])
      }
      const groups: { registry: RegistrySource; resolved: ResolvedPlugin[] }[] = []
      for (const [location, requests] of bySource) {
        const registry = args.registry ?? openRegistry(location)
        const resolved = await resolvePlugins({ source: registry, requests, lockfile, engineVersion: this.#options.engineVersion, allowDowngrade: args.allowDowngrade ?? false, keepLockedDependencies: false })
        // Updating a plugin that came in as a dependency does not make it one you asked for.
        const dependencyOnly = (name: string) => lockedEntry(lockfile, name)?.requested === undefined && args.ranges?.[name] === undefined
        groups.push({ registry, resolved: resolved.map(({ requested, ...plugin }) => (requested === undefined || dependencyOnly(plugin.registryVersion.name) ? plugin : { ...plugin, requested })) })
      }
      return this.#apply({ ...args, action: 'update', lockfile, groups })
    })
  }

  /**
   * Installs exactly what the lockfile records (same versions, same integrity, same
   * granted permissions), from each plugin's recorded registry unless `registry` is given:
   * for a fresh clone, or to repair a damaged install. Needs no new consent.
   */
  async reinstall(args: ChangeArgs & { readonly registry?: RegistrySource }): Promise<ChangeReport> {
    return this.#exclusive(async () => {
      const lockfile = this.lockfile()
      const registries = new Map<string, RegistrySource>()
      const verified: VerifiedPackage[] = []
      const keyring = this.keyring()
      for (const [name, locked] of Object.entries(lockfile.plugins)) {
        const registry = args.registry ?? registries.get(locked.source) ?? openRegistry(locked.source)
        registries.set(locked.source, registry)
        const registryVersion = (await registry.versions(name)).find((candidate) => candidate.version === locked.version)
        if (registryVersion === undefined) {
          throw new MarketplaceError('MARKETPLACE_PACKAGE_NOT_FOUND', `The lockfile records ${name}@${locked.version}, but ${registry.location} no longer offers that version. Pass --registry with a registry that has it, or update the plugin.`, { details: { plugin: name, version: locked.version } })
        }
        this.#progress(`downloading ${name}@${locked.version}`)
        const pkg = await fetchVerifiedPackage({ source: registry, registryVersion, keyring, engineVersion: this.#options.engineVersion, lockedIntegrity: locked.integrity, allowUntrustedPublisher: args.allowUntrustedPublisher === true || !locked.publisherTrusted, ...this.#limits() })
        if (canonicalJson(pkg.manifest.permissions) !== canonicalJson(locked.permissions)) {
          throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${name}@${locked.version} requests other permissions than the lockfile grants. Refused.`, { details: { plugin: name } })
        }
        verified.push(pkg)
      }
      await commitPluginChanges({ pluginsDirectory: this.#options.pluginsDirectory, activation: this.#options.activation, install: verified, remove: [], previous: lockfile, next: lockfile, ...this.#progressOption() })
      return { changed: verified.map((pkg) => this.#changed(pkg, lockfile)), unchanged: [] }
    })
  }

  /**
   * Uninstalls plugins: switches them off in the database, drops them from the lockfile
   * and deletes their files; dependencies nobody needs any more go too.
   * `MARKETPLACE_DEPENDED_ON` when a remaining plugin needs one of them.
   */
  async uninstall(args: { readonly names: readonly string[] }): Promise<{ readonly removed: readonly string[] }> {
    return this.#exclusive(async () => {
      const lockfile = this.lockfile()
      for (const name of args.names) this.#locked(lockfile, name)
      const removed = new Set(args.names)
      for (const [name, locked] of Object.entries(lockfile.plugins)) {
        if (removed.has(name)) continue
        const needed = Object.keys(locked.dependencies).find((dependency) => removed.has(dependency))
        if (needed !== undefined) {
          throw new MarketplaceError('MARKETPLACE_DEPENDED_ON', `${name} depends on ${needed}; uninstall ${name} first (or both together).`, { details: { plugin: needed, dependent: name } })
        }
      }
      for (let pruned = true; pruned; ) {
        pruned = false
        for (const [name, locked] of Object.entries(lockfile.plugins)) {
          if (removed.has(name) || locked.requested !== undefined) continue
          const stillNeeded = Object.entries(lockfile.plugins).some(([other, entry]) => !removed.has(other) && Object.hasOwn(entry.dependencies, name))
          if (!stillNeeded) {
            removed.add(name)
            pruned = true
          }
        }
      }
      const next: PluginLockfile = { ...lockfile, plugins: Object.fromEntries(Object.entries(lockfile.plugins).filter(([name]) => !removed.has(name))) }
      await commitPluginChanges({ pluginsDirectory: this.#options.pluginsDirectory, activation: this.#options.activation, install: [], remove: [...removed], previous: lockfile, next, ...this.#progressOption() })
      return { removed: [...removed].sort() }
    })
  }

  async #apply(args: ChangeArgs & { readonly action: 'install' | 'update'; readonly lockfile: PluginLockfile; readonly groups: readonly { readonly registry: RegistrySource; readonly resolved: readonly ResolvedPlugin[] }[] }): Promise<ChangeReport> {
    const { lockfile } = args
    const keyring = this.keyring()
    const verified: VerifiedPackage[] = []
    const unchanged: string[] = []
    const plugins: Record<string, LockedPlugin> = { ...lockfile.plugins }
    const now = (this.#options.now?.() ?? new Date()).toISOString()
    for (const { registry, resolved } of args.groups) {
      for (const plugin of resolved) {
        const { name, version } = plugin.registryVersion
        const locked = lockedEntry(lockfile, name)
        if (plugin.alreadyInstalled && locked !== undefined) {
          unchanged.push(name)
          plugins[name] = { ...locked, dependencies: plugin.dependencies, dependencyRanges: plugin.registryVersion.manifest.dependencies ?? {}, ...(plugin.requested === undefined ? {} : { requested: plugin.requested }) }
          continue
        }
        this.#progress(`downloading ${name}@${version} from ${registry.location}`)
        const pkg = await fetchVerifiedPackage({ source: registry, registryVersion: plugin.registryVersion, keyring, engineVersion: this.#options.engineVersion, ...(args.allowUntrustedPublisher === undefined ? {} : { allowUntrustedPublisher: args.allowUntrustedPublisher }), ...this.#limits() })
        verified.push(pkg)
        plugins[name] = {
          version,
          integrity: pkg.integrity,
          source: registry.location,
          publisher: pkg.publisher,
          publisherTrusted: pkg.publisherTrusted,
          permissions: pkg.manifest.permissions,
          dependencies: plugin.dependencies,
          dependencyRanges: pkg.manifest.dependencies ?? {},
          ...(plugin.requested === undefined ? {} : { requested: plugin.requested }),
          directory: packageDirectory(name, version),
          main: pkg.manifest.main,
          installedAt: now,
        }
      }
    }
    const items = verified.map((pkg) => this.#consentItem(pkg, lockedEntry(lockfile, pkg.manifest.name)))
    if (items.some((item) => item.needsConsent)) {
      const granted = await args.consent({ action: args.action, plugins: items })
      if (!granted) {
        const asked = items.filter((item) => item.needsConsent).map((item) => `${item.name}@${item.version}`)
        throw new MarketplaceError('MARKETPLACE_CONSENT_REQUIRED', `The permissions requested by ${asked.join(', ')} were not granted, so nothing was ${args.action === 'update' ? 'updated' : 'installed'}. Review them (\`livingdb plugins info <name>\`) and rerun, answering yes or passing --yes.`, {
          details: { plugins: asked, permissions: Object.fromEntries(items.filter((item) => item.needsConsent).map((item) => [item.name, item.newPermissionLines])) },
        })
      }
    }
    // Dependents record the versions their dependencies now have.
    for (const [name, locked] of Object.entries(plugins)) {
      plugins[name] = { ...locked, dependencies: Object.fromEntries(Object.keys(locked.dependencies).map((dependency) => [dependency, (Object.hasOwn(plugins, dependency) ? plugins[dependency]!.version : undefined) ?? locked.dependencies[dependency]!])) }
    }
    const next: PluginLockfile = { ...lockfile, plugins }
    await commitPluginChanges({ pluginsDirectory: this.#options.pluginsDirectory, activation: this.#options.activation, install: verified, remove: [], previous: lockfile, next, ...this.#progressOption() })
    return { changed: verified.map((pkg) => this.#changed(pkg, lockfile)), unchanged }
  }

  #exclusive<T>(change: () => Promise<T>): Promise<T> {
    return withPluginsDirectoryLock({ pluginsDirectory: this.#options.pluginsDirectory, staging: STAGING_DIRECTORY }, change)
  }

  #consentItem(pkg: VerifiedPackage, previous: LockedPlugin | undefined): ConsentItem {
    const { manifest } = pkg
    const permissionLines = describePermissions(manifest.permissions)
    const newPermissionLines = previous === undefined ? permissionLines : widenedPermissions(previous.permissions, manifest.permissions)
    return {
      name: manifest.name,
      version: manifest.version,
      ...(previous === undefined ? {} : { previousVersion: previous.version }),
      description: manifest.description,
      author: authorLine(manifest.author),
      license: manifest.license,
      publisher: pkg.publisher,
      publisherTrusted: pkg.publisherTrusted,
      permissions: manifest.permissions,
      permissionLines,
      newPermissionLines,
      needsConsent: previous === undefined || newPermissionLines.length > 0 || (!pkg.publisherTrusted && previous.publisherTrusted),
    }
  }

  #changed(pkg: VerifiedPackage, lockfile: PluginLockfile): ChangeReport['changed'][number] {
    const previous = lockedEntry(lockfile, pkg.manifest.name)
    return { name: pkg.manifest.name, version: pkg.manifest.version, ...(previous === undefined ? {} : { previousVersion: previous.version }), integrity: pkg.integrity, publisher: pkg.publisher, permissions: pkg.manifest.permissions }
  }

  #locked(lockfile: PluginLockfile, name: string): LockedPlugin {
    const locked = lockedEntry(lockfile, name)
    if (locked === undefined) {
      throw new MarketplaceError('MARKETPLACE_NOT_INSTALLED', `${name} is not installed here (not in ${this.lockfilePath}). Installed: ${Object.keys(lockfile.plugins).join(', ') || '(none)'}.`, { details: { plugin: name } })
    }
    return locked
  }

  #limits(): { limits?: Partial<PackageLimits> } {
    return this.#options.limits === undefined ? {} : { limits: this.#options.limits }
  }

  #progressOption(): { onProgress?: (message: string) => void } {
    return this.#options.onProgress === undefined ? {} : { onProgress: this.#options.onProgress }
  }

  #progress(message: string): void {
    this.#options.onProgress?.(message)
  }
}
