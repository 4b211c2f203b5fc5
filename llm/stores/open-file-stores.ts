import { join } from 'node:path'
import { FileAuditStore } from './file-audit-store.js'
import { FileCounterStore } from './file-counter-store.js'
import { FileLedgerStore } from './file-ledger-store.js'
import type { JsonLinesRecovery } from './json-lines-file.js'
import type { GuardStores } from './store-types.js'

/** File-backed guard stores, as returned by {@link openFileStores}. */
export interface FileGuardStores extends GuardStores {
  readonly ledger: FileLedgerStore
  readonly counters: FileCounterStore
  readonly audit: FileAuditStore
  /** Torn last lines dropped while opening, by file (empty when the files were clean). */
  readonly recovered: readonly { readonly file: string; readonly recovery: JsonLinesRecovery }[]
  /** Waits for pending writes and closes the files. */
  close(): Promise<void>
}

/**
 * Opens (creating) the ledger directory, the budget counter file and the audit log
 * under `directory`: `ledger/`, `counters.jsonl`, `audit.jsonl` (+ `audit.jsonl.head.json`).
 *
 * @example
 * const stores = await openFileStores({ directory: './data/llm' })
 * const guards = createDefaultGuards({ stores })
 * // ... on shutdown
 * await stores.close()
 */
export async function openFileStores(options: { readonly directory: string; readonly fsync?: boolean }): Promise<FileGuardStores> {
  const countersPath = join(options.directory, 'counters.jsonl')
  const auditPath = join(options.directory, 'audit.jsonl')
  const counters = await FileCounterStore.open({ path: countersPath, fsync: options.fsync })
  const audit = await FileAuditStore.open({ path: auditPath, fsync: options.fsync })
  const recovered: { file: string; recovery: JsonLinesRecovery }[] = []
  if (counters.recovery !== undefined) recovered.push({ file: countersPath, recovery: counters.recovery })
  if (audit.recovery !== undefined) recovered.push({ file: auditPath, recovery: audit.recovery })
  return {
    ledger: new FileLedgerStore(join(options.directory, 'ledger')),
    counters,
    audit,
    recovered,
    async close() {
      await Promise.all([counters.close(), audit.close()])
    },
  }
}
