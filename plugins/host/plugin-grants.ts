import { z } from 'zod'
import type { JsonValue } from '../spec/json-value.js'
import type { PluginCommit, PluginCommitOperation } from '../spec/plugin-commit.js'
import { PluginError } from '../spec/plugin-error.js'
import type { PluginPermissions } from '../spec/plugin-permissions.js'
import type { PluginWriteOperation } from '../spec/plugin-write-operation.js'
import type { HostCommit, HostKey } from './host-database.js'

/** The name the plugin API uses for the app's default keyspace. */
export const DEFAULT_KEYSPACE = 'default'

const textDecoder = new TextDecoder('utf-8', { fatal: true })

/**
 * The permissions of one plugin, compiled for the checks the host makes on every read,
 * every delivered commit and every returned write.
 */
export class PluginGrants {
  readonly #plugin: string
  readonly #permissions: PluginPermissions
  readonly #writable: ReadonlySet<string>

  constructor(args: { readonly plugin: string; readonly permissions: PluginPermissions }) {
    this.#plugin = args.plugin
    this.#permissions = args.permissions
    this.#writable = new Set(args.permissions.write)
  }

  /** True when the plugin owns (writes) `keyspace`; it then reads it at the head. */
  owns(keyspace: string): boolean {
    return this.#writable.has(keyspace)
  }

  /** True when the plugin may read `key` of `keyspace`. */
  canRead(keyspace: string, key: string): boolean {
    if (this.owns(keyspace)) return true
    return this.#permissions.read.some((grant) => grant.keyspace === keyspace && (grant.prefix === undefined || key.startsWith(grant.prefix)))
  }

  /** True when every key starting with `prefix` lies inside one grant. */
  canScan(keyspace: string, prefix: string): boolean {
    if (this.owns(keyspace)) return true
    return this.#permissions.read.some((grant) => grant.keyspace === keyspace && (grant.prefix === undefined || prefix.startsWith(grant.prefix)))
  }

  /** Throws `PLUGIN_PERMISSION_DENIED` unless the plugin may read `key` (or scan `prefix`). */
  assertRead(args: { readonly keyspace: string; readonly key?: string; readonly prefix?: string }): void {
    const allowed = args.key !== undefined ? this.canRead(args.keyspace, args.key) : this.canScan(args.keyspace, args.prefix ?? '')
    if (allowed) return
    const what = args.key !== undefined ? `key "${args.key}"` : `prefix "${args.prefix ?? ''}"`
    throw new PluginError('PLUGIN_PERMISSION_DENIED', `may not read ${what} of keyspace "${args.keyspace}". Add a grant such as { keyspace: '${args.keyspace}', prefix: '...' } to permissions.read.`, {
      plugin: this.#plugin,
      details: { keyspace: args.keyspace, key: args.key ?? null, prefix: args.prefix ?? null },
    })
  }

  /**
   * The commit as this plugin may see it: only operations it may read, keys as strings
   * and values as plain JSON. `undefined` when nothing is visible, or when the commit is
   * the plugin's own and it did not ask for its own commits.
   */
  visibleCommit(commit: HostCommit): PluginCommit | undefined {
    if (commit.origin === `plugin:${this.#plugin}` && this.#permissions.receiveOwnCommits !== true) return undefined
    const operations: PluginCommitOperation[] = []
    for (const operation of commit.ops) {
      if (operation.type !== 'put' && operation.type !== 'delete') continue
      const keyspace = operation.keyspace ?? DEFAULT_KEYSPACE
      const key = keyToString(operation.key)
      if (key === undefined || !this.canRead(keyspace, key)) continue
      operations.push(operation.type === 'put' ? { type: 'put', keyspace, key, value: toJsonValue(operation.value) } : { type: 'delete', keyspace, key })
    }
    if (operations.length === 0) return undefined
    return { txnId: commit.txnId, timestamp: commit.timestamp, origin: commit.origin, operations }
  }

  /**
   * Parses what a hook returned and checks every write against `permissions.write`.
   * Throws `PLUGIN_HOOK_FAILED` for a malformed result and `PLUGIN_PERMISSION_DENIED`
   * for a write outside the plugin's keyspaces; either way nothing of the batch is applied.
   */
  parseWrites(result: unknown, hook: 'onCommit' | 'onSchedule'): readonly PluginWriteOperation[] {
    const parsed = writeResultSchema.safeParse(result ?? {})
    if (!parsed.success) {
      throw new PluginError('PLUGIN_HOOK_FAILED', `returned a malformed result: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Return { writes: [{ type: 'put', keyspace, key, value }] } or nothing.`, { plugin: this.#plugin, hook })
    }
    const writes = parsed.data.writes ?? []
    for (const write of writes) {
      if (!this.owns(write.keyspace)) {
        throw new PluginError('PLUGIN_PERMISSION_DENIED', `tried to ${write.type} key "${write.key}" in keyspace "${write.keyspace}", which it does not own. It may write only ${this.#permissions.write.length === 0 ? 'nothing (permissions.write is empty)' : this.#permissions.write.map((name) => `"${name}"`).join(', ')}; declare the keyspace in permissions.write.`, {
          plugin: this.#plugin,
          hook,
          details: { keyspace: write.keyspace, key: write.key },
        })
      }
    }
    return writes as readonly PluginWriteOperation[]
  }
}

const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number().refine(Number.isFinite, 'numbers must be finite'), z.string(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]),
)

const writeResultSchema = z.object({
  writes: z
    .array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('put'), keyspace: z.string().min(1), key: z.string().min(1), value: jsonValueSchema }).strict(),
        z.object({ type: z.literal('delete'), keyspace: z.string().min(1), key: z.string().min(1) }).strict(),
      ]),
    )
    .optional(),
})

/** A key as a string: UTF-8 text as is; binary keys that are not valid UTF-8 are not deliverable. */
export function keyToString(key: HostKey): string | undefined {
  if (typeof key === 'string') return key
  try {
    return textDecoder.decode(key)
  } catch {
    return undefined
  }
}

/** A stored value as plain JSON: bytes become `{ "$base64": "..." }`. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === undefined) return null
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') }
  return value as JsonValue
}
