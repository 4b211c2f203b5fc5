import type { CartridgeCommit, CartridgeCommitOperation } from './cartridge-commit.js'
import type { CartridgeSource } from './cartridge-source.js'

const encoder = new TextEncoder()

function startsWith(key: string | Uint8Array, prefix: string): boolean {
  if (prefix === '') return true
  if (typeof key === 'string') return key.startsWith(prefix)
  const bytes = encoder.encode(prefix)
  if (key.length < bytes.length) return false
  for (let index = 0; index < bytes.length; index++) if (key[index] !== bytes[index]) return false
  return true
}

/** True when `operation` touches one of `sources`. */
export function matchesSources(sources: readonly CartridgeSource[], operation: CartridgeCommitOperation): boolean {
  for (const source of sources) if (operation.keyspace === source.keyspace && startsWith(operation.key, source.prefix ?? '')) return true
  return false
}

/**
 * The commit reduced to the operations on `sources`, or undefined when none is left or
 * the commit came from `ownOrigin` (a cartridge never consumes its own writes).
 */
export function filterCommit(commit: CartridgeCommit, sources: readonly CartridgeSource[], ownOrigin: string): CartridgeCommit | undefined {
  if (commit.origin === ownOrigin) return undefined
  const ops = commit.ops.filter((operation) => matchesSources(sources, operation))
  if (ops.length === 0) return undefined
  return ops.length === commit.ops.length ? commit : { txnId: commit.txnId, timestamp: commit.timestamp, origin: commit.origin, ops }
}
