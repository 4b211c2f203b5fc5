import { PAGE_HEADER_BYTES, type PageLimits } from '../codec/limits.js'
import { BRANCH_ENTRY_OVERHEAD, LEAF_ENTRY_OVERHEAD, type ChildRef, type LeafValue, Node, SHARED_GENERATION, isInline } from '../btree/node.js'
import { PageType, corruptPage, openPage, sealPage, viewOf } from './page-format.js'

const VALUE_INLINE = 0
const VALUE_OVERFLOW = 1

/**
 * Encodes a node into one page. Leaf body: per entry `keyLength u16 | key |
 * kind u8 (0 inline, 1 overflow) | valueLength u32 | value bytes or first
 * overflow page u32`. Branch body: `child0 u32`, then per separator
 * `keyLength u16 | key | child u32`. Every child must already have a page and
 * every large value an overflow reference.
 */
export function encodeNode(node: Node, pageNumber: number, limits: PageLimits): Uint8Array {
  const page = new Uint8Array(limits.pageSize)
  const view = viewOf(page)
  let offset = PAGE_HEADER_BYTES
  if (node.leaf) {
    for (let index = 0; index < node.keys.length; index++) {
      const key = node.keys[index]!
      const value = node.values[index]!
      view.setUint16(offset, key.length, true)
      page.set(key, offset + 2)
      offset += 2 + key.length
      view.setUint32(offset + 1, value.length, true)
      if (value instanceof Uint8Array) {
        if (!isInline(key.length, value.length, limits)) throw new Error('encodeNode: a large value has no overflow page yet')
        view.setUint8(offset, VALUE_INLINE)
        page.set(value, offset + 5)
        offset += 5 + value.length
      } else {
        view.setUint8(offset, VALUE_OVERFLOW)
        view.setUint32(offset + 5, value.page, true)
        offset += 9
      }
    }
    sealPage(page, { type: PageType.LEAF, count: node.keys.length, pageNumber, next: 0 })
    return page
  }
  view.setUint32(offset, childPage(node.children[0]!), true)
  offset += 4
  for (let index = 0; index < node.keys.length; index++) {
    const key = node.keys[index]!
    view.setUint16(offset, key.length, true)
    page.set(key, offset + 2)
    view.setUint32(offset + 2 + key.length, childPage(node.children[index + 1]!), true)
    offset += BRANCH_ENTRY_OVERHEAD + key.length
  }
  sealPage(page, { type: PageType.BRANCH, count: node.children.length, pageNumber, next: 0 })
  return page
}

function childPage(child: ChildRef): number {
  const page = typeof child === 'number' ? child : child.page
  if (page < 2) throw new Error('encodeNode: a child has no page yet')
  return page
}

/**
 * Decodes a leaf or branch page into a shared {@link Node} whose keys and
 * values are views into `page`. Any malformed input gives `CORRUPT_PAGE`.
 */
export function decodeNode(page: Uint8Array, pageNumber: number, limits: PageLimits, pageCount: number): Node {
  if (page.length !== limits.pageSize) corruptPage(pageNumber, `page buffer is ${page.length} bytes, expected ${limits.pageSize}`)
  const header = openPage(page, pageNumber, [PageType.LEAF, PageType.BRANCH])
  const view = viewOf(page)
  const end = page.length
  let offset = PAGE_HEADER_BYTES
  const keys: Uint8Array[] = []
  const readKey = (): Uint8Array => {
    if (offset + 2 > end) corruptPage(pageNumber, 'entry runs past the page end')
    const length = view.getUint16(offset, true)
    if (length === 0 || length > limits.maxKeyBytes || offset + 2 + length > end) corruptPage(pageNumber, `bad key length ${length} at offset ${offset}`)
    const key = page.subarray(offset + 2, offset + 2 + length)
    offset += 2 + length
    return key
  }
  const readChild = (): number => {
    if (offset + 4 > end) corruptPage(pageNumber, 'child pointer runs past the page end')
    const child = view.getUint32(offset, true)
    if (child < 2 || child >= pageCount || child === pageNumber) corruptPage(pageNumber, `child page ${child} out of range`)
    offset += 4
    return child
  }
  if (header.type === PageType.LEAF) {
    const values: LeafValue[] = []
    for (let index = 0; index < header.count; index++) {
      const key = readKey()
      if (offset + 5 > end) corruptPage(pageNumber, 'value header runs past the page end')
      const kind = view.getUint8(offset)
      const length = view.getUint32(offset + 1, true)
      offset += 5
      if (kind === VALUE_INLINE) {
        if (length === 0 || offset + length > end || !isInline(key.length, length, limits)) corruptPage(pageNumber, `bad inline value length ${length}`)
        values.push(page.subarray(offset, offset + length))
        offset += length
      } else if (kind === VALUE_OVERFLOW) {
        if (offset + 4 > end || isInline(key.length, length, limits)) corruptPage(pageNumber, `bad overflow value length ${length}`)
        const first = view.getUint32(offset, true)
        if (first < 2 || first >= pageCount) corruptPage(pageNumber, `overflow page ${first} out of range`)
        values.push({ page: first, length })
        offset += 4
      } else {
        corruptPage(pageNumber, `unknown value kind ${kind}`)
      }
      keys.push(key)
    }
    const node = Node.leaf(keys, values, SHARED_GENERATION, limits.maxEntryBytes)
    if (node.bytes !== offset) corruptPage(pageNumber, 'leaf size does not add up')
    node.page = pageNumber
    return node
  }
  if (header.count < 2) corruptPage(pageNumber, `branch with ${header.count} children`)
  const children: ChildRef[] = [readChild()]
  for (let index = 1; index < header.count; index++) {
    keys.push(readKey())
    children.push(readChild())
  }
  const node = Node.branch(keys, children, SHARED_GENERATION)
  if (node.bytes !== offset) corruptPage(pageNumber, 'branch size does not add up')
  node.page = pageNumber
  return node
}

/** Bytes of payload an overflow or catalog page carries. */
export function chainCapacity(pageSize: number): number {
  return pageSize - PAGE_HEADER_BYTES - 4
}

/**
 * Encodes one page of a chain (overflow values, the catalog): header `next`
 * is the following page (0 at the end), body `length u32 | bytes`.
 */
export function encodeChainPage(type: typeof PageType.OVERFLOW | typeof PageType.CATALOG, data: Uint8Array, pageNumber: number, next: number, pageSize: number): Uint8Array {
  const page = new Uint8Array(pageSize)
  viewOf(page).setUint32(PAGE_HEADER_BYTES, data.length, true)
  page.set(data, PAGE_HEADER_BYTES + 4)
  sealPage(page, { type, count: 0, pageNumber, next })
  return page
}

/** Decodes one chain page: its payload view and the next page number. */
export function decodeChainPage(type: typeof PageType.OVERFLOW | typeof PageType.CATALOG, page: Uint8Array, pageNumber: number, pageCount: number): { data: Uint8Array; next: number } {
  const header = openPage(page, pageNumber, [type])
  const length = viewOf(page).getUint32(PAGE_HEADER_BYTES, true)
  if (length > chainCapacity(page.length)) corruptPage(pageNumber, `chain payload of ${length} bytes does not fit`)
  if (header.next !== 0 && (header.next < 2 || header.next >= pageCount || header.next === pageNumber)) corruptPage(pageNumber, `next page ${header.next} out of range`)
  return { data: page.subarray(PAGE_HEADER_BYTES + 4, PAGE_HEADER_BYTES + 4 + length), next: header.next }
}

/** Free page numbers one freelist page holds. */
export function freelistCapacity(pageSize: number): number {
  return Math.floor((pageSize - PAGE_HEADER_BYTES) / 4)
}

/** Encodes a freelist page: `count` page numbers (u32 each), header `next` links the chain. */
export function encodeFreelistPage(pages: readonly number[], pageNumber: number, next: number, pageSize: number): Uint8Array {
  const page = new Uint8Array(pageSize)
  const view = viewOf(page)
  pages.forEach((free, index) => view.setUint32(PAGE_HEADER_BYTES + index * 4, free, true))
  sealPage(page, { type: PageType.FREELIST, count: pages.length, pageNumber, next })
  return page
}

/** Decodes a freelist page. */
export function decodeFreelistPage(page: Uint8Array, pageNumber: number, pageCount: number): { pages: number[]; next: number } {
  const header = openPage(page, pageNumber, [PageType.FREELIST])
  if (header.count > freelistCapacity(page.length)) corruptPage(pageNumber, `freelist count ${header.count} does not fit`)
  if (header.next !== 0 && (header.next < 2 || header.next >= pageCount)) corruptPage(pageNumber, `next page ${header.next} out of range`)
  const view = viewOf(page)
  const pages: number[] = []
  for (let index = 0; index < header.count; index++) {
    const free = view.getUint32(PAGE_HEADER_BYTES + index * 4, true)
    if (free < 2 || free >= pageCount) corruptPage(pageNumber, `free page ${free} out of range`)
    pages.push(free)
  }
  return { pages, next: header.next }
}
