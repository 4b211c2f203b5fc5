import { CorruptionError } from '../../errors/index.js'
import { type Node, type NodeSource, isInline } from '../btree/node.js'
import { chainCapacity, decodeFreelistPage, encodeFreelistPage, freelistCapacity } from '../pager/node-codec.js'
import { encodeNode } from '../pager/node-codec.js'
import type { Meta } from '../pager/meta-page.js'
import { PageType } from '../pager/page-format.js'
import type { PageFile } from '../pager/page-file.js'
import type { DatabaseState, KeyspaceRoot } from './database-state.js'
import type { FreeSpace } from './free-space.js'

interface CatalogEntry {
  readonly name: string
  readonly root: number
  readonly count: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Writes every unwritten node reachable from `state` to free pages
 * (copy-on-write: never to a page the durable meta can reach), then the
 * catalog and the freelist, and returns the meta to write once those pages
 * are synced. Written nodes move into the page cache and their parents point
 * at them by page number, so memory stays bounded by the cache.
 */
export function writeCheckpointPages(pageFile: PageFile, freeSpace: FreeSpace, state: DatabaseState, retained: readonly DatabaseState[] = []): Meta {
  const limits = pageFile.limits
  const allocate = (): number => {
    const reused = freeSpace.allocate()
    if (reused !== undefined) {
      pageFile.cache.delete(reused)
      return reused
    }
    return pageFile.pageCount++
  }
  const writeValue = (value: Uint8Array): { page: number; length: number } => {
    const pages = Array.from({ length: Math.ceil(value.length / chainCapacity(limits.pageSize)) }, allocate)
    pageFile.writeChain(PageType.OVERFLOW, value, pages)
    return { page: pages[0]!, length: value.length }
  }
  const writeNode = (node: Node): number => {
    if (node.page !== 0) return node.page
    if (node.leaf) {
      for (let index = 0; index < node.values.length; index++) {
        const value = node.values[index]!
        if (value instanceof Uint8Array && !isInline(node.keys[index]!.length, value.length, limits)) node.values[index] = writeValue(value)
      }
    } else {
      for (let index = 0; index < node.children.length; index++) {
        const child = node.children[index]!
        if (typeof child !== 'number') node.children[index] = writeNode(child)
      }
    }
    const page = allocate()
    pageFile.writePage(page, encodeNode(node, page, limits))
    node.page = page
    // The node itself goes into the cache (decoding the page back instead, so cached nodes
    // would not point into write slabs, cost a third of bulk-load speed and saved no
    // measurable peak memory).
    pageFile.cache.set(page, node)
    return page
  }
  const catalog: CatalogEntry[] = []
  for (const [name, keyspace] of state.keyspaces) {
    catalog.push({ name, root: keyspace.root === null ? 0 : writeNode(keyspace.root), count: keyspace.count })
  }
  for (const version of retained) for (const keyspace of version.keyspaces.values()) if (keyspace.root !== null) unpinWrittenChildren(keyspace.root)
  const previous = pageFile.meta
  const oldPages = [
    ...(previous.catalogPage === 0 ? [] : pageFile.chainPages(PageType.CATALOG, previous.catalogPage)),
    ...readFreelistChain(pageFile, previous.freelistPage).chain,
  ]
  freeSpace.release(oldPages, state.txnId)
  const catalogBytes = encoder.encode(JSON.stringify(catalog))
  const catalogPages = Array.from({ length: Math.ceil(catalogBytes.length / chainCapacity(limits.pageSize)) }, allocate)
  pageFile.writeChain(PageType.CATALOG, catalogBytes, catalogPages)
  // Freelist pages come from the end of the file so writing them does not change the list they hold.
  const free = freeSpace.freeAt(state.txnId)
  const capacity = freelistCapacity(limits.pageSize)
  const freelistPages = Array.from({ length: Math.ceil(free.length / capacity) }, () => pageFile.pageCount++)
  freelistPages.forEach((page, index) => {
    pageFile.writePage(page, encodeFreelistPage(free.slice(index * capacity, (index + 1) * capacity), page, freelistPages[index + 1] ?? 0, limits.pageSize))
  })
  return {
    pageSize: limits.pageSize,
    sequence: previous.sequence + 1,
    checkpointTxnId: state.txnId,
    catalogPage: catalogPages[0] ?? 0,
    freelistPage: freelistPages[0] ?? 0,
    pageCount: pageFile.pageCount,
    timestamp: Date.now(),
  }
}

/**
 * In an older version kept for time travel, replaces every child object that
 * now has a page with its page number (a representational change: same
 * content), so the version keeps alive only the nodes it alone has (which the
 * window's byte budget bounds), not a whole tree of node objects and the write
 * slabs their entries point into. Written nodes already refer to their children
 * by page number, so only unwritten ones are visited.
 */
function unpinWrittenChildren(node: Node): void {
  if (node.page !== 0 || node.leaf) return
  const children = node.children
  for (let index = 0; index < children.length; index++) {
    const child = children[index]!
    if (typeof child === 'number') continue
    if (child.page !== 0) children[index] = child.page
    else unpinWrittenChildren(child)
  }
}

/** Reads the freelist chain of a meta: the free pages and the chain's own pages. */
export function readFreelistChain(pageFile: PageFile, first: number): { free: number[]; chain: number[] } {
  const free: number[] = []
  const chain: number[] = []
  let page = first
  while (page !== 0) {
    if (chain.length > pageFile.pageCount) throw new CorruptionError('CORRUPT_PAGE', `The freelist chain starting at page ${first} loops.`, { details: { page: first } })
    chain.push(page)
    const decoded = decodeFreelistPage(pageFile.readPage(page), page, pageFile.pageCount)
    free.push(...decoded.pages)
    page = decoded.next
  }
  return { free, chain }
}

/** Loads the keyspace catalog of the current meta (roots decoded and CRC-checked). */
export function readCatalog(pageFile: PageFile, loader: NodeSource = pageFile): Map<string, KeyspaceRoot> {
  const keyspaces = new Map<string, KeyspaceRoot>()
  const first = pageFile.meta.catalogPage
  if (first === 0) return keyspaces
  let entries: unknown
  try {
    entries = JSON.parse(decoder.decode(pageFile.readChain(PageType.CATALOG, first)))
  } catch (error) {
    if ((error as { code?: string }).code === 'CORRUPT_PAGE') throw error
    throw new CorruptionError('CORRUPT_PAGE', `The keyspace catalog at page ${first} is not valid JSON. Restore from a backup or rebuild from the commit log.`, { details: { page: first } })
  }
  if (!Array.isArray(entries)) throw new CorruptionError('CORRUPT_PAGE', `The keyspace catalog at page ${first} is not a list.`, { details: { page: first } })
  for (const entry of entries as CatalogEntry[]) {
    if (typeof entry?.name !== 'string' || !Number.isSafeInteger(entry.root) || !Number.isSafeInteger(entry.count) || entry.count < 0) {
      throw new CorruptionError('CORRUPT_PAGE', `The keyspace catalog at page ${first} holds a malformed entry.`, { details: { page: first } })
    }
    keyspaces.set(entry.name, { root: entry.root === 0 ? null : loader.loadNode(entry.root), count: entry.count })
  }
  return keyspaces
}
