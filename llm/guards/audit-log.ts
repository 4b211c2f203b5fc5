import { LivingDbError } from '../../errors/index.js'
import type { AuditHead, AuditStore } from '../stores/index.js'
import { auditHash, GENESIS_HASH, type AuditRecord } from './audit-record.js'

/** What kind of damage {@link verifyAuditLog} found. */
export type AuditProblemKind = 'malformed' | 'edited' | 'removed' | 'reordered' | 'chain-broken' | 'truncated' | 'head-mismatch'

/** The result of {@link verifyAuditLog}. */
export interface AuditVerification {
  readonly ok: boolean
  /** Records read. */
  readonly records: number
  /** Index of the first record that fails (or `records` for a missing tail). */
  readonly firstBadIndex?: number
  readonly kind?: AuditProblemKind
  /** What is wrong, in words. */
  readonly problem?: string
  /** The head kept apart from the records, when the store has one. */
  readonly head?: AuditHead
  /** An incomplete last line (a crash mid-append) that was ignored; not a failure. */
  readonly tornTail?: { readonly offset: number; readonly bytes: number }
}

/**
 * Checks every record of an audit log: its hash (an edited record), its sequence
 * number (a removed or reordered record), its link to the previous record (a
 * record spliced in from elsewhere), and the store's separately kept head (records
 * cut off the end). It cannot detect a log rewritten wholesale by someone who can
 * recompute hashes (use `hmacKey` to require a secret for that), nor a tail cut
 * together with its head: keep a copy of the head elsewhere and compare it for that.
 *
 * @example
 * const report = await verifyAuditLog(stores.audit)
 * if (!report.ok) console.error(`record ${report.firstBadIndex}: ${report.problem}`)
 */
export async function verifyAuditLog(store: AuditStore, options: { readonly hmacKey?: string } = {}): Promise<AuditVerification> {
  const { records, tornTail } = await store.readAll()
  const head = await store.readHead()
  const extra = { ...(head === undefined ? {} : { head }), ...(tornTail === undefined ? {} : { tornTail }) }
  const fail = (index: number, kind: AuditProblemKind, problem: string): AuditVerification =>
    ({ ok: false, records: records.length, firstBadIndex: index, kind, problem, ...extra })
  let previousHash = GENESIS_HASH
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as Partial<AuditRecord> | null
    if (typeof record !== 'object' || record === null || typeof record.seq !== 'number' || typeof record.hash !== 'string' || typeof record.prevHash !== 'string') {
      return fail(index, 'malformed', `record ${index} is not an audit record (seq, prevHash and hash are required)`)
    }
    if (auditHash(record as Record<string, unknown>, options.hmacKey) !== record.hash) {
      return fail(index, 'edited', `record ${index} (seq ${record.seq}) does not match its hash: it was edited after it was written${options.hmacKey === undefined ? '' : ', or the HMAC key is wrong'}`)
    }
    if (record.seq > index) {
      return fail(index, 'removed', `record ${index} has seq ${record.seq}: ${record.seq - index} record(s) before it are missing`)
    }
    if (record.seq < index) {
      return fail(index, 'reordered', `record ${index} has seq ${record.seq}: records are out of order or duplicated`)
    }
    if (record.prevHash !== previousHash) {
      return fail(index, 'chain-broken', `record ${index} does not link to the record before it (prevHash differs): it was replaced or the log was spliced`)
    }
    previousHash = record.hash
  }
  if (head !== undefined) {
    if (head.seq >= records.length) {
      return fail(records.length, 'truncated', `the head says record ${head.seq} was written but the log ends after ${records.length} record(s): its tail was cut off`)
    }
    if ((records[head.seq] as AuditRecord).hash !== head.hash) {
      return fail(head.seq, 'head-mismatch', `record ${head.seq} is not the record the head points to (hash differs): the log was rewritten`)
    }
  }
  return { ok: true, records: records.length, ...extra }
}

/**
 * Like {@link verifyAuditLog} but throws `AUDIT_INVALID` (with the report in
 * `details`) when the log is damaged; for scripts and the CLI's exit code.
 */
export async function assertAuditLog(store: AuditStore, options: { readonly hmacKey?: string } = {}): Promise<AuditVerification> {
  const report = await verifyAuditLog(store, options)
  if (!report.ok) {
    throw new LivingDbError('AUDIT_INVALID', `The audit log is damaged at record ${report.firstBadIndex}: ${report.problem}. Keep the file as evidence and restore the log from a backup.`, { details: { ...report } })
  }
  return report
}

/**
 * The last `count` records (oldest first), as stored; unparsable entries are skipped.
 *
 * @example
 * for (const record of await tailAuditLog(stores.audit, 20)) console.log(record.time, record.scope, record.outcome)
 */
export async function tailAuditLog(store: AuditStore, count: number): Promise<readonly AuditRecord[]> {
  if (!Number.isInteger(count) || count < 0) {
    throw new LivingDbError('INVALID_ARGUMENT', `tailAuditLog count must be a non-negative integer (got ${String(count)}).`)
  }
  const { records } = await store.readAll()
  return (count === 0 ? [] : records.slice(-count)).filter((record): record is AuditRecord => typeof (record as Partial<AuditRecord> | null)?.hash === 'string')
}
