import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LivingDbError } from '../../errors/index.js'

/** The JavaScript the sandbox process runs, and the files it must be allowed to read for that. */
export interface SandboxProgram {
  /** The entry file given to `node`. */
  readonly entryPath: string
  /** Every file the entry loads (the entry included). */
  readonly readPaths: readonly string[]
}

const HERE = import.meta.url
const FROM_SOURCE = HERE.endsWith('.ts')
const SOURCES = ['./sandbox-entry', './sandbox-lockdown', '../host/plugin-runtime'] as const
let cached: Promise<SandboxProgram> | undefined

/**
 * Locates (from `dist/`) or builds (from TypeScript source, in tests and `node --import tsx`)
 * the sandbox program. The sandbox cannot load TypeScript itself: tsx needs a loader
 * thread and esbuild a child process, both refused by the permission model. From source,
 * the three files are bundled with esbuild (installed with tsx) into one `.mjs` file, kept
 * in a private directory of this user in the OS temp directory, named by the hash of the
 * sources (reused only while it is still private to this user).
 */
export function sandboxProgram(): Promise<SandboxProgram> {
  cached ??= FROM_SOURCE ? bundleFromSource() : Promise.resolve(compiledProgram())
  return cached
}

function compiledProgram(): SandboxProgram {
  const paths = SOURCES.map((source) => fileURLToPath(new URL(`${source}.js`, HERE)))
  // Node reads the nearest package.json to learn that .js files are ES modules.
  const packageJson = fileURLToPath(new URL('../../../package.json', HERE))
  return { entryPath: paths[0]!, readPaths: existsSync(packageJson) ? [...paths, packageJson] : paths }
}

async function bundleFromSource(): Promise<SandboxProgram> {
  const sourcePaths = SOURCES.map((source) => fileURLToPath(new URL(`${source}.ts`, HERE)))
  const hash = createHash('sha256')
  for (const path of sourcePaths) hash.update(readFileSync(path))
  const user = typeof process.getuid === 'function' ? process.getuid() : undefined
  const directory = join(tmpdir(), `livingdb-sandbox-${user ?? 'user'}-${hash.digest('hex').slice(0, 16)}`)
  const entryPath = join(directory, 'sandbox-entry.mjs')
  if (existsSync(entryPath) && ownedPrivately(directory, user) && ownedPrivately(entryPath, user)) return { entryPath, readPaths: [entryPath] }
  let esbuild: { build: (options: Record<string, unknown>) => Promise<{ outputFiles: { text: string }[] }> }
  try {
    esbuild = (await import('esbuild' as string)) as typeof esbuild
  } catch (error) {
    throw new LivingDbError('PLUGIN_LOAD_FAILED', 'Running untrusted plugins from TypeScript sources needs esbuild (installed with tsx) to build the sandbox program. Install tsx, or run the compiled package (dist/).', { cause: error })
  }
  const result = await esbuild.build({ entryPoints: [sourcePaths[0]], bundle: true, write: false, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' })
  mkdirSync(directory, { recursive: true, mode: 0o700 })
  if (!ownedPrivately(directory, user)) {
    throw new LivingDbError('PLUGIN_LOAD_FAILED', `${directory} exists but is not a private directory of this user, so the sandbox program cannot be kept there safely. Remove it and retry.`)
  }
  const temporary = `${entryPath}.${process.pid}.tmp`
  writeFileSync(temporary, result.outputFiles[0]!.text, { mode: 0o600 })
  renameSync(temporary, entryPath)
  return { entryPath, readPaths: [entryPath] }
}

/**
 * True when `path` belongs to this user and nobody else may write it (another local user
 * must not be able to swap the program that locks the sandbox down).
 */
function ownedPrivately(path: string, user: number | undefined): boolean {
  const stats = lstatSync(path)
  if (stats.isSymbolicLink()) return false
  return user === undefined || (stats.uid === user && (stats.mode & 0o022) === 0)
}
