import { NPM_PREFIX, NpmRegistrySource } from './npm-registry.js'
import type { RegistrySource } from './registry-source.js'
import { StaticRegistrySource } from './static-registry.js'

/**
 * The registry at `location`: `npm:<url>` is an npm registry, an `http(s)://` URL or a
 * directory path a static livingdb registry.
 *
 * @example
 * openRegistry('./registry')                       // a directory made by `plugins publish`
 * openRegistry('https://plugins.example.com/')     // the same, served over HTTPS
 * openRegistry('npm:https://registry.npmjs.org')   // npm, keyword livingdb-plugin
 */
export function openRegistry(location: string): RegistrySource {
  return location.startsWith(NPM_PREFIX) ? new NpmRegistrySource(location.slice(NPM_PREFIX.length)) : new StaticRegistrySource(location)
}
