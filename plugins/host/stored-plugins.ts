import { LivingDbError } from '../../errors/index.js'
import type { JsonValue } from '../spec/json-value.js'
import type { PluginHostDatabase } from './host-database.js'
import type { PluginRegistration } from './plugin-host-options.js'
import { PluginSysRecords, SYS_KEYSPACE, type CursorRecord, type DeadLetterRecord } from './plugin-sys-records.js'

/** A registration as stored in `sys` (`plugins/<name>/registration`): plain JSON, module as a URL string. */
export interface StoredRegistration {
  readonly module: string
  readonly exportName?: string
  readonly config?: JsonValue
  readonly trusted?: boolean
  readonly heapLimitMb?: number
  readonly memoryLimitMb?: number
}

/** What the database itself records about one plugin, readable without starting it. */
export interface StoredPlugin {
  readonly name: string
  /** Stored registration: the plugin starts on every open. Absent for plugins registered only in code. */
  readonly registration: StoredRegistration | null
  readonly enabled: boolean
  /** Every commit up to this txn id is processed (0: none yet). */
  readonly cursor: number
  /** The plugin version that wrote the cursor. */
  readonly version: string | null
  readonly deadLetters: number
  readonly halted: { readonly firstTxnId: number; readonly lastTxnId: number; readonly error: { readonly code: string; readonly message: string } } | null
}

const PREFIX = 'plugins/'
const registrationKey = (name: string) => `${PREFIX}${name}/registration`

/**
 * Every plugin the database knows of (it has a cursor, a flag, a dead letter or a stored
 * registration), from `sys` at the head, in name order. Starts nothing.
 */
export async function readStoredPlugins(db: PluginHostDatabase): Promise<StoredPlugin[]> {
  return db.read((snapshot) => {
    const sys = snapshot.keyspace(SYS_KEYSPACE)
    const names = new Set<string>()
    const entries = sys.scan({ prefix: PREFIX })
    if (!(Symbol.iterator in entries)) throw new LivingDbError('INVALID_ARGUMENT', 'readStoredPlugins needs a database whose snapshot scans synchronously (the livingdb engine does).')
    for (const entry of entries) {
      const key = typeof entry.key === 'string' ? entry.key : new TextDecoder().decode(entry.key)
      const name = key.slice(PREFIX.length).split('/')[0]
      if (name !== undefined && name.length > 0) names.add(name)
    }
    return [...names].sort().map((name) => {
      const records = new PluginSysRecords(name)
      const cursor = sys.get(records.cursorKey) as CursorRecord | undefined
      const halted = sys.get(records.haltedKey) as DeadLetterRecord | undefined
      let deadLetters = 0
      for (const _entry of sys.scan({ prefix: records.deadLetterPrefix }) as Iterable<unknown>) deadLetters++
      return {
        name,
        registration: (sys.get(registrationKey(name)) as StoredRegistration | undefined) ?? null,
        enabled: sys.get(records.enabledKey) !== false,
        cursor: cursor?.txnId ?? 0,
        version: cursor?.version ?? null,
        deadLetters,
        halted: halted === undefined || halted === null ? null : { firstTxnId: halted.firstTxnId, lastTxnId: halted.lastTxnId, error: halted.error },
      }
    })
  })
}

/**
 * Turns a plugin on or off in the database (no host needed; a running host picks the
 * change up on its next open). Enabling also lifts a halt. `PLUGIN_NOT_FOUND` when the
 * database has no record of the plugin.
 */
export async function setStoredPluginEnabled(db: PluginHostDatabase, args: { readonly name: string; readonly enabled: boolean }): Promise<void> {
  const known = await readStoredPlugins(db)
  if (!known.some((plugin) => plugin.name === args.name)) {
    throw new LivingDbError('PLUGIN_NOT_FOUND', `The database has no record of a plugin named "${args.name}". Known: ${known.map((plugin) => plugin.name).join(', ') || '(none)'}. Register it (open({ plugins }) or db.plugins.add) first.`, { details: { plugin: args.name } })
  }
  const records = new PluginSysRecords(args.name)
  await db.write((transaction) => {
    const sys = transaction.keyspace(SYS_KEYSPACE)
    if (args.enabled) {
      sys.delete(records.enabledKey)
      sys.delete(records.haltedKey)
    } else sys.put(records.enabledKey, false)
  }, { origin: `plugin:${args.name}` })
}

/** Stores a registration so the plugin starts on every open (`db.plugins.add`). */
export async function storeRegistration(db: PluginHostDatabase, args: { readonly name: string; readonly registration: PluginRegistration & { readonly moduleUrl: string } }): Promise<void> {
  const { registration } = args
  const stored: StoredRegistration = {
    module: registration.moduleUrl,
    ...(registration.exportName === undefined ? {} : { exportName: registration.exportName }),
    ...(registration.config === undefined ? {} : { config: JSON.parse(JSON.stringify(registration.config)) as JsonValue }),
    ...(registration.trusted === undefined ? {} : { trusted: registration.trusted }),
    ...(registration.heapLimitMb === undefined ? {} : { heapLimitMb: registration.heapLimitMb }),
    ...(registration.memoryLimitMb === undefined ? {} : { memoryLimitMb: registration.memoryLimitMb }),
  }
  await db.write((transaction) => transaction.keyspace(SYS_KEYSPACE).put(registrationKey(args.name), stored as unknown as JsonValue), { origin: `plugin:${args.name}` })
}

/** Deletes a stored registration: the plugin no longer starts on open (its cursor and dead letters stay). */
export async function deleteRegistration(db: PluginHostDatabase, name: string): Promise<void> {
  await db.write((transaction) => transaction.keyspace(SYS_KEYSPACE).delete(registrationKey(name)), { origin: `plugin:${name}` })
}
