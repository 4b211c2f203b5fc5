import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib'
import { LivingDbError } from '../errors/index.js'

/** The keyspace holding compressed archive segments (`segments/<id>` → bytes). */
export const ARCHIVE_KEYSPACE = 'autonomy:archive'

/** The field that marks a tiered value in the tree; reserved: an app value must not be an object with only this field. */
export const ARCHIVE_REFERENCE_FIELD = '$livingdbArchive'

/** What the tree holds in place of a cold value. */
export interface ArchiveReference {
  readonly [ARCHIVE_REFERENCE_FIELD]: { readonly segment: string; readonly index: number; readonly bytes: number }
}

/** One value inside a segment: its key and the value as JSON, or bytes as base64. */
export interface ArchivedEntry {
  readonly keyspace: string
  readonly key: string
  readonly json?: unknown
  readonly base64?: string
}

/** True when a stored value is a reference to an archive segment. */
export function isArchiveReference(value: unknown): value is ArchiveReference {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || Array.isArray(value)) return false
  const inner = (value as Record<string, unknown>)[ARCHIVE_REFERENCE_FIELD]
  return inner !== undefined && Object.keys(value).length === 1 && typeof (inner as { segment?: unknown }).segment === 'string'
}

/** The reference stored in place of entry `index` of `segment`. */
export function archiveReference(segment: string, index: number, bytes: number): ArchiveReference {
  return { [ARCHIVE_REFERENCE_FIELD]: { segment, index, bytes } }
}

/** The archive key of a segment. */
export function segmentKey(segment: string): string {
  return `segments/${segment}`
}

/** Brotli-compresses a segment's entries (one JSON document; similar records compress together). */
export function encodeSegment(entries: readonly ArchivedEntry[]): Uint8Array {
  const text = JSON.stringify({ version: 1, entries })
  return brotliCompressSync(Buffer.from(text), { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: text.length } })
}

/** Decodes a segment; `AUTONOMY_ARCHIVE_MISSING` when it is missing or damaged. */
export function decodeSegment(segment: string, bytes: unknown): readonly ArchivedEntry[] {
  if (!(bytes instanceof Uint8Array)) {
    throw new LivingDbError('AUTONOMY_ARCHIVE_MISSING', `Archive segment ${segment} is missing from keyspace ${ARCHIVE_KEYSPACE}. Run \`livingdb verify\`; restore the database from a backup if the segment was deleted by hand.`, { details: { segment } })
  }
  try {
    const parsed = JSON.parse(brotliDecompressSync(bytes).toString('utf8')) as { version: number; entries: ArchivedEntry[] }
    if (parsed.version !== 1 || !Array.isArray(parsed.entries)) throw new Error(`unknown segment version ${String(parsed.version)}`)
    return parsed.entries
  } catch (error) {
    throw new LivingDbError('AUTONOMY_ARCHIVE_MISSING', `Archive segment ${segment} is damaged (${(error as Error).message}). Run \`livingdb verify\` and restore from a backup.`, { details: { segment }, cause: error })
  }
}

/** The original value of an archived entry. */
export function entryValue(entry: ArchivedEntry): unknown {
  return entry.base64 !== undefined ? new Uint8Array(Buffer.from(entry.base64, 'base64')) : entry.json
}

/** An entry for a value about to be archived. */
export function archivedEntry(keyspace: string, key: string, value: unknown): ArchivedEntry {
  return value instanceof Uint8Array ? { keyspace, key, base64: Buffer.from(value).toString('base64') } : { keyspace, key, json: value }
}

/** A small cache of decoded segments (segments never change once written, so entries never go stale). */
export class SegmentCache {
  private readonly segments = new Map<string, readonly ArchivedEntry[]>()

  constructor(private readonly capacity = 16) {}

  load(segment: string, read: () => unknown): readonly ArchivedEntry[] {
    const cached = this.segments.get(segment)
    if (cached !== undefined) {
      this.segments.delete(segment)
      this.segments.set(segment, cached)
      return cached
    }
    const entries = decodeSegment(segment, read())
    this.segments.set(segment, entries)
    if (this.segments.size > this.capacity) this.segments.delete(this.segments.keys().next().value!)
    return entries
  }
}
