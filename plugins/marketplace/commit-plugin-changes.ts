import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { canonicalJson } from './canonical-json.js'
import { fsyncDirectory } from './atomic-file.js'
import type { VerifiedPackage } from './fetch-verified-package.js'
import { MarketplaceError } from './marketplace-error.js'
import type { PluginActivation } from './plugin-activation.js'
import { LOCKFILE_NAME, lockedEntry, writeLockfile, type PluginLockfile } from './plugin-lockfile.js'
import { safeEntryPath } from './tar-entry-path.js'

/** Where installed packages live, relative to the plugins directory. */
export const PACKAGES_DIRECTORY = 'packages'
/** Where installs are assembled before they are renamed into place. */
export const STAGING_DIRECTORY = '.staging'

/** The directory of `name@version`, relative to the plugins directory. */
export function packageDirectory(name: string, version: string): string {
  return `${PACKAGES_DIRECTORY}/${name}@${version}`
}

/** The `file:` URL of an installed plugin's entry module. */
export function entryUrl(pluginsDirectory: string, directory: string, main: string): string {
  return pathToFileURL(join(pluginsDirectory, directory, main)).href
}

/** Arguments of {@link commitPluginChanges}. */
export interface CommitPluginChangesArgs {
  readonly pluginsDirectory: string
  readonly activation: PluginActivation
  /** Verified packages to place (already consented to). */
  readonly install: readonly VerifiedPackage[]
  /** Plugins to switch off and delete. */
  readonly remove: readonly string[]
  readonly previous: PluginLockfile
  readonly next: PluginLockfile
  /** False skips the sandbox check of staged code against the manifest (tests of the file steps only). Default true. */
  readonly inspect?: boolean
  readonly onProgress?: (message: string) => void
}

/** Writes a package's files under `directory` (new files only; never follows an existing link). */
function extract(pkg: VerifiedPackage, directory: string): void {
  mkdirSync(directory, { recursive: true })
  for (const file of pkg.files.values()) {
    const target = join(directory, safeEntryPath(file.path))
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, file.data, { flag: 'wx', mode: 0o644 })
  }
}

/**
 * Applies an install, update, reinstall or uninstall as one unit. Packages are
 * extracted into a fresh staging directory and their code is loaded once in the
 * sandbox to check it declares exactly the consented name, version and permissions.
 * Then each directory is renamed into `packages/` (an atomic rename: there is never a
 * half-written plugin directory), the lockfile is replaced atomically, and the plugins
 * are enabled (or disabled) in the database. A failure at any step undoes the steps
 * before it in reverse, so the plugins directory, lockfile and database are left as
 * they were.
 */
export async function commitPluginChanges(args: CommitPluginChangesArgs): Promise<void> {
  const { pluginsDirectory, activation } = args
  const progress = args.onProgress ?? (() => {})
  mkdirSync(join(pluginsDirectory, STAGING_DIRECTORY), { recursive: true })
  mkdirSync(join(pluginsDirectory, PACKAGES_DIRECTORY), { recursive: true })
  const staging = mkdtempSync(join(pluginsDirectory, STAGING_DIRECTORY, 'txn-'))
  const undo: (() => Promise<void> | void)[] = []
  const obsolete: string[] = []
  try {
    for (const pkg of args.install) {
      const staged = join(staging, `${pkg.manifest.name}@${pkg.manifest.version}`)
      extract(pkg, staged)
      if (args.inspect !== false) {
        progress(`checking ${pkg.manifest.name}@${pkg.manifest.version} in the sandbox`)
        const reported = await activation.inspect({ name: pkg.manifest.name, moduleUrl: pathToFileURL(join(staged, pkg.manifest.main)).href })
        if (reported.name !== pkg.manifest.name || reported.version !== pkg.manifest.version || canonicalJson(reported.permissions) !== canonicalJson(pkg.manifest.permissions)) {
          throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `The code of ${pkg.manifest.name}@${pkg.manifest.version} declares itself as ${reported.name}@${reported.version} with permissions ${canonicalJson(reported.permissions)}, but its manifest (what you consented to) says ${canonicalJson(pkg.manifest.permissions)}. Refused; nothing was installed.`, {
            details: { plugin: pkg.manifest.name, reported: { name: reported.name, version: reported.version } },
          })
        }
      }
    }
    for (const pkg of args.install) {
      const { name, version } = pkg.manifest
      const final = join(pluginsDirectory, packageDirectory(name, version))
      const staged = join(staging, `${name}@${version}`)
      if (existsSync(final)) {
        const backup = join(staging, `previous-${name}@${version}`)
        renameSync(final, backup)
        undo.push(() => renameSync(backup, final))
      }
      renameSync(staged, final)
      undo.push(() => renameSync(final, staged))
      const before = lockedEntry(args.previous, name)
      if (before !== undefined && before.directory !== packageDirectory(name, version)) obsolete.push(join(pluginsDirectory, before.directory))
    }
    fsyncDirectory(join(pluginsDirectory, PACKAGES_DIRECTORY))
    const lockfilePath = join(pluginsDirectory, LOCKFILE_NAME)
    const hadLockfile = existsSync(lockfilePath)
    writeLockfile(lockfilePath, args.next)
    undo.push(() => (hadLockfile ? writeLockfile(lockfilePath, args.previous) : rmSync(lockfilePath, { force: true })))
    for (const name of args.remove) {
      const before = lockedEntry(args.previous, name)
      await activation.disable({ name })
      if (before !== undefined) {
        undo.push(() => activation.enable({ name, moduleUrl: entryUrl(pluginsDirectory, before.directory, before.main) }))
        obsolete.push(join(pluginsDirectory, before.directory))
      }
    }
    for (const pkg of args.install) {
      const { name } = pkg.manifest
      const locked = lockedEntry(args.next, name)!
      const before = lockedEntry(args.previous, name)
      await activation.enable({ name, moduleUrl: entryUrl(pluginsDirectory, locked.directory, locked.main), switchOn: before === undefined })
      undo.push(() => (before === undefined ? activation.disable({ name }) : activation.enable({ name, moduleUrl: entryUrl(pluginsDirectory, before.directory, before.main) })))
    }
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        await step()
      } catch (undoError) {
        progress(`could not undo a step after the failure: ${(undoError as Error).message}`)
      }
    }
    rmSync(staging, { recursive: true, force: true })
    throw error
  }
  rmSync(staging, { recursive: true, force: true })
  for (const directory of obsolete) rmSync(directory, { recursive: true, force: true })
  removeOrphans(pluginsDirectory, args.next)
}

/**
 * Deletes package directories the lockfile does not name: what an interrupted change
 * renamed into place before it could write the lockfile (nothing registers a plugin
 * before its lockfile entry exists, so nothing runs from them). Called with the lock held.
 */
function removeOrphans(pluginsDirectory: string, lockfile: PluginLockfile): void {
  const kept = new Set(Object.values(lockfile.plugins).map((locked) => locked.directory))
  for (const entry of readdirSync(join(pluginsDirectory, PACKAGES_DIRECTORY))) {
    if (!kept.has(`${PACKAGES_DIRECTORY}/${entry}`)) rmSync(join(pluginsDirectory, PACKAGES_DIRECTORY, entry), { recursive: true, force: true })
  }
}
