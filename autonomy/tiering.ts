import type { Database, Transaction } from '../core/index.js'
import { LivingDbError } from '../errors/index.js'
import { ARCHIVE_KEYSPACE, ARCHIVE_REFERENCE_FIELD, type ArchiveReference, archiveReference, archivedEntry, decodeSegment, encodeSegment, entryValue, isArchiveReference, segmentKey } from './archive-segment.js'
import { AUTONOMY_KEYS, AUTONOMY_ORIGIN, type AutonomyAction, SYS_KEYSPACE, readAction, writeAction } from './autonomy-action.js'
import type { AutonomyPolicy } from './autonomy-policy.js'
import type { UsageStatistics } from './usage-statistics.js'

/** Bytes and keys of one tier. */
export interface TierTotals {
  keys: number
  bytes: number
}

/** What tiering found: totals per tier and keyspace, per data type, and the cold values it would move. */
export interface TieringPlan {
  readonly observedMs: number
  /** False when statistics have not watched long enough (`minObservedMs`) to call anything cold. */
  readonly ready: boolean
  readonly tiers: { readonly hot: TierTotals; readonly warm: TierTotals; readonly cold: TierTotals; readonly archived: TierTotals & { compressedBytes: number } }
  /** Cold bytes by data type (`object`, `string`, `bytes`, `array`, `number`...). */
  readonly coldByType: Readonly<Record<string, TierTotals>>
  readonly candidates: readonly TieringCandidate[]
  readonly candidateBytes: number
  /** Why nothing (or only part) will move. */
  readonly notes: readonly string[]
  /** Archive segments no tree value points at any more (deleted by the next run). */
  readonly orphanSegments: readonly string[]
}

/** One cold value selected for the archive. */
export interface TieringCandidate {
  readonly keyspace: string
  readonly key: string
  readonly bytes: number
  readonly heat: number
  readonly type: string
}

/** The `sys` record of one archive segment. */
export interface SegmentRecord {
  readonly action: string
  readonly keys: number
  live: number
  readonly bytes: number
  readonly compressedBytes: number
}

function typeOf(value: unknown): string {
  if (value instanceof Uint8Array) return 'bytes'
  if (Array.isArray(value)) return 'array'
  return value === null ? 'null' : typeof value
}

function sizeOf(value: unknown): number {
  return value instanceof Uint8Array ? value.length : Buffer.byteLength(JSON.stringify(value))
}

function sameValue(left: unknown, right: unknown): boolean {
  if (left instanceof Uint8Array || right instanceof Uint8Array) return left instanceof Uint8Array && right instanceof Uint8Array && Buffer.from(left).equals(Buffer.from(right))
  return JSON.stringify(left) === JSON.stringify(right)
}

/**
 * Classifies every value of the policy's keyspaces as hot, warm or cold from the decayed
 * access counts (reads, scans and writes) and lists the cold values that may move this
 * run, within the policy's size floors and per-run limits. Reads one snapshot; writes nothing.
 */
export function planTiering(args: { readonly db: Database; readonly statistics: UsageStatistics; readonly policy: AutonomyPolicy }): TieringPlan {
  const { db, statistics, policy } = args
  const settings = policy.tiering
  const observedMs = statistics.now() - statistics.since
  const ready = observedMs >= settings.minObservedMs
  const tiers = { hot: { keys: 0, bytes: 0 }, warm: { keys: 0, bytes: 0 }, cold: { keys: 0, bytes: 0 }, archived: { keys: 0, bytes: 0, compressedBytes: 0 } }
  const coldByType: Record<string, TierTotals> = {}
  const candidates: TieringCandidate[] = []
  const notes: string[] = []
  let candidateBytes = 0
  let limited = false
  const referenced = new Set<string>()
  const orphanSegments: string[] = []
  db.read((snapshot) => {
    const existing = new Set(snapshot.keyspaces())
    for (const keyspace of settings.keyspaces) {
      if (!existing.has(keyspace)) continue
      for (const entry of snapshot.keyspace(keyspace).scan()) {
        if (isArchiveReference(entry.value)) {
          const reference = (entry.value as ArchiveReference)[ARCHIVE_REFERENCE_FIELD]
          referenced.add(reference.segment)
          tiers.archived.keys += 1
          tiers.archived.bytes += reference.bytes
          continue
        }
        if (typeof entry.key !== 'string') continue
        const bytes = sizeOf(entry.value)
        const heat = statistics.keyHeat(keyspace, entry.key)
        const tier = heat >= settings.hotHeat ? tiers.hot : heat > settings.coldHeat ? tiers.warm : tiers.cold
        tier.keys += 1
        tier.bytes += bytes
        if (tier !== tiers.cold) continue
        const type = typeOf(entry.value)
        const totals = (coldByType[type] ??= { keys: 0, bytes: 0 })
        totals.keys += 1
        totals.bytes += bytes
        if (!ready || bytes < settings.minValueBytes || bytes > MAX_SEGMENT_BYTES) continue
        if (candidates.length >= settings.maxKeysPerRun || candidateBytes + bytes > settings.maxBytesPerRun) {
          limited = true
          continue
        }
        candidates.push({ keyspace, key: entry.key, bytes, heat, type })
        candidateBytes += bytes
      }
    }
    for (const entry of snapshot.keyspace(SYS_KEYSPACE).scan({ prefix: AUTONOMY_KEYS.segments })) {
      const segment = String(entry.key).slice(AUTONOMY_KEYS.segments.length)
      if (referenced.has(segment)) tiers.archived.compressedBytes += (entry.value as unknown as SegmentRecord).compressedBytes
      else orphanSegments.push(segment)
    }
  })
  if (!ready) notes.push(`Statistics have watched for ${Math.round(observedMs / 1000)} s; values count as cold only after ${Math.round(settings.minObservedMs / 1000)} s (policy tiering.minObservedMs).`)
  if (ready && candidateBytes < settings.minRunBytes && candidates.length > 0) notes.push(`Only ${candidateBytes} cold bytes qualify; a run moves at least ${settings.minRunBytes} (policy tiering.minRunBytes).`)
  if (limited) notes.push('The per-run limit was reached; later runs move the rest.')
  return { observedMs, ready, tiers, coldByType, candidates: candidateBytes >= settings.minRunBytes ? candidates : [], candidateBytes, notes, orphanSegments }
}

/**
 * Moves cold values into brotli-compressed archive segments, one engine transaction per
 * segment (origin `autonomy`): the segment, the references that replace the values, the
 * segment's `sys` record and the action record commit together, so a crash keeps either
 * the values or the segment holding them. A value changed since planning stays put.
 */
export async function moveColdValues(args: { readonly db: Database; readonly plan: TieringPlan; readonly action: AutonomyAction; readonly segmentKeys: number; readonly onSegment?: (moved: number) => void | Promise<void> }): Promise<AutonomyAction> {
  const { db, plan, action } = args
  const segments = (action.details.segments as string[] | undefined) ?? []
  action.details.segments = segments
  for (const orphan of plan.orphanSegments) {
    await db.write((transaction) => deleteSegment(transaction, orphan), { origin: AUTONOMY_ORIGIN })
  }
  for (const chunk of chunks(plan.candidates, args.segmentKeys)) {
    const segment = `${action.id}-${segments.length}`
    let moved = 0
    const result = await db.write((transaction) => {
      moved = 0
      const entries = []
      const sources: { keyspace: string; key: string; bytes: number }[] = []
      for (const candidate of chunk) {
        const current = transaction.keyspace(candidate.keyspace).get(candidate.key)
        if (current === undefined || isArchiveReference(current) || sizeOf(current) !== candidate.bytes) continue
        entries.push(archivedEntry(candidate.keyspace, candidate.key, current))
        sources.push(candidate)
      }
      if (entries.length === 0) return
      const encoded = encodeSegment(entries)
      const rawBytes = sources.reduce((sum, source) => sum + source.bytes, 0)
      if (encoded.length > rawBytes * MAX_KEPT_RATIO) {
        action.numbers.incompressibleKeys = (action.numbers.incompressibleKeys ?? 0) + sources.length
        return
      }
      transaction.keyspace(ARCHIVE_KEYSPACE).put(segmentKey(segment), encoded)
      sources.forEach((source, index) => transaction.keyspace(source.keyspace).put(source.key, archiveReference(segment, index, source.bytes) as never))
      const bytes = rawBytes
      const record: SegmentRecord = { action: action.id, keys: sources.length, live: sources.length, bytes, compressedBytes: encoded.length }
      transaction.keyspace(SYS_KEYSPACE).put(`${AUTONOMY_KEYS.segments}${segment}`, record as never)
      segments.push(segment)
      moved = sources.length
      action.numbers.keysMoved = (action.numbers.keysMoved ?? 0) + sources.length
      action.numbers.bytesMoved = (action.numbers.bytesMoved ?? 0) + bytes
      action.numbers.compressedBytes = (action.numbers.compressedBytes ?? 0) + encoded.length
      writeAction(transaction.keyspace(SYS_KEYSPACE), action)
    }, { origin: AUTONOMY_ORIGIN })
    if (moved > 0) action.txnIds.push(result.txnId)
    await args.onSegment?.(moved)
  }
  return action
}

/** A segment is written only when it saves at least 10% (random bytes, already-compressed data stay in the tree). */
const MAX_KEPT_RATIO = 0.9

/** Segments hold at most this many value bytes before compression (values are at most 16 MiB each). */
const MAX_SEGMENT_BYTES = 4 * 1024 * 1024

function chunks(candidates: readonly TieringCandidate[], segmentKeys: number): TieringCandidate[][] {
  const result: TieringCandidate[][] = []
  let current: TieringCandidate[] = []
  let bytes = 0
  for (const candidate of candidates) {
    if (current.length > 0 && (current.length >= segmentKeys || bytes + candidate.bytes > MAX_SEGMENT_BYTES)) {
      result.push(current)
      current = []
      bytes = 0
    }
    current.push(candidate)
    bytes += candidate.bytes
  }
  if (current.length > 0) result.push(current)
  return result
}

function deleteSegment(transaction: Transaction, segment: string): void {
  transaction.keyspace(ARCHIVE_KEYSPACE).delete(segmentKey(segment))
  transaction.keyspace(SYS_KEYSPACE).delete(`${AUTONOMY_KEYS.segments}${segment}`)
}

/**
 * Puts archived values back into the tree (inside `transaction`): only keys that still
 * hold a reference (a newer write wins). Segments left without live references are
 * deleted. Returns how many values came back.
 */
export function promoteInTransaction(transaction: Transaction, keys: Iterable<{ readonly keyspace: string; readonly key: string }>, onlySegments?: ReadonlySet<string>): number {
  const sys = transaction.keyspace(SYS_KEYSPACE)
  const loaded = new Map<string, ReturnType<typeof decodeSegment>>()
  let promoted = 0
  for (const { keyspace, key } of keys) {
    const space = transaction.keyspace(keyspace)
    const current = space.get(key)
    if (!isArchiveReference(current)) continue
    const reference = (current as ArchiveReference)[ARCHIVE_REFERENCE_FIELD]
    if (onlySegments !== undefined && !onlySegments.has(reference.segment)) continue
    let entries = loaded.get(reference.segment)
    if (entries === undefined) {
      entries = decodeSegment(reference.segment, transaction.keyspace(ARCHIVE_KEYSPACE).get(segmentKey(reference.segment)))
      loaded.set(reference.segment, entries)
    }
    const entry = entries[reference.index]
    if (entry === undefined || entry.key !== key) continue
    space.put(key, entryValue(entry) as never)
    promoted += 1
    const recordKey = `${AUTONOMY_KEYS.segments}${reference.segment}`
    const record = sys.get(recordKey) as unknown as SegmentRecord | undefined
    if (record === undefined) continue
    if (record.live <= 1) deleteSegment(transaction, reference.segment)
    else sys.put(recordKey, { ...record, live: record.live - 1 } as never)
  }
  return promoted
}

/** Undoes a tiering action: every value it moved that nobody overwrote since goes back into the tree, and its segments are deleted. */
export async function undoTiering(args: { readonly db: Database; readonly actionId: string; readonly now: number }): Promise<AutonomyAction> {
  const { db } = args
  let action = db.read((snapshot) => readAction(snapshot.keyspace(SYS_KEYSPACE), args.actionId))
  if (action.status === 'undone') {
    throw new LivingDbError('AUTONOMY_UNDO_CONFLICT', `Autonomy action ${action.id} was already undone.`, { details: { id: action.id } })
  }
  const segments = (action.details.segments as string[] | undefined) ?? []
  await db.write((transaction) => {
    action = readAction(transaction.keyspace(SYS_KEYSPACE), args.actionId)
    let restored = 0
    for (const segment of segments) {
      const bytes = transaction.keyspace(ARCHIVE_KEYSPACE).get(segmentKey(segment))
      if (bytes === undefined) continue
      const entries = decodeSegment(segment, bytes)
      restored += promoteInTransaction(transaction, entries, new Set([segment]))
      deleteSegment(transaction, segment)
    }
    action.status = 'undone'
    action.undoneAt = args.now
    action.numbers.keysRestoredByUndo = restored
    writeAction(transaction.keyspace(SYS_KEYSPACE), action)
  }, { origin: AUTONOMY_ORIGIN })
  return action
}
