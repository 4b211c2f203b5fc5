import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import { pluginPermissionsSchema, semverSchema } from '../spec/plugin-definition-schema.js'
import type { PluginManifest } from './worker-protocol.js'

const timeout = z.number().int().positive().max(3_600_000).optional()
const manifestSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
    version: semverSchema,
    apiVersion: z.literal(1),
    description: z.string().max(10_000).optional(),
    trusted: z.boolean(),
    permissions: pluginPermissionsSchema,
    hooks: z
      .object({
        onCommit: z.object({ maxCommits: z.number().int().positive().max(100_000).optional(), maxWaitMs: z.number().int().nonnegative().max(60_000).optional(), timeoutMs: timeout }).strict().optional(),
        onQuery: z.object({ order: z.enum(['pre', 'post']).optional(), timeoutMs: timeout }).strict().optional(),
        onSchedule: z.object({ everyMs: z.number().int().min(10), timeoutMs: timeout }).strict().optional(),
      })
      .strict(),
  })
  .strict()

/**
 * Validates the manifest a plugin reported about itself. The host never trusts it
 * unchecked: an untrusted plugin (or one not built with `definePlugin`) could report
 * anything. Throws `PLUGIN_INVALID` naming the problems.
 */
export function checkManifest(manifest: unknown): PluginManifest {
  const parsed = manifestSchema.safeParse(manifest)
  if (!parsed.success) {
    const name = typeof (manifest as { name?: unknown } | null)?.name === 'string' ? (manifest as { name: string }).name : '(unnamed)'
    throw new LivingDbError('PLUGIN_INVALID', `Plugin "${name}" reported an invalid definition: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Fix the plugin's definePlugin({...}) fields.`, { details: { plugin: name } })
  }
  return parsed.data as PluginManifest
}
