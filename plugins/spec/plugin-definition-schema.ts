import { z } from 'zod'

/** Keyspaces no plugin may declare as its own. */
export const RESERVED_KEYSPACES: readonly string[] = ['sys', 'default']

const keyspaceName = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'a keyspace name is 1-64 lower-case letters, digits, "_", "." or "-", starting with a letter')

/** A semantic version (semver 2.0.0). */
export const semverSchema = z
  .string()
  .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/, 'version must be semver, e.g. "1.0.0"')

/** Validates `permissions` (the host grants exactly what passes this). */
export const pluginPermissionsSchema = z
  .object({
    read: z.array(z.object({ keyspace: keyspaceName, prefix: z.string().optional() }).strict()),
    write: z.array(keyspaceName.refine((name) => !RESERVED_KEYSPACES.includes(name), 'a plugin cannot own the reserved keyspaces "sys" or "default"')),
    model: z.union([z.literal(false), z.object({ budget: z.object({ maxTokens: z.number().int().positive().optional(), maxCostUsd: z.number().positive().optional() }).strict() }).strict()]).optional(),
    network: z.boolean(),
    receiveOwnCommits: z.boolean().optional(),
  })
  .strict()

const isFunction = (value: unknown): boolean => typeof value === 'function'
const timeout = z.number().int().positive().max(3_600_000).optional()

/** Validates a whole plugin definition (hooks are checked to be functions). */
export const pluginDefinitionSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'name must be 1-64 lower-case letters, digits or "-", starting with a letter'),
    version: semverSchema,
    apiVersion: z.literal(1, { message: 'apiVersion must be 1 (this host implements plugin API v1)' }),
    description: z.string().optional(),
    configSchema: z.custom((value) => typeof value === 'object' && value !== null && isFunction((value as { safeParse?: unknown }).safeParse), 'configSchema must be a zod schema').optional(),
    permissions: pluginPermissionsSchema,
    hooks: z
      .object({
        onCommit: z.union([
          z.custom(isFunction),
          z.object({ handler: z.custom(isFunction, 'handler must be a function'), batch: z.object({ maxCommits: z.number().int().positive().max(100_000).optional(), maxWaitMs: z.number().int().nonnegative().max(60_000).optional() }).strict().optional(), timeoutMs: timeout }).strict(),
        ]).optional(),
        onQuery: z.union([
          z.custom(isFunction),
          z.object({ handler: z.custom(isFunction, 'handler must be a function'), order: z.enum(['pre', 'post']).optional(), timeoutMs: timeout }).strict(),
        ]).optional(),
        onSchedule: z.object({ handler: z.custom(isFunction, 'handler must be a function'), everyMs: z.number().int().min(10), timeoutMs: timeout }).strict().optional(),
      })
      .strict()
      .refine((hooks) => Object.values(hooks).some((hook) => hook !== undefined), 'a plugin needs at least one hook (onCommit, onQuery or onSchedule)'),
    trusted: z.boolean().optional(),
  })
  .strict()
