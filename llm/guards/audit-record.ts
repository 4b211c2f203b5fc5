import { createHmac } from 'node:crypto'
import { canonicalJson, sha256Hex } from './canonical-json.js'

/** One audit record: what was called, for whom, at what cost and with what outcome. Plain JSON. */
export interface AuditRecord {
  /** Position in the log, from 0. */
  readonly seq: number
  /** Hash of the previous record ({@link GENESIS_HASH} for the first). */
  readonly prevHash: string
  /** When the call started (ISO 8601, UTC). */
  readonly time: string
  readonly scope: string
  readonly task?: string
  readonly kind: 'generate' | 'embed'
  readonly provider: string
  readonly model: string
  /** sha256 of the request as sent (see `requestHash`); never the prompt itself. */
  readonly requestHash: string
  /** Tokens spent (0 when the ledger answered). */
  readonly inputTokens: number
  readonly outputTokens: number
  readonly costUsd: number
  readonly latencyMs: number
  readonly outcome: 'ok' | 'cached' | 'error'
  /** Stable error code when `outcome` is 'error' (`BUDGET_EXCEEDED`, `MODEL_RATE_LIMITED`, ...). */
  readonly errorCode?: string
  /** Values redacted before sending, by type. */
  readonly redactions: Readonly<Record<string, number>>
  readonly ledgerEntryId?: string
  /** Model attempts (retries + 1), when the rate-limit guard ran. */
  readonly attempts?: number
  /** sha256 (or HMAC-SHA256) of this record's canonical JSON without `hash`. */
  readonly hash: string
}

/** `prevHash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64)

const WITHOUT_HASH: ReadonlySet<string> = new Set(['hash'])

/** The hash of a record: over its canonical JSON without the `hash` field. */
export function auditHash(record: Readonly<Record<string, unknown>>, hmacKey?: string): string {
  return digestAuditText(canonicalJson(record, WITHOUT_HASH), hmacKey)
}

/** sha256 (or HMAC-SHA256 with `hmacKey`) of a record's canonical JSON text, hex. */
export function digestAuditText(text: string, hmacKey?: string): string {
  return hmacKey === undefined ? sha256Hex(text) : createHmac('sha256', hmacKey).update(text).digest('hex')
}
