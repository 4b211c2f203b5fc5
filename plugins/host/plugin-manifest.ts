import type { PluginDefinition } from '../spec/plugin-definition.js'
import type { PluginManifest } from './worker-protocol.js'

/** The JSON facts the host needs about a plugin (no functions, no schemas). */
export function manifestOf(plugin: PluginDefinition): PluginManifest {
  const hooks = plugin.hooks
  const onCommit = hooks.onCommit
  const onQuery = hooks.onQuery
  const onSchedule = hooks.onSchedule
  return {
    name: plugin.name,
    version: plugin.version,
    apiVersion: 1,
    ...(plugin.description === undefined ? {} : { description: plugin.description }),
    trusted: plugin.trusted !== false,
    permissions: JSON.parse(JSON.stringify(plugin.permissions)) as PluginManifest['permissions'],
    hooks: {
      ...(onCommit === undefined
        ? {}
        : { onCommit: typeof onCommit === 'function' ? {} : { maxCommits: onCommit.batch?.maxCommits, maxWaitMs: onCommit.batch?.maxWaitMs, timeoutMs: onCommit.timeoutMs } }),
      ...(onQuery === undefined ? {} : { onQuery: typeof onQuery === 'function' ? {} : { order: onQuery.order, timeoutMs: onQuery.timeoutMs } }),
      ...(onSchedule === undefined ? {} : { onSchedule: { everyMs: onSchedule.everyMs, timeoutMs: onSchedule.timeoutMs } }),
    },
  }
}
