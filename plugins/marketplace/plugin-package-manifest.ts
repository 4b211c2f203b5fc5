import { z } from 'zod'
import { pluginPermissionsSchema, semverSchema } from '../spec/plugin-definition-schema.js'
import type { PluginPermissions } from '../spec/plugin-permissions.js'
import { MarketplaceError } from './marketplace-error.js'
import { assertValidRange } from './semver-range.js'
import { safeEntryPath } from './tar-entry-path.js'

/** The manifest's file name at the root of every plugin package. */
export const PLUGIN_MANIFEST_FILE = 'livingdb-plugin.json'

/** The plugin API version this engine hosts. */
export const PLUGIN_API_VERSION = 1

/** A plugin name: lower-case letters, digits and dashes (the plugin spec's rule). */
export const pluginNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a plugin name is 1-64 lower-case letters, digits or "-", starting with a letter')

const rangeSchema = z.string().min(1).max(256).refine((range) => {
  try {
    assertValidRange(range)
    return true
  } catch {
    return false
  }
}, 'must be a semver range such as "^1.0.0" or ">=0.1.0 <1.0.0"')

const entrySchema = z.string().max(1024).refine((path) => {
  try {
    return safeEntryPath(path) === path && /\.(m?js|cjs)$/.test(path)
  } catch {
    return false
  }
}, 'must be a relative path inside the package to a .js, .mjs or .cjs file (the sandbox runs JavaScript only)')

/** Validates `livingdb-plugin.json`. */
export const pluginPackageManifestSchema = z
  .object({
    name: pluginNameSchema,
    version: semverSchema,
    description: z.string().min(1).max(2_000),
    author: z.union([z.string().min(1).max(200), z.object({ name: z.string().min(1).max(200), email: z.string().max(200).optional(), url: z.string().max(500).optional() }).strict()]),
    license: z.string().min(1).max(100),
    engines: z.object({ livingdb: rangeSchema }).strict(),
    apiVersion: z.literal(PLUGIN_API_VERSION, { message: `apiVersion must be ${PLUGIN_API_VERSION} (the plugin API this engine hosts)` }),
    main: entrySchema,
    permissions: pluginPermissionsSchema,
    dependencies: z.record(pluginNameSchema, rangeSchema).optional(),
    keywords: z.array(z.string().min(1).max(50)).max(20).optional(),
    files: z.array(z.string().min(1).max(1024)).max(10_000).optional(),
  })
  .strict()

/**
 * `livingdb-plugin.json`: who made the plugin, what it needs from the engine, what it
 * runs and what it may touch.
 *
 * @example
 * const manifest: PluginPackageManifest = {
 *   name: 'pii-scanner', version: '1.0.0', description: 'Flags records holding personal data.',
 *   author: 'Example Org', license: 'MIT', engines: { livingdb: '>=0.1.0 <1.0.0' }, apiVersion: 1,
 *   main: 'index.js', permissions: { read: [{ keyspace: 'default' }], write: ['pii-scanner'], network: false },
 * }
 */
export interface PluginPackageManifest {
  readonly name: string
  readonly version: string
  readonly description: string
  readonly author: string | { readonly name: string; readonly email?: string; readonly url?: string }
  readonly license: string
  /** `livingdb`: the engine versions the plugin works with (a semver range). */
  readonly engines: { readonly livingdb: string }
  /** The plugin API version it was written against. */
  readonly apiVersion: 1
  /** The entry module, relative to the package root. */
  readonly main: string
  readonly permissions: PluginPermissions
  /** Other plugins it needs installed, by name, with semver ranges. */
  readonly dependencies?: Readonly<Record<string, string>>
  readonly keywords?: readonly string[]
  /** Publish only: which files of the plugin directory go into the package (default: all but dot files and node_modules). */
  readonly files?: readonly string[]
}

/** Parses a manifest (text or value), throwing `MARKETPLACE_MANIFEST_INVALID` naming every bad field. */
export function parsePluginManifest(input: unknown, where: string): PluginPackageManifest {
  let value = input
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input))
    } catch (error) {
      throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${where}: ${PLUGIN_MANIFEST_FILE} is not JSON (${(error as Error).message}). Fix the file.`, { details: { where } })
    }
  }
  const parsed = pluginPackageManifestSchema.safeParse(value)
  if (!parsed.success) {
    throw new MarketplaceError('MARKETPLACE_MANIFEST_INVALID', `${where}: ${PLUGIN_MANIFEST_FILE} is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Fix the fields named above (see docs/marketplace.md).`, {
      details: { where, issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })) },
    })
  }
  return parsed.data as PluginPackageManifest
}

/** The author as one line (`Name <email>`). */
export function authorLine(author: PluginPackageManifest['author']): string {
  return typeof author === 'string' ? author : `${author.name}${author.email === undefined ? '' : ` <${author.email}>`}`
}
