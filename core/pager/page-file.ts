import { CorruptionError } from '../../errors/index.js'
import type { FileHandle, FileSystem } from '../file/index.js'
import type { PageLimits } from '../codec/limits.js'
import type { Node, NodeSource, OverflowRef } from '../btree/node.js'
import { META_BYTES, type Meta, decodeMeta, encodeMeta } from './meta-page.js'
import { NodeCache } from './node-cache.js'
import { PageType } from './page-format.js'
import { chainCapacity, decodeChainPage, decodeNode, encodeChainPage } from './node-codec.js'

/** Most pages combined into one write call. */
const MAX_RUN_PAGES = 256
const CANDIDATE_PAGE_SIZES = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]

/** Options of {@link PageFile.open}. */
export interface PageFileOptions {
  readonly fs: FileSystem
  readonly path: string
  /** Page size for a new file; an existing file keeps the size it was created with. */
  readonly pageSize: number
  readonly cacheBytes: number
  /** Computes limits for the page size actually used. */
  readonly limitsFor: (pageSize: number) => PageLimits
}

/**
 * The page file: fixed-size pages, two meta pages (0 and 1), and a bounded
 * cache of decoded nodes. Reads verify every page's CRC.
 */
export class PageFile implements NodeSource {
  readonly cache: NodeCache
  /** Pages in use; new pages are appended here. */
  pageCount: number
  meta: Meta
  pagesRead = 0
  pagesWritten = 0
  /** Pages waiting to be written as one run starting at `runStart`. */
  private run: Uint8Array[] = []
  private runStart = 0

  private constructor(private readonly handle: FileHandle, readonly limits: PageLimits, meta: Meta, cacheBytes: number) {
    this.meta = meta
    this.pageCount = meta.pageCount
    this.cache = new NodeCache(cacheBytes, limits.pageSize)
  }

  /** Opens or creates the page file and selects the valid meta page with the highest sequence. */
  static open(options: PageFileOptions): PageFile {
    const exists = options.fs.exists(options.path)
    const handle = options.fs.open(options.path, { create: true })
    try {
      if (!exists || handle.size() === 0) {
        const limits = options.limitsFor(options.pageSize)
        const meta: Meta = { pageSize: options.pageSize, sequence: 0, checkpointTxnId: 0, catalogPage: 0, freelistPage: 0, pageCount: 2, timestamp: Date.now() }
        handle.write(encodeMeta(meta), 0, options.pageSize, 0)
        handle.write(new Uint8Array(options.pageSize), 0, options.pageSize, options.pageSize)
        handle.sync()
        return new PageFile(handle, limits, meta, options.cacheBytes)
      }
      const meta = PageFile.readMeta(handle)
      return new PageFile(handle, options.limitsFor(meta.pageSize), meta, options.cacheBytes)
    } catch (error) {
      handle.close()
      throw error
    }
  }

  private static readMeta(handle: FileHandle): Meta {
    const candidates: Meta[] = []
    const errors: string[] = []
    const header = new Uint8Array(META_BYTES)
    const tryRead = (slot: number, position: number): void => {
      if (handle.read(header, 0, META_BYTES, position) < META_BYTES) return
      try {
        const meta = decodeMeta(header, slot)
        if (slot === 1 && meta.pageSize !== position) return
        candidates.push(meta)
      } catch (error) {
        if ((error as { code?: string }).code === 'FORMAT_UNSUPPORTED') throw error
        errors.push((error as Error).message)
      }
    }
    tryRead(0, 0)
    const sizes = candidates.length > 0 ? [candidates[0]!.pageSize] : CANDIDATE_PAGE_SIZES
    for (const size of sizes) tryRead(1, size)
    if (candidates.length === 0) {
      throw new CorruptionError('CORRUPT_META', `Neither meta page of ${handle.path} is valid (${errors.join('; ') || 'file too short'}). Restore the page file from a backup, or move it away to rebuild from a complete commit log.`, {
        details: { path: handle.path, errors },
      })
    }
    return candidates.reduce((best, meta) => (meta.sequence > best.sequence ? meta : best))
  }

  /** Reads and returns a fresh copy of one page (`CORRUPT_PAGE` past the end). */
  readPage(page: number): Uint8Array {
    if (page >= this.runStart && page < this.runStart + this.run.length) this.flushWrites()
    const size = this.limits.pageSize
    if (page < 2 || page >= this.pageCount) {
      throw new CorruptionError('CORRUPT_PAGE', `Page ${page} is outside the file (${this.pageCount} pages). Run \`livingdb verify\`.`, { details: { page } })
    }
    const buffer = new Uint8Array(size)
    const read = this.handle.read(buffer, 0, size, page * size)
    this.pagesRead++
    if (read < size) throw new CorruptionError('CORRUPT_PAGE', `Page ${page} is truncated (${read} of ${size} bytes). Run \`livingdb verify\`.`, { details: { page } })
    return buffer
  }

  /**
   * Writes one page (bytes must be exactly one page long). Consecutive pages
   * are combined into one write; {@link flushWrites} (also run by the syncs)
   * issues what is pending.
   */
  writePage(page: number, bytes: Uint8Array): void {
    if (this.run.length > 0 && (page !== this.runStart + this.run.length || this.run.length >= MAX_RUN_PAGES)) this.flushWrites()
    if (this.run.length === 0) this.runStart = page
    this.run.push(bytes)
    this.pagesWritten++
  }

  /** Issues the pending combined write, if any. */
  flushWrites(): void {
    if (this.run.length === 0) return
    const pages = this.run
    this.run = []
    const buffer = pages.length === 1 ? pages[0]! : Buffer.concat(pages)
    this.handle.write(buffer, 0, buffer.length, this.runStart * this.limits.pageSize)
  }

  /** Writes a meta page to its slot (sequence % 2). */
  writeMeta(meta: Meta): void {
    this.flushWrites()
    this.handle.write(encodeMeta(meta), 0, meta.pageSize, (meta.sequence % 2) * meta.pageSize)
  }

  sync(): void {
    this.flushWrites()
    this.handle.sync()
  }

  syncAsync(): Promise<void> {
    this.flushWrites()
    return this.handle.syncAsync()
  }

  /** Size of the file in bytes. */
  fileBytes(): number {
    return this.handle.size()
  }

  close(): void {
    this.run = []
    this.cache.clear()
    this.handle.close()
  }

  /** The node stored at `page`, from the cache or decoded from disk. */
  loadNode(page: number): Node {
    const cached = this.cache.get(page)
    if (cached !== undefined) return cached
    const node = decodeNode(this.readPage(page), page, this.limits, this.pageCount)
    this.cache.set(page, node)
    return node
  }

  /** Reads an overflow value from its chain of pages. */
  loadValue(reference: OverflowRef): Uint8Array {
    const value = new Uint8Array(reference.length)
    let offset = 0
    for (const { data } of this.chain(PageType.OVERFLOW, reference.page)) {
      if (offset + data.length > value.length) throw new CorruptionError('CORRUPT_PAGE', `Overflow chain at page ${reference.page} is longer than its value.`, { details: { page: reference.page } })
      value.set(data, offset)
      offset += data.length
    }
    if (offset !== value.length) throw new CorruptionError('CORRUPT_PAGE', `Overflow chain at page ${reference.page} ends early.`, { details: { page: reference.page } })
    return value
  }

  /** Page numbers of a chain (overflow value or catalog). */
  chainPages(type: typeof PageType.OVERFLOW | typeof PageType.CATALOG, first: number): number[] {
    return [...this.chain(type, first)].map((entry) => entry.page)
  }

  /** Reads a whole chain into one buffer. */
  readChain(type: typeof PageType.OVERFLOW | typeof PageType.CATALOG, first: number): Uint8Array {
    const parts = [...this.chain(type, first)].map((entry) => entry.data)
    return Buffer.concat(parts)
  }

  *chain(type: typeof PageType.OVERFLOW | typeof PageType.CATALOG, first: number): Generator<{ page: number; data: Uint8Array }> {
    let page = first
    let steps = 0
    while (page !== 0) {
      if (steps++ > this.pageCount) throw new CorruptionError('CORRUPT_PAGE', `Page chain starting at ${first} loops.`, { details: { page: first } })
      const decoded = decodeChainPage(type, this.readPage(page), page, this.pageCount)
      yield { page, data: decoded.data }
      page = decoded.next
    }
  }

  /** Writes `data` as a chain of pages at the given page numbers (one per {@link chainCapacity} bytes). */
  writeChain(type: typeof PageType.OVERFLOW | typeof PageType.CATALOG, data: Uint8Array, pages: readonly number[]): void {
    const capacity = chainCapacity(this.limits.pageSize)
    pages.forEach((page, index) => {
      const part = data.subarray(index * capacity, (index + 1) * capacity)
      this.writePage(page, encodeChainPage(type, part, page, pages[index + 1] ?? 0, this.limits.pageSize))
    })
  }
}
