import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import type { PluginDefinition } from './plugin-definition.js'
import { pluginDefinitionSchema } from './plugin-definition-schema.js'

const DEFINITION_MARKER = Symbol.for('livingdb.plugin-definition')

/**
 * Declares a plugin: checks the definition (name, semver version, `apiVersion: 1`,
 * permissions, hooks) and returns it frozen. Throws `PLUGIN_INVALID` naming every
 * problem. Export the result from the plugin's module.
 *
 * @example
 * export default definePlugin({
 *   name: 'hello', version: '1.0.0', apiVersion: 1,
 *   permissions: { read: [{ keyspace: 'default' }], write: ['hello'], network: false },
 *   hooks: { onCommit: ({ commits }) => ({ writes: [{ type: 'put', keyspace: 'hello', key: 'last', value: commits.at(-1)!.txnId }] }) },
 * })
 */
export function definePlugin<Config>(definition: PluginDefinition<Config>): PluginDefinition<Config> {
  const parsed = pluginDefinitionSchema.safeParse(definition)
  if (!parsed.success) {
    const name = typeof (definition as { name?: unknown } | null)?.name === 'string' ? (definition as { name: string }).name : '(unnamed)'
    throw new LivingDbError('PLUGIN_INVALID', `Plugin "${name}" has an invalid definition: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Fix the fields named above (see docs/plugins.md).`, {
      details: { plugin: name, issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })) },
    })
  }
  const frozen = Object.freeze({ ...definition, [DEFINITION_MARKER]: true })
  return frozen
}

/** True when `value` came from {@link definePlugin} (works across module copies). */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINITION_MARKER] === true
}
