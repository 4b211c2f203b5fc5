import type { CartridgeDatabase } from '../../spec/index.js'
import { EXTRACTION_RECORD_FORMAT, extractionKey, type ExtractionRecord } from '../extraction-record.js'

/** Writes an app note and then, as the extractor would, its extraction record (two commits). Returns the note's txn id. */
export async function writeExtractedNote(args: {
  readonly db: CartridgeDatabase
  readonly key: string
  readonly entities: readonly { readonly name: string; readonly type: string; readonly confidence?: number }[]
  readonly relationships?: readonly { readonly subject: number; readonly predicate: string; readonly object: number; readonly confidence?: number }[]
  readonly keyspace?: string
}): Promise<number> {
  const { db, key } = args
  const note = await db.write((transaction) => transaction.keyspace('default').put(key, { text: args.entities.map((entity) => entity.name).join(', ') }), { origin: 'app' })
  const record: ExtractionRecord = {
    format: EXTRACTION_RECORD_FORMAT,
    source: { keyspace: 'default', key, txnId: note.txnId, timestamp: 1_700_000_000_000 + note.txnId },
    plugin: 'entity-extractor@1.0.0',
    modelId: 'offline:default',
    ledgerEntryId: `ledger-${key}`,
    entities: args.entities.map((entity) => ({ name: entity.name, type: entity.type, confidence: entity.confidence ?? 0.9 })),
    topics: [],
    relationships: (args.relationships ?? []).map((edge) => ({ ...edge, confidence: edge.confidence ?? 0.85 })),
  }
  await db.write((transaction) => transaction.keyspace(args.keyspace ?? 'entity-extractor').put(extractionKey('default', key), record as never), { origin: 'plugin:entity-extractor' })
  return note.txnId
}

/** Deletes a note and its extraction record (as the extractor would). */
export async function deleteExtractedNote(db: CartridgeDatabase, key: string): Promise<void> {
  await db.write((transaction) => transaction.keyspace('default').delete(key), { origin: 'app' })
  await db.write((transaction) => transaction.keyspace('entity-extractor').delete(extractionKey('default', key)), { origin: 'plugin:entity-extractor' })
}
