import { CorruptionError, LivingDbError } from '../../errors/index.js'
import { PAGE_HEADER_BYTES } from '../codec/limits.js'
import { PageType, openPage, sealPage, viewOf } from './page-format.js'

/** Bytes of a meta page covered by its CRC (the rest of the page is zero). */
export const META_BYTES = 128
/** Identifies a livingdb page file. */
export const META_MAGIC = 'LIVINGDB'
/** The page-file format version this code writes. */
export const FORMAT_VERSION = 1

/** The root record of the page file, written alternately to page 0 (A) and page 1 (B). */
export interface Meta {
  readonly pageSize: number
  /** Increases by one per checkpoint; slot = sequence % 2. The valid meta with the highest sequence wins. */
  readonly sequence: number
  /** Every commit up to this txn id is in the pages; recovery replays the log after it. */
  readonly checkpointTxnId: number
  /** First page of the catalog chain (keyspace name → root page, key count), 0 when empty. */
  readonly catalogPage: number
  /** First page of the freelist chain, 0 when empty. */
  readonly freelistPage: number
  /** Pages in use by the file (pages at or beyond this are garbage from an unfinished checkpoint). */
  readonly pageCount: number
  /** Wall-clock time of the checkpoint (ms since epoch). */
  readonly timestamp: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Encodes a meta page: header (type META, page number 0 or 1), then at offset
 * 16: `magic[8] | formatVersion u32 | pageSize u32 | sequence f64 |
 * checkpointTxnId f64 | catalogPage u32 | freelistPage u32 | pageCount u32 |
 * timestamp f64`. The CRC covers bytes 4..128 so a meta page can be read before
 * the page size is known.
 */
export function encodeMeta(meta: Meta): Uint8Array {
  const page = new Uint8Array(meta.pageSize)
  const view = viewOf(page)
  let offset = PAGE_HEADER_BYTES
  page.set(encoder.encode(META_MAGIC), offset)
  offset += 8
  view.setUint32(offset, FORMAT_VERSION, true)
  view.setUint32(offset + 4, meta.pageSize, true)
  view.setFloat64(offset + 8, meta.sequence, true)
  view.setFloat64(offset + 16, meta.checkpointTxnId, true)
  view.setUint32(offset + 24, meta.catalogPage, true)
  view.setUint32(offset + 28, meta.freelistPage, true)
  view.setUint32(offset + 32, meta.pageCount, true)
  view.setFloat64(offset + 36, meta.timestamp, true)
  sealPage(page, { type: PageType.META, count: 0, pageNumber: meta.sequence % 2, next: 0 }, META_BYTES)
  return page
}

/** Decodes a meta page (at least {@link META_BYTES} bytes); `CORRUPT_PAGE` or `FORMAT_UNSUPPORTED` when invalid. */
export function decodeMeta(bytes: Uint8Array, slot: number): Meta {
  if (bytes.length < META_BYTES) throw new CorruptionError('CORRUPT_PAGE', `Meta page ${slot} is truncated.`, { details: { page: slot } })
  openPage(bytes, slot, [PageType.META], META_BYTES)
  const view = viewOf(bytes)
  let offset = PAGE_HEADER_BYTES
  const magic = decoder.decode(bytes.subarray(offset, offset + 8))
  if (magic !== META_MAGIC) throw new CorruptionError('CORRUPT_PAGE', `Meta page ${slot} has magic "${magic}"; this is not a livingdb page file.`, { details: { page: slot } })
  offset += 8
  const version = view.getUint32(offset, true)
  if (version !== FORMAT_VERSION) {
    throw new LivingDbError('FORMAT_UNSUPPORTED', `The page file has format version ${version}; this livingdb reads version ${FORMAT_VERSION}. Upgrade livingdb, or export with the version that wrote it.`, {
      details: { version, supported: FORMAT_VERSION },
    })
  }
  const meta: Meta = {
    pageSize: view.getUint32(offset + 4, true),
    sequence: view.getFloat64(offset + 8, true),
    checkpointTxnId: view.getFloat64(offset + 16, true),
    catalogPage: view.getUint32(offset + 24, true),
    freelistPage: view.getUint32(offset + 28, true),
    pageCount: view.getUint32(offset + 32, true),
    timestamp: view.getFloat64(offset + 36, true),
  }
  const validInteger = (value: number): boolean => Number.isSafeInteger(value) && value >= 0
  if (
    !validInteger(meta.sequence) ||
    meta.sequence % 2 !== slot ||
    !validInteger(meta.checkpointTxnId) ||
    meta.pageCount < 2 ||
    meta.pageSize < 512 ||
    meta.pageSize > 65536 ||
    (meta.pageSize & (meta.pageSize - 1)) !== 0 ||
    meta.catalogPage >= meta.pageCount ||
    meta.freelistPage >= meta.pageCount
  ) {
    throw new CorruptionError('CORRUPT_PAGE', `Meta page ${slot} holds out-of-range fields.`, { details: { page: slot } })
  }
  return meta
}
