import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { FileAuditStore, FileCounterStore } from '../llm/index.js'

/** The folder inside a database directory where the model guards keep their files. */
export const LLM_DIRECTORY_NAME = 'llm'

/** `<db>/llm`: the audit log (`audit.jsonl`), budget counters (`counters.jsonl`) and ledger (`ledger/`). */
export function llmDirectory(databasePath: string): string {
  return join(databasePath, LLM_DIRECTORY_NAME)
}

/** `<db>/llm/audit.jsonl`. */
export function auditLogPath(databasePath: string): string {
  return join(llmDirectory(databasePath), 'audit.jsonl')
}

/** `<db>/llm/counters.jsonl`. */
export function budgetCountersPath(databasePath: string): string {
  return join(llmDirectory(databasePath), 'counters.jsonl')
}

/**
 * Opens one file-backed guard store, runs `use` and closes it. Resolves to
 * `undefined` without creating anything when the file does not exist yet
 * (no model call was ever made against this database).
 */
export async function withExistingStore<Store extends FileAuditStore | FileCounterStore, T>(args: {
  readonly path: string
  readonly open: (options: { readonly path: string }) => Promise<Store>
  readonly use: (store: Store) => Promise<T>
}): Promise<T | undefined> {
  if (!existsSync(args.path)) return undefined
  const store = await args.open({ path: args.path })
  try {
    return await args.use(store)
  } finally {
    await store.close()
  }
}

/** Opens the audit store at `path` (for {@link withExistingStore}). */
export const openAuditStore = (options: { readonly path: string }): Promise<FileAuditStore> => FileAuditStore.open(options)
/** Opens the budget counter store at `path` (for {@link withExistingStore}). */
export const openCounterStore = (options: { readonly path: string }): Promise<FileCounterStore> => FileCounterStore.open(options)
