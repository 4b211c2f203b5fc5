export type {
  AuditHead, AuditReadResult, AuditStore, CounterCharge, CounterEntry, CounterReservation, CounterStore, GuardStores, LedgerStore,
} from './store-types.js'
export { MemoryAuditStore, MemoryCounterStore, MemoryLedgerStore, createMemoryStores } from './memory-stores.js'
export { JsonLinesFile, type JsonLinesFileOptions, type JsonLinesRecovery } from './json-lines-file.js'
export { FileLedgerStore } from './file-ledger-store.js'
export { FileCounterStore } from './file-counter-store.js'
export { FileAuditStore } from './file-audit-store.js'
export { openFileStores, type FileGuardStores } from './open-file-stores.js'
