import type { ZodType } from 'zod'
import type { PluginHooks } from './plugin-hooks.js'
import type { PluginPermissions } from './plugin-permissions.js'

/**
 * A plugin, spec v1. Write it with {@link definePlugin} and export it from a module; the
 * host imports that module inside a worker thread (or the sandbox) by path.
 *
 * @example
 * export default definePlugin({
 *   name: 'commit-counter',
 *   version: '1.0.0',
 *   apiVersion: 1,
 *   configSchema: z.object({ key: z.string().default('total') }),
 *   permissions: { read: [{ keyspace: 'default' }], write: ['counter'], network: false },
 *   hooks: {
 *     async onCommit({ commits, read, config }) {
 *       const total = ((await read.get({ keyspace: 'counter', key: config.key })) as number | undefined) ?? 0
 *       return { writes: [{ type: 'put', keyspace: 'counter', key: config.key, value: total + commits.length }] }
 *     },
 *   },
 * })
 */
export interface PluginDefinition<Config = unknown> {
  /** Lower-case letters, digits and dashes, 1-64 characters; unique within a database. */
  readonly name: string
  /** Semantic version of the plugin (`1.2.3`, `1.0.0-beta.1`). */
  readonly version: string
  /** The plugin API version this plugin was written against. */
  readonly apiVersion: 1
  readonly description?: string
  /** Parses and defaults the config given at registration; `PLUGIN_CONFIG_INVALID` otherwise. */
  readonly configSchema?: ZodType<Config>
  readonly permissions: PluginPermissions
  readonly hooks: PluginHooks<Config>
  /**
   * `false` runs the plugin in the untrusted sandbox (no ambient authority). Default
   * `true`: a worker thread with a heap limit and hook timeouts.
   */
  readonly trusted?: boolean
}
