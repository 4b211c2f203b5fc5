import type { CartridgeCommit } from './cartridge-commit.js'
import type { CartridgeTransaction } from './cartridge-storage.js'

/** Arguments of a cartridge's `apply`. */
export interface CartridgeApplyArgs {
  /**
   * Commits in txn order, each reduced to the operations on the cartridge's sources
   * (commits with none are left out, and so are the cartridge's own commits).
   */
  readonly commits: readonly CartridgeCommit[]
  /**
   * The host's write transaction, reaching only the cartridge's keyspaces. Everything
   * written here commits with the cursor advance, or not at all (exactly-once).
   */
  readonly transaction: CartridgeTransaction
  /** `<name>@<version>` to record as provenance `plugin` (the feeding plugin's, when one feeds it). */
  readonly plugin: string
}
