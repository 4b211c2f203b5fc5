import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LivingDbError } from '../errors/index.js'

let cachedRoot: string | undefined

/**
 * The directory holding livingdb's own `package.json`, found by walking up from
 * this file. Works from the TypeScript sources (`cli/`) and from the build
 * (`dist/cli/`), in a clone and in `node_modules/livingdb`.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot
  let directory = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(directory, 'package.json')
    if (existsSync(manifest) && readPackageName(manifest) === 'livingdb') {
      cachedRoot = directory
      return directory
    }
    const parent = dirname(directory)
    if (parent === directory) {
      throw new LivingDbError('UNEXPECTED_ERROR', `Could not find livingdb's package.json above ${fileURLToPath(import.meta.url)}. Reinstall the package (npm install livingdb).`)
    }
    directory = parent
  }
}

/** The installed livingdb version (from package.json). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }
  return typeof manifest.version === 'string' ? manifest.version : 'unknown'
}

function readPackageName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name
  } catch {
    return undefined
  }
}
