import { MarketplaceError } from './marketplace-error.js'
import { lockedEntry, type PluginLockfile } from './plugin-lockfile.js'
import type { RegistrySource, RegistryVersion } from './registry-source.js'
import { compareVersions, satisfies } from './semver-range.js'

/** One plugin the user asked for. */
export interface PluginRequest {
  readonly name: string
  /** A semver range; `*` for the latest. */
  readonly range: string
}

/** One plugin of a resolved install, in install order (dependencies first). */
export interface ResolvedPlugin {
  readonly registryVersion: RegistryVersion
  /** The range the user asked for (absent for dependencies). */
  readonly requested?: string
  /** Resolved dependencies: name → exact version. */
  readonly dependencies: Readonly<Record<string, string>>
  /** True when the lockfile already holds exactly this version (nothing to download). */
  readonly alreadyInstalled: boolean
}

/** Arguments of {@link resolvePlugins}. */
export interface ResolvePluginsArgs {
  readonly source: RegistrySource
  readonly requests: readonly PluginRequest[]
  readonly lockfile: PluginLockfile
  /** This engine's version, checked against each plugin's `engines.livingdb`. */
  readonly engineVersion: string
  /** Allow picking a version older than the lockfile's. Default false. */
  readonly allowDowngrade?: boolean
  /** Keep an installed dependency when its locked version satisfies the range (install), or take the newest (update). */
  readonly keepLockedDependencies: boolean
}

/**
 * Resolves requested plugins and their plugin dependencies against a registry: the
 * highest version in each range that fits this engine, one version per plugin for
 * everyone who needs it. Refuses cycles (`MARKETPLACE_DEPENDENCY_CYCLE`, naming the
 * cycle), unsatisfiable ranges (`MARKETPLACE_DEPENDENCY_CONFLICT`,
 * `MARKETPLACE_PACKAGE_NOT_FOUND`), engine mismatches (`MARKETPLACE_ENGINE_INCOMPATIBLE`),
 * versions below the lockfile's (`MARKETPLACE_ROLLBACK_REFUSED`) and versions an installed
 * plugin's dependency range would no longer accept (`MARKETPLACE_DEPENDENCY_CONFLICT`).
 * Reads metadata only.
 */
export async function resolvePlugins(args: ResolvePluginsArgs): Promise<ResolvedPlugin[]> {
  const catalog = new Map<string, Promise<readonly RegistryVersion[]>>()
  const versionsOf = (name: string) => {
    if (!catalog.has(name)) catalog.set(name, args.source.versions(name))
    return catalog.get(name)!
  }
  const chosen = new Map<string, { readonly registryVersion: RegistryVersion; readonly range: string; readonly requiredBy: string; dependencies: Record<string, string>; requested?: string }>()
  const order: string[] = []
  const requested = new Map(args.requests.map((request) => [request.name, request.range]))

  const select = async (name: string, range: string, requiredBy: string): Promise<RegistryVersion> => {
    const locked = lockedEntry(args.lockfile, name)
    const all = await versionsOf(name)
    if (locked !== undefined && args.keepLockedDependencies && !requested.has(name) && satisfies(locked.version, range)) {
      const same = all.find((candidate) => candidate.version === locked.version)
      if (same !== undefined) return same
    }
    const inRange = all.filter((candidate) => satisfies(candidate.version, range)).sort((left, right) => compareVersions(right.version, left.version))
    if (inRange.length === 0) {
      throw new MarketplaceError('MARKETPLACE_PACKAGE_NOT_FOUND', `No version of "${name}" in ${args.source.location} satisfies "${range}" (needed by ${requiredBy}). Available: ${all.map((candidate) => candidate.version).sort(compareVersions).join(', ')}.`, {
        details: { plugin: name, range, available: all.map((candidate) => candidate.version) },
      })
    }
    const fitting = inRange.find((candidate) => candidate.manifest.apiVersion === 1 && satisfies(args.engineVersion, candidate.manifest.engines.livingdb))
    if (fitting === undefined) {
      const newest = inRange[0]!
      throw new MarketplaceError('MARKETPLACE_ENGINE_INCOMPATIBLE', `${name}@${newest.version} needs livingdb ${newest.manifest.engines.livingdb}, but this is livingdb ${args.engineVersion} (and no other version in "${range}" fits). Upgrade livingdb or pick a plugin version made for it.`, {
        details: { plugin: name, version: newest.version, engines: newest.manifest.engines.livingdb, engineVersion: args.engineVersion },
      })
    }
    if (locked !== undefined && args.allowDowngrade !== true && compareVersions(fitting.version, locked.version) < 0) {
      throw new MarketplaceError('MARKETPLACE_ROLLBACK_REFUSED', `Installing ${name}@${fitting.version} would roll back from ${locked.version}, the version the lockfile records. A registry offering only older versions may be replaying a vulnerable release. Pass --allow-downgrade if you mean to go back.`, {
        details: { plugin: name, version: fitting.version, lockedVersion: locked.version },
      })
    }
    return fitting
  }

  const visit = async (name: string, range: string, path: readonly string[]): Promise<string> => {
    if (path.includes(name)) {
      const cycle = [...path.slice(path.indexOf(name)), name]
      throw new MarketplaceError('MARKETPLACE_DEPENDENCY_CYCLE', `Plugin dependencies form a cycle: ${cycle.join(' -> ')}. Such plugins cannot be installed; ask their publishers to break the cycle.`, { details: { cycle } })
    }
    const requiredBy = path.length === 0 ? 'you' : path.at(-1)!
    const existing = chosen.get(name)
    if (existing !== undefined) {
      if (!satisfies(existing.registryVersion.version, range)) {
        throw new MarketplaceError('MARKETPLACE_DEPENDENCY_CONFLICT', `${requiredBy} needs ${name}@${range}, but ${existing.requiredBy} needs ${name}@${existing.range} and resolved it to ${existing.registryVersion.version}. No single version satisfies both.`, {
          details: { plugin: name, ranges: [range, existing.range] },
        })
      }
      return existing.registryVersion.version
    }
    const registryVersion = await select(name, range, requiredBy)
    const entry = { registryVersion, range, requiredBy, dependencies: {} as Record<string, string>, ...(path.length === 0 ? { requested: range } : {}) }
    chosen.set(name, entry)
    for (const [dependency, dependencyRange] of Object.entries(registryVersion.manifest.dependencies ?? {})) {
      entry.dependencies[dependency] = await visit(dependency, dependencyRange, [...path, name])
    }
    order.push(name)
    return registryVersion.version
  }

  for (const request of args.requests) await visit(request.name, request.range, [])
  for (const [dependent, locked] of Object.entries(args.lockfile.plugins)) {
    if (chosen.has(dependent)) continue
    for (const [dependency, range] of Object.entries(locked.dependencyRanges)) {
      const replacement = chosen.get(dependency)
      if (replacement !== undefined && !satisfies(replacement.registryVersion.version, range)) {
        throw new MarketplaceError('MARKETPLACE_DEPENDENCY_CONFLICT', `Installing ${dependency}@${replacement.registryVersion.version} (for ${replacement.requiredBy}) would break the installed ${dependent}, which needs ${dependency}@${range}. Update ${dependent} too, or ask for a range both accept.`, {
          details: { plugin: dependency, version: replacement.registryVersion.version, dependent, range },
        })
      }
    }
  }
  return order.map((name) => {
    const entry = chosen.get(name)!
    const locked = lockedEntry(args.lockfile, name)
    const requestedRange = entry.requested ?? locked?.requested
    return {
      registryVersion: entry.registryVersion,
      ...(requestedRange === undefined ? {} : { requested: requestedRange }),
      dependencies: entry.dependencies,
      alreadyInstalled: locked !== undefined && locked.version === entry.registryVersion.version && locked.integrity === entry.registryVersion.integrity,
    }
  })
}
