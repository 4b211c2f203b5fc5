import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs'
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LivingDbError } from '../../errors/index.js'

/** Most directory entries walked when checking a plugin package for symbolic links. */
const MAX_ENTRIES = 100_000
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs'])

/** Arguments of {@link sandboxReadGrant}. */
export interface SandboxReadGrantArgs {
  /** The plugin module (`file:` URL). */
  readonly moduleUrl: string
  /** The database directory, which must stay unreadable. */
  readonly databasePath?: string
}

/**
 * The one directory an untrusted plugin may read: its package (the nearest directory
 * above the module holding a `package.json`). Refuses, with `PLUGIN_INVALID`, what would
 * widen that grant: a module that is not a local JavaScript file, no package directory,
 * a package directory that contains the database or the working directory (the app's own
 * package), and symbolic links leading out of the package (Node's permission model follows them).
 */
export function sandboxReadGrant(args: SandboxReadGrantArgs): string {
  if (!args.moduleUrl.startsWith('file:')) throw invalid(args.moduleUrl, 'an untrusted plugin must be a local file (file: URL or path).')
  const modulePath = realpathOf(fileURLToPath(args.moduleUrl), args.moduleUrl)
  if (!JAVASCRIPT.has(extname(modulePath))) {
    throw invalid(args.moduleUrl, 'the sandbox runs JavaScript only (.js, .mjs, .cjs): it cannot load TypeScript, because tsx needs a loader thread and esbuild a child process. Compile the plugin first.')
  }
  let directory: string | undefined
  for (let candidate = dirname(modulePath); ; candidate = dirname(candidate)) {
    if (existsSync(join(candidate, 'package.json'))) {
      directory = candidate
      break
    }
    if (dirname(candidate) === candidate) break
  }
  if (directory === undefined || dirname(directory) === directory) throw invalid(args.moduleUrl, 'it has no package directory of its own (a directory with a package.json). Install it as a package.')
  if (isInside(process.cwd(), directory)) {
    throw invalid(args.moduleUrl, `its package directory ${directory} holds the working directory ${process.cwd()} (your app's own package?), which the plugin could then read. Install the plugin as its own package (e.g. under node_modules/).`)
  }
  if (args.databasePath !== undefined) {
    const database = existsSync(args.databasePath) ? realpathSync(args.databasePath) : resolve(args.databasePath)
    if (isInside(database, directory)) {
      throw invalid(args.moduleUrl, `its package directory ${directory} contains the database directory ${database}, which the plugin could then read. Keep plugin packages and databases apart.`)
    }
  }
  assertNoEscapingLinks(directory, args.moduleUrl)
  return directory
}

function isInside(path: string, directory: string): boolean {
  const fromDirectory = relative(directory, path)
  return fromDirectory === '' || (!fromDirectory.startsWith('..') && !isAbsolute(fromDirectory))
}

function realpathOf(path: string, moduleUrl: string): string {
  try {
    return realpathSync(path)
  } catch (error) {
    throw new LivingDbError('PLUGIN_LOAD_FAILED', `Plugin module ${moduleUrl} does not exist or cannot be read. Check the path.`, { cause: error })
  }
}

function assertNoEscapingLinks(root: string, moduleUrl: string): void {
  const pending = [root]
  let seen = 0
  while (pending.length > 0) {
    const directory = pending.pop()!
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (++seen > MAX_ENTRIES) throw invalid(moduleUrl, `its package directory ${root} holds more than ${MAX_ENTRIES} entries; the sandbox checks every one for links. Bundle the plugin.`)
      const path = join(directory, entry.name)
      if (entry.isSymbolicLink()) {
        let target: string
        try {
          target = realpathSync(path)
        } catch {
          continue
        }
        if (!isInside(target, root)) throw invalid(moduleUrl, `${path} is a symbolic link to ${target}, outside the package; the sandbox would follow it. Replace the link with a copy.`)
        if (lstatSync(target).isDirectory()) continue
      } else if (entry.isDirectory()) pending.push(path)
    }
  }
}

function invalid(moduleUrl: string, message: string): LivingDbError {
  return new LivingDbError('PLUGIN_INVALID', `Untrusted plugin ${moduleUrl}: ${message}`, { details: { module: moduleUrl } })
}
