import { existsSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { pluginPermissionsSchema } from '../spec/plugin-definition-schema.js'
import type { PluginPermissions } from '../spec/plugin-permissions.js'
import { writeFileAtomic } from './atomic-file.js'
import { MarketplaceError } from './marketplace-error.js'
import { safeEntryPath } from './tar-entry-path.js'

/** The lockfile's name inside the plugins directory. */
export const LOCKFILE_NAME = 'livingdb-plugins.lock.json'

/** What the lockfile records about one installed plugin. */
export interface LockedPlugin {
  /** The exact installed version. */
  readonly version: string
  /** sha512 SRI of the installed tarball. */
  readonly integrity: string
  /** The registry it came from (`openRegistry` address). */
  readonly source: string
  /** The publisher key fingerprint that signed it. */
  readonly publisher: string
  /** True when the publisher was not in the keyring and the user overrode that. */
  readonly publisherTrusted: boolean
  /** The permissions the user consented to (exactly what the package requests). */
  readonly permissions: PluginPermissions
  /** Resolved plugin dependencies: name → exact version. */
  readonly dependencies: Readonly<Record<string, string>>
  /** The ranges its manifest asks for (other changes must keep satisfying them). */
  readonly dependencyRanges: Readonly<Record<string, string>>
  /** The range the user asked for; absent for plugins installed only as a dependency. */
  readonly requested?: string
  /** Where it is installed, relative to the plugins directory (`packages/<name>@<version>`). */
  readonly directory: string
  /** The entry module, relative to `directory`. */
  readonly main: string
  readonly installedAt: string
}

/** The whole lockfile. */
export interface PluginLockfile {
  readonly format: 'livingdb-plugins-lock'
  readonly version: 1
  readonly plugins: Readonly<Record<string, LockedPlugin>>
}

const lockedSchema = z
  .object({
    version: z.string(),
    integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/),
    source: z.string(),
    publisher: z.string(),
    publisherTrusted: z.boolean(),
    permissions: pluginPermissionsSchema,
    dependencies: z.record(z.string(), z.string()),
    dependencyRanges: z.record(z.string(), z.string()),
    requested: z.string().optional(),
    directory: z.string().regex(/^packages\/[a-z][a-z0-9-]*@[0-9A-Za-z.+-]+$/),
    main: z.string().max(1024).refine((main) => {
      try {
        return safeEntryPath(main) === main
      } catch {
        return false
      }
    }, 'main must be a relative path inside the package'),
    installedAt: z.string(),
  })
  .strict()

const lockfileSchema = z.object({ format: z.literal('livingdb-plugins-lock'), version: z.literal(1), plugins: z.record(z.string(), lockedSchema) }).strict()

/** An empty lockfile. */
export function emptyLockfile(): PluginLockfile {
  return { format: 'livingdb-plugins-lock', version: 1, plugins: {} }
}

/** Reads a lockfile (empty when absent); `MARKETPLACE_LOCKFILE_INVALID` when damaged. */
export function readLockfile(path: string): PluginLockfile {
  if (!existsSync(path)) return emptyLockfile()
  const parsed = lockfileSchema.safeParse((() => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as unknown
    } catch {
      return undefined
    }
  })())
  if (!parsed.success) {
    throw new MarketplaceError('MARKETPLACE_LOCKFILE_INVALID', `The plugin lockfile ${path} is damaged or from an incompatible version. Restore it from version control or a backup; plugins stay as they are.`, { details: { path } })
  }
  return parsed.data as PluginLockfile
}

/** Writes the lockfile atomically (plugins in name order, so diffs stay small). */
export function writeLockfile(path: string, lockfile: PluginLockfile): void {
  const plugins = Object.fromEntries(Object.entries(lockfile.plugins).sort(([left], [right]) => (left < right ? -1 : 1)))
  writeFileAtomic(path, `${JSON.stringify({ ...lockfile, plugins }, null, 2)}\n`)
}

/** The lockfile's record of `name` (own properties only: "constructor" is a valid plugin name). */
export function lockedEntry(lockfile: PluginLockfile, name: string): LockedPlugin | undefined {
  return Object.hasOwn(lockfile.plugins, name) ? lockfile.plugins[name] : undefined
}
