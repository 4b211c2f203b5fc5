import { LivingDbError } from '../../errors/index.js'
import type { CartridgeCommit } from './cartridge-commit.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeHostTransaction } from './cartridge-database.js'
import { cartridgeOrigin, cartridgeProducer } from './define-cartridge.js'
import { scopeTransaction } from './scoped-access.js'
import { filterCommit } from './source-filter.js'

/** Arguments of {@link applyCartridgeBatch}. */
export interface ApplyCartridgeBatchArgs {
  readonly cartridge: Cartridge
  /** The host's open write transaction (the plugin host's, or the runtime's own). */
  readonly transaction: CartridgeHostTransaction
  /** Commits in txn order, unfiltered. */
  readonly commits: readonly CartridgeCommit[]
  /** Provenance `plugin` (default `<cartridge name>@<version>`). */
  readonly plugin?: string
}

/**
 * Runs a cartridge's `apply` on a batch, inside the caller's transaction: commits are
 * reduced to the cartridge's sources (its own commits dropped) and the transaction is
 * narrowed to its keyspaces. A host that owns the transaction (the plugin host) calls
 * this in the same `db.write` that advances its cursor, which makes the effect
 * exactly-once. A throwing `apply` is rethrown as `CARTRIDGE_APPLY_FAILED` (the caller's
 * transaction then rolls back). Returns how many commits reached `apply`.
 */
export async function applyCartridgeBatch(args: ApplyCartridgeBatchArgs): Promise<{ readonly applied: number }> {
  const { cartridge } = args
  const origin = cartridgeOrigin(cartridge)
  const commits: CartridgeCommit[] = []
  for (const commit of args.commits) {
    const filtered = filterCommit(commit, cartridge.sources, origin)
    if (filtered !== undefined) commits.push(filtered)
  }
  if (commits.length === 0) return { applied: 0 }
  try {
    await cartridge.apply({ commits, transaction: scopeTransaction(cartridge, args.transaction), plugin: args.plugin ?? cartridgeProducer(cartridge) })
  } catch (error) {
    if (LivingDbError.isInstance(error) && error.code === 'CARTRIDGE_PERMISSION_DENIED') throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new LivingDbError('CARTRIDGE_APPLY_FAILED', `Cartridge "${cartridge.name}" failed to apply txns ${commits[0]!.txnId}..${commits.at(-1)!.txnId} (${reason}). Nothing of the batch was written; fix the cause and catch up again.`, {
      cause: error,
      details: { cartridge: cartridge.name, fromTxnId: commits[0]!.txnId, toTxnId: commits.at(-1)!.txnId },
    })
  }
  return { applied: commits.length }
}
