import { LivingDbError } from '../../errors/index.js'
import type { Cartridge } from './cartridge-definition.js'
import type { CartridgeHostTransaction, CartridgeSnapshot } from './cartridge-database.js'
import type { CartridgeKeyspaceWriter, CartridgeReader, CartridgeTransaction } from './cartridge-storage.js'

function assertOwned(cartridge: Cartridge, name: string, access: 'read' | 'write'): void {
  if (!cartridge.keyspaces.includes(name)) {
    throw new LivingDbError('CARTRIDGE_PERMISSION_DENIED', `Cartridge "${cartridge.name}" tried to ${access} keyspace "${name}", which it does not own. A cartridge reaches only its declared keyspaces (${cartridge.keyspaces.join(', ')}); add it to keyspaces or derive the data from the commits.`, {
      details: { cartridge: cartridge.name, keyspace: name, access },
    })
  }
}

/** The host transaction narrowed to the cartridge's own keyspaces (`CARTRIDGE_PERMISSION_DENIED` otherwise). */
export function scopeTransaction(cartridge: Cartridge, transaction: CartridgeHostTransaction): CartridgeTransaction {
  const views = new Map<string, CartridgeKeyspaceWriter>()
  return {
    keyspace(name: string): CartridgeKeyspaceWriter {
      assertOwned(cartridge, name, 'write')
      let view = views.get(name)
      if (view === undefined) {
        view = transaction.keyspace(name)
        views.set(name, view)
      }
      return view
    },
  }
}

/** A snapshot narrowed to the cartridge's own keyspaces. */
export function scopeSnapshot(cartridge: Cartridge, snapshot: CartridgeSnapshot): CartridgeReader {
  return {
    txnId: snapshot.txnId,
    keyspace(name: string) {
      assertOwned(cartridge, name, 'read')
      return snapshot.keyspace(name)
    },
  }
}
