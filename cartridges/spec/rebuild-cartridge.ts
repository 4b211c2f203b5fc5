import { CURSOR_KEYSPACE, cursorKey } from './cartridge-cursor.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeDatabase } from './cartridge-database.js'
import { CARTRIDGE_META_KEY, expectedMeta } from './cartridge-meta.js'
import { writeDefinitionRecord } from './cartridge-recipe.js'
import type { CartridgeJson } from './cartridge-storage.js'
import { type CatchUpResult, catchUpCartridge } from './catch-up-cartridge.js'
import { cartridgeOrigin } from './define-cartridge.js'

/** Arguments of {@link rebuildCartridge}. */
export interface RebuildCartridgeArgs {
  readonly db: CartridgeDatabase
  readonly cartridge: Cartridge
  /** Rebuild as of this txn id (default: the head when the call starts). */
  readonly upTo?: number
  /** Commits per transaction while re-applying (default 1,000). */
  readonly maxCommitsPerBatch?: number
  /** Keys deleted per transaction while clearing (default 10,000). */
  readonly clearBatchKeys?: number
  readonly plugin?: string
  /** Progress of the re-apply phase (for a progress bar). */
  readonly onProgress?: (progress: { readonly cursor: number; readonly head: number }) => void
}

/**
 * Rebuilds a cartridge from the commit stream: clears every key of its keyspaces (the
 * first transaction also drops its meta record and resets its cursor to 0, so a crash
 * mid-way leaves it "never built" and the next open starts over), writes the current
 * meta (and its definition record in `sys`), then re-applies commits 1..head in order. Deterministic: the same commit stream
 * (and, for model cartridges, the same ledger) gives the same bytes.
 */
export async function rebuildCartridge(args: RebuildCartridgeArgs): Promise<CatchUpResult> {
  const { db, cartridge } = args
  const origin = cartridgeOrigin(cartridge)
  const upTo = args.upTo ?? db.txnId
  const chunk = args.clearBatchKeys ?? 10_000
  let first = true
  for (;;) {
    let deleted = 0
    await db.write((transaction) => {
      if (first) {
        transaction.keyspace(cartridge.keyspaces[0]!).delete(CARTRIDGE_META_KEY)
        transaction.keyspace(CURSOR_KEYSPACE).put(cursorKey(cartridge), 0)
      }
      for (const name of cartridge.keyspaces) {
        const space = transaction.keyspace(name)
        const keys = [...space.scan({ limit: chunk - deleted })].map((entry) => entry.key)
        for (const key of keys) space.delete(key)
        deleted += keys.length
        if (deleted >= chunk) break
      }
    }, { origin })
    first = false
    if (deleted < chunk) break
  }
  await db.write((transaction) => {
    transaction.keyspace(cartridge.keyspaces[0]!).put(CARTRIDGE_META_KEY, expectedMeta(cartridge) as unknown as CartridgeJson)
    writeDefinitionRecord(cartridge, transaction)
  }, { origin })
  return catchUpCartridge({ db, cartridge, upTo, maxCommitsPerBatch: args.maxCommitsPerBatch, plugin: args.plugin, onProgress: args.onProgress })
}
