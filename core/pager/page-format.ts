import { CorruptionError } from '../../errors/index.js'
import { crc32c } from '../checksum/crc32c.js'
import { PAGE_HEADER_BYTES } from '../codec/limits.js'

/** The kind of a page, stored in byte 4 of its header. */
export const PageType = {
  META: 1,
  BRANCH: 2,
  LEAF: 3,
  OVERFLOW: 4,
  FREELIST: 5,
  CATALOG: 6,
} as const
/** One of the {@link PageType} values. */
export type PageTypeValue = (typeof PageType)[keyof typeof PageType]

/**
 * The common 16-byte page header (little endian):
 * `crc32c u32 | type u8 | flags u8 | count u16 | page number u32 | next u32`.
 * The CRC covers bytes 4..pageSize (meta pages: 4..128).
 */
export interface PageHeader {
  readonly type: PageTypeValue
  readonly count: number
  readonly pageNumber: number
  readonly next: number
}

/** Throws the typed error every page decoder uses. */
export function corruptPage(pageNumber: number, reason: string): never {
  throw new CorruptionError('CORRUPT_PAGE', `Page ${pageNumber} is damaged (${reason}). Run \`livingdb verify\`; restore the page file from a backup, or delete it to rebuild from a complete commit log.`, {
    details: { page: pageNumber, reason },
  })
}

/** A little-endian DataView over a page buffer. */
export function viewOf(page: Uint8Array): DataView {
  return new DataView(page.buffer, page.byteOffset, page.byteLength)
}

/** Writes the header fields and the CRC (call last, after the body is written). */
export function sealPage(page: Uint8Array, header: PageHeader, checksumEnd: number = page.length): void {
  const view = viewOf(page)
  view.setUint8(4, header.type)
  view.setUint8(5, 0)
  view.setUint16(6, header.count, true)
  view.setUint32(8, header.pageNumber, true)
  view.setUint32(12, header.next, true)
  view.setUint32(0, crc32c(page, 4, checksumEnd), true)
}

/**
 * Checks the CRC, the type and the self page number of a page and returns its
 * header; `CORRUPT_PAGE` on any mismatch.
 */
export function openPage(page: Uint8Array, pageNumber: number, expected: readonly PageTypeValue[], checksumEnd: number = page.length): PageHeader {
  if (page.length < PAGE_HEADER_BYTES || checksumEnd > page.length) corruptPage(pageNumber, `only ${page.length} bytes`)
  const view = viewOf(page)
  const stored = view.getUint32(0, true)
  const actual = crc32c(page, 4, checksumEnd)
  if (stored !== actual) corruptPage(pageNumber, `checksum ${stored.toString(16)} does not match content ${actual.toString(16)}`)
  const type = view.getUint8(4) as PageTypeValue
  if (!expected.includes(type)) corruptPage(pageNumber, `page type ${type}, expected ${expected.join(' or ')}`)
  const storedNumber = view.getUint32(8, true)
  if (storedNumber !== pageNumber) corruptPage(pageNumber, `page says it is page ${storedNumber} (misdirected write)`)
  return { type, count: view.getUint16(6, true), pageNumber, next: view.getUint32(12, true) }
}
