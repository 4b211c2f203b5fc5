import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeKeyspaceReader } from './cartridge-storage.js'

/** The keyspace holding cartridge cursors (the engine's `sys`). */
export const CURSOR_KEYSPACE = 'sys'

/** The `sys` key of a cartridge's cursor: the last txn id its index reflects. */
export function cursorKey(cartridge: Pick<Cartridge, 'name'>): string {
  return `cartridges/${cartridge.name}/cursor`
}

/** The stored cursor (0 when never applied). */
export function readCursor(cartridge: Pick<Cartridge, 'name'>, sys: CartridgeKeyspaceReader): number {
  const value = sys.get(cursorKey(cartridge))
  return typeof value === 'number' ? value : 0
}
