import type { PageLimits } from '../codec/limits.js'
import { PAGE_HEADER_BYTES } from '../codec/limits.js'

/** A value stored in a chain of overflow pages; the leaf keeps only this reference. */
export interface OverflowRef {
  /** First page of the chain. */
  readonly page: number
  /** Length of the encoded value in bytes. */
  readonly length: number
}

/** What a leaf slot holds: the encoded value bytes, or a reference to overflow pages. */
export type LeafValue = Uint8Array | OverflowRef
/** What a branch slot holds: a decoded node, or the page number it is stored at. */
export type ChildRef = Node | number

/** Generation of nodes decoded from pages: never equal to a write generation, so always shared. */
export const SHARED_GENERATION = -1

/** Framing bytes of a leaf entry: key length (2), value kind (1), value length (4). */
export const LEAF_ENTRY_OVERHEAD = 7
/** Bytes of an overflow reference in a leaf entry (the first page number). */
export const OVERFLOW_REF_BYTES = 4
/** Framing bytes of a branch separator: key length (2), child page (4). */
export const BRANCH_ENTRY_OVERHEAD = 6

/**
 * One B+tree node. Leaves hold sorted keys and values; branches hold n-1
 * separator keys and n children, where child i holds keys in
 * [keys[i-1], keys[i]).
 *
 * Copy-on-write: a node is *shared* (immutable) unless its `generation` equals
 * the generation of the write transaction that is running. Like sorted-btree's
 * `isShared` flag, this lets one writer mutate the nodes it created in place
 * while every snapshot keeps reading the nodes it already has; a shared node is
 * cloned before it is changed. The only in-place change ever made to a shared
 * node is representational: at checkpoint a child object may be swapped for its
 * page number, and a large value for its overflow reference (same content).
 */
export class Node {
  /** Encoded size in bytes (header included); never more than the page size. */
  bytes: number
  /** Page number this exact content is stored at, or 0 when not written yet. */
  page = 0
  /** Search index over `keys` (see {@link SearchIndex}), built on first use; kept up to date or cleared when the keys change. */
  search: SearchIndex | undefined = undefined

  constructor(
    readonly leaf: boolean,
    public keys: Uint8Array[],
    public values: LeafValue[],
    public children: ChildRef[],
    public generation: number,
    bytes: number,
  ) {
    this.bytes = bytes
  }

  /** A leaf node; `maxEntryBytes` decides which values count as overflow references. */
  static leaf(keys: Uint8Array[], values: LeafValue[], generation: number, maxEntryBytes: number): Node {
    return new Node(true, keys, values, [], generation, leafBytes(keys, values, maxEntryBytes))
  }

  /** A branch node. */
  static branch(keys: Uint8Array[], children: ChildRef[], generation: number): Node {
    return new Node(false, keys, [], children, generation, branchBytes(keys))
  }

  /** Number of entries (leaf) or children (branch). */
  get size(): number {
    return this.leaf ? this.keys.length : this.children.length
  }
}

/** Length of a stored value, whatever its representation. */
export function valueLength(value: LeafValue): number {
  return value.length
}

/** True when a value of `valueBytes` next to a key of `keyBytes` is stored inline in the leaf. */
export function isInline(keyBytes: number, valueBytes: number, limits: PageLimits): boolean {
  return LEAF_ENTRY_OVERHEAD + keyBytes + valueBytes <= limits.maxEntryBytes
}

/** Encoded bytes of one leaf entry. */
export function leafEntryBytes(keyBytes: number, valueBytes: number, maxEntryBytes: number): number {
  const inline = LEAF_ENTRY_OVERHEAD + keyBytes + valueBytes
  return inline <= maxEntryBytes ? inline : LEAF_ENTRY_OVERHEAD + keyBytes + OVERFLOW_REF_BYTES
}

/** Encoded bytes of a leaf with these entries. */
export function leafBytes(keys: readonly Uint8Array[], values: readonly LeafValue[], maxEntryBytes: number): number {
  let total = PAGE_HEADER_BYTES
  for (let index = 0; index < keys.length; index++) total += leafEntryBytes(keys[index]!.length, values[index]!.length, maxEntryBytes)
  return total
}

/** Encoded bytes of a branch with these separators. */
export function branchBytes(keys: readonly Uint8Array[]): number {
  let total = PAGE_HEADER_BYTES + 4
  for (const key of keys) total += BRANCH_ENTRY_OVERHEAD + key.length
  return total
}

/** Bytewise comparison of two byte strings (negative, zero, positive). */
export function compareBytes(left: Uint8Array, right: Uint8Array): number {
  const leftLength = left.length
  const rightLength = right.length
  const length = leftLength < rightLength ? leftLength : rightLength
  for (let index = 0; index < length; index++) {
    const difference = left[index]! - right[index]!
    if (difference !== 0) return difference
  }
  return leftLength - rightLength
}

/** Compares the first `length` bytes of `probe` with `key`. */
export function compareProbe(probe: Uint8Array, length: number, key: Uint8Array): number {
  const keyLength = key.length
  const shortest = length < keyLength ? length : keyLength
  for (let index = 0; index < shortest; index++) {
    const difference = probe[index]! - key[index]!
    if (difference !== 0) return difference
  }
  return length - keyLength
}

/** Index of the first key >= probe (keys.length when none). */
export function lowerBound(keys: readonly Uint8Array[], probe: Uint8Array, length: number = probe.length): number {
  let low = 0
  let high = keys.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compareProbe(probe, length, keys[middle]!) > 0) low = middle + 1
    else high = middle
  }
  return low
}

/** Index of the first key > probe (keys.length when none); in a branch, the child to descend into. */
export function upperBound(keys: readonly Uint8Array[], probe: Uint8Array, length: number = probe.length): number {
  let low = 0
  let high = keys.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compareProbe(probe, length, keys[middle]!) >= 0) low = middle + 1
    else high = middle
  }
  return low
}

/**
 * A cache-friendly view of a node's keys for lookups, in ONE array of
 * doubles so a search touches one object: `[prefixLength, ...prefix words,
 * ...heads]`. The prefix is the bytes every key shares, packed
 * {@link HEAD_BYTES} per word (big-endian, zero-padded); then one head per
 * key: the next {@link HEAD_BYTES} bytes after the prefix, same packing. A
 * binary search over heads needs neither the keys array nor the key objects;
 * full keys are compared only among equal heads (on a get, usually one).
 * Every head is stored plus 0.5 so the array holds only doubles (no
 * small-integer/double transitions).
 */
export type SearchIndex = number[]

/** Key bytes packed into one head (6 bytes = 48 bits: exact in a double, with room for the +0.5). */
export const HEAD_BYTES = 6

/** Index of the first head in a search index. */
function headsStart(search: SearchIndex): number {
  return 1 + Math.ceil(search[0]! / HEAD_BYTES)
}

function buildSearchIndex(keys: readonly Uint8Array[]): SearchIndex {
  const count = keys.length
  let prefixLength = 0
  if (count > 0) {
    const first = keys[0]!
    const last = keys[count - 1]!
    // Keys are sorted, so the prefix shared by the first and last key is shared by all.
    const limit = Math.min(first.length, last.length)
    while (prefixLength < limit && first[prefixLength] === last[prefixLength]) prefixLength++
  }
  const words = Math.ceil(prefixLength / HEAD_BYTES)
  // Created from a double so the array's elements are unboxed doubles from the start.
  const search: SearchIndex = [0.5]
  search[0] = prefixLength
  for (let word = 0; word < words; word++) search.push(headOf(keys[0]!, prefixLength, word * HEAD_BYTES) + 0.5)
  for (let index = 0; index < count; index++) search.push(headOf(keys[index]!, keys[index]!.length, prefixLength) + 0.5)
  return search
}

/** True when `key` starts with the prefix a search index was built for. */
function sharesPrefix(search: SearchIndex, key: Uint8Array): boolean {
  const prefixLength = search[0]!
  if (key.length < prefixLength) return false
  for (let word = 0; word * HEAD_BYTES < prefixLength; word++) {
    if (headOf(key, prefixLength, word * HEAD_BYTES) + 0.5 !== search[1 + word]) return false
  }
  return true
}

/** Keeps a node's search index in step with inserting `key` at `index` (call before changing `keys`). */
export function indexInsert(node: Node, index: number, key: Uint8Array): void {
  const search = node.search
  if (search === undefined) return
  if (sharesPrefix(search, key)) search.splice(headsStart(search) + index, 0, headOf(key, key.length, search[0]!) + 0.5)
  else node.search = undefined
}

/** Keeps a node's search index in step with removing the key at `index`. */
export function indexRemove(node: Node, index: number): void {
  const search = node.search
  if (search !== undefined) search.splice(headsStart(search) + index, 1)
}

/** Describes how a node's search index disagrees with its keys, or returns undefined when it matches. */
export function searchIndexProblem(node: Node): string | undefined {
  const search = node.search
  if (search === undefined) return undefined
  const start = headsStart(search)
  if (search.length - start !== node.keys.length) return `search index has ${search.length - start} heads for ${node.keys.length} keys`
  const prefixLength = search[0]!
  for (let index = 0; index < node.keys.length; index++) {
    const key = node.keys[index]!
    if (!sharesPrefix(search, key)) return `key ${index} does not share the indexed prefix`
    if (search[start + index] !== headOf(key, key.length, prefixLength) + 0.5) return `head ${index} does not match its key`
  }
  return undefined
}

/** A private copy of a search index for a copied node. */
export function copySearchIndex(search: SearchIndex | undefined): SearchIndex | undefined {
  return search === undefined ? undefined : search.slice()
}

/** The {@link HEAD_BYTES} bytes of `key[0..length)` from `start` on, big-endian, zero-padded past `length`. */
function headOf(key: Uint8Array, length: number, start: number): number {
  let head = 0
  for (let offset = start; offset < start + HEAD_BYTES; offset++) head = head * 256 + (offset < length ? key[offset]! : 0)
  return head
}

/**
 * Index of the first key >= probe (`upper` false) or > probe (`upper` true)
 * in a node, using its {@link SearchIndex} (built on first use).
 */
export function searchNode(node: Node, probe: Uint8Array, length: number, upper: boolean): number {
  const keys = node.keys
  const count = keys.length
  if (count < 8) return upper ? upperBound(keys, probe, length) : lowerBound(keys, probe, length)
  const search = (node.search ??= buildSearchIndex(keys))
  const prefixLength = search[0]!
  const probePrefix = length < prefixLength ? length : prefixLength
  let low = 1
  for (let offset = 0; offset < prefixLength; offset += HEAD_BYTES) {
    // Zero padding makes a probe shorter than the prefix compare low or equal, and either way it sorts before every key.
    const word = headOf(probe, probePrefix, offset) + 0.5
    const prefixWord = search[low++]!
    if (word < prefixWord) return 0
    if (word > prefixWord) return count
  }
  if (length < prefixLength) return 0
  const start = low
  const head = headOf(probe, length, prefixLength) + 0.5
  let high = start + count
  while (low < high) {
    const middle = (low + high) >>> 1
    if (search[middle]! < head) low = middle + 1
    else high = middle
  }
  let end = low
  while (end < start + count && search[end] === head) end++
  low -= start
  end -= start
  // Full comparisons only among keys with the same head.
  while (low < end) {
    const middle = (low + end) >>> 1
    const order = compareProbe(probe, length, keys[middle]!)
    if (upper ? order >= 0 : order > 0) low = middle + 1
    else end = middle
  }
  return low
}

/** Where nodes stored as page numbers and values stored in overflow pages are read from. */
export interface NodeSource {
  readonly limits: PageLimits
  /** Decodes (or returns the cached) node stored at `page`. */
  loadNode(page: number): Node
  /** Reads a value stored in overflow pages. */
  loadValue(reference: OverflowRef): Uint8Array
}

/** Resolves child `index` of a branch to a node. */
export function childAt(source: NodeSource, node: Node, index: number): Node {
  const child = node.children[index]!
  return typeof child === 'number' ? source.loadNode(child) : child
}

/** Resolves a leaf value to its encoded bytes. */
export function resolveValue(source: NodeSource, value: LeafValue): Uint8Array {
  return value instanceof Uint8Array ? value : source.loadValue(value)
}
