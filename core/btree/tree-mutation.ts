import { PAGE_HEADER_BYTES } from '../codec/limits.js'
import {
  BRANCH_ENTRY_OVERHEAD,
  type LeafValue,
  Node,
  type NodeSource,
  type OverflowRef,
  childAt,
  compareBytes,
  copySearchIndex,
  indexInsert,
  indexRemove,
  compareProbe,
  leafEntryBytes,
  lowerBound,
  searchNode,
  upperBound,
} from './node.js'

/** What a copy-on-write change to a tree needs besides reading nodes. */
export interface MutationContext extends NodeSource {
  /** Nodes with this generation belong to the running write and may be changed in place. */
  readonly generation: number
  /** Receives the page of a stored node this change replaces (freed when the change commits). */
  freePage(page: number): void
  /** Receives an overflow value this change removes or replaces. */
  freeValue(reference: OverflowRef): void
}

/** The outcome of a put or delete: the new root and whether the key count changed. */
export interface MutationResult {
  readonly root: Node | null
  /** +1 when a key was added, -1 when one was removed, 0 otherwise. */
  readonly countDelta: number
}

interface Split {
  readonly separator: Uint8Array
  readonly right: Node
}

/** Returns `node` when this write owns it, otherwise a private copy (the original page is freed). */
function mutable(context: MutationContext, node: Node): Node {
  if (node.generation === context.generation) return node
  if (node.page !== 0) context.freePage(node.page)
  const copy = new Node(node.leaf, node.keys.slice(), node.values.slice(), node.children.slice(), context.generation, node.bytes)
  copy.search = copySearchIndex(node.search)
  return copy
}

function mutableChild(context: MutationContext, parent: Node, index: number): Node {
  const child = mutable(context, childAt(context, parent, index))
  parent.children[index] = child
  return child
}

/** Finds the stored value of `probe[0..length)`, or undefined. Allocates nothing. */
export function treeGet(source: NodeSource, root: Node | null, probe: Uint8Array, length: number = probe.length): LeafValue | undefined {
  if (root === null) return undefined
  let node = root
  while (!node.leaf) node = childAt(source, node, searchNode(node, probe, length, true))
  const index = searchNode(node, probe, length, false)
  if (index < node.keys.length && compareProbe(probe, length, node.keys[index]!) === 0) return node.values[index]
  return undefined
}

/** Inserts or replaces `key` copy-on-write; returns the new root. */
export function treePut(context: MutationContext, root: Node | null, key: Uint8Array, value: Uint8Array): MutationResult {
  if (root === null) return { root: Node.leaf([key], [value], context.generation, context.limits.maxEntryBytes), countDelta: 1 }
  const top = mutable(context, root)
  const state = { countDelta: 0 }
  const split = insertInto(context, top, key, value, state)
  if (split) return { root: Node.branch([split.separator], [top, split.right], context.generation), countDelta: state.countDelta }
  return { root: collapse(context, top), countDelta: state.countDelta }
}

/** Deletes `key` copy-on-write; returns the unchanged root when the key is absent. */
export function treeRemove(context: MutationContext, root: Node | null, key: Uint8Array): MutationResult {
  if (root === null || treeGet(context, root, key) === undefined) return { root, countDelta: 0 }
  const top = mutable(context, root)
  const split = removeFrom(context, top, key)
  if (split) return { root: Node.branch([split.separator], [top, split.right], context.generation), countDelta: -1 }
  return { root: collapse(context, top), countDelta: -1 }
}

function collapse(context: MutationContext, root: Node): Node | null {
  let node = root
  while (!node.leaf && node.children.length === 1) node = childAt(context, node, 0)
  return node.leaf && node.keys.length === 0 ? null : node
}

function insertInto(context: MutationContext, node: Node, key: Uint8Array, value: Uint8Array, state: { countDelta: number }): Split | null {
  const { pageSize, maxEntryBytes } = context.limits
  if (node.leaf) {
    const index = searchNode(node, key, key.length, false)
    if (index < node.keys.length && compareBytes(node.keys[index]!, key) === 0) {
      const old = node.values[index]!
      if (!(old instanceof Uint8Array)) context.freeValue(old)
      node.bytes += leafEntryBytes(key.length, value.length, maxEntryBytes) - leafEntryBytes(key.length, old.length, maxEntryBytes)
      node.values[index] = value
    } else {
      indexInsert(node, index, key)
      node.keys.splice(index, 0, key)
      node.values.splice(index, 0, value)
      node.bytes += leafEntryBytes(key.length, value.length, maxEntryBytes)
      state.countDelta = 1
    }
    return node.bytes > pageSize ? splitLeaf(context, node) : null
  }
  const index = searchNode(node, key, key.length, true)
  const child = mutableChild(context, node, index)
  afterChildChange(context, node, index, child, insertInto(context, child, key, value, state))
  return node.bytes > pageSize ? splitBranch(context, node) : null
}

/**
 * Fixes a branch after its child `index` changed: links in the child's split,
 * or refills an underfull child from a sibling. Refilling may lengthen a
 * separator, so the caller checks the branch's own size afterwards.
 */
function afterChildChange(context: MutationContext, node: Node, index: number, child: Node, split: Split | null): void {
  if (split) {
    indexInsert(node, index, split.separator)
    node.keys.splice(index, 0, split.separator)
    node.children.splice(index + 1, 0, split.right)
    node.bytes += BRANCH_ENTRY_OVERHEAD + split.separator.length
  } else if (child.bytes < context.limits.minFillBytes) {
    rebalance(context, node, index)
  }
}

function removeFrom(context: MutationContext, node: Node, key: Uint8Array): Split | null {
  if (node.leaf) {
    const index = searchNode(node, key, key.length, false)
    const old = node.values[index]!
    if (!(old instanceof Uint8Array)) context.freeValue(old)
    node.bytes -= leafEntryBytes(key.length, old.length, context.limits.maxEntryBytes)
    indexRemove(node, index)
    node.keys.splice(index, 1)
    node.values.splice(index, 1)
    return null
  }
  const index = searchNode(node, key, key.length, true)
  const child = mutableChild(context, node, index)
  afterChildChange(context, node, index, child, removeFrom(context, child, key))
  return node.bytes > context.limits.pageSize ? splitBranch(context, node) : null
}

/** Index m that best balances prefix sum [0..m) against the rest, with 1 <= m <= n - 1 - reserve. */
function balancedIndex(sizes: readonly number[], reserve: number): number {
  let total = 0
  for (const size of sizes) total += size
  let best = 1
  let bestCost = Infinity
  let prefix = 0
  for (let index = 1; index < sizes.length - reserve; index++) {
    prefix += sizes[index - 1]!
    const rest = total - prefix - (reserve ? sizes[index]! : 0)
    const cost = Math.max(prefix, rest)
    if (cost < bestCost) {
      bestCost = cost
      best = index
    }
  }
  return best
}

function leafSizes(context: MutationContext, keys: readonly Uint8Array[], values: readonly LeafValue[]): number[] {
  const sizes = new Array<number>(keys.length)
  for (let index = 0; index < keys.length; index++) sizes[index] = leafEntryBytes(keys[index]!.length, values[index]!.length, context.limits.maxEntryBytes)
  return sizes
}

function splitLeaf(context: MutationContext, node: Node): Split {
  const middle = balancedIndex(leafSizes(context, node.keys, node.values), 0)
  const right = Node.leaf(node.keys.slice(middle), node.values.slice(middle), context.generation, context.limits.maxEntryBytes)
  node.keys.length = middle
  node.values.length = middle
  node.search = undefined
  node.bytes -= right.bytes - PAGE_HEADER_BYTES
  return { separator: right.keys[0]!, right }
}

function splitBranch(context: MutationContext, node: Node): Split {
  const middle = balancedIndex(node.keys.map((key) => key.length + BRANCH_ENTRY_OVERHEAD), 1)
  const separator = node.keys[middle]!
  const right = Node.branch(node.keys.slice(middle + 1), node.children.slice(middle + 1), context.generation)
  node.keys.length = middle
  node.children.length = middle + 1
  node.search = undefined
  node.bytes -= right.bytes - PAGE_HEADER_BYTES - 4 + BRANCH_ENTRY_OVERHEAD + separator.length
  return { separator, right }
}

/** Fixes an underfull child `index` of `parent` by merging with, or borrowing from, a sibling. */
function rebalance(context: MutationContext, parent: Node, index: number): void {
  if (parent.children.length < 2) return
  const leftIndex = index > 0 ? index - 1 : index
  const left = mutableChild(context, parent, leftIndex)
  const right = mutableChild(context, parent, leftIndex + 1)
  const separator = parent.keys[leftIndex]!
  const { pageSize, maxEntryBytes } = context.limits
  left.search = undefined
  right.search = undefined
  if (left.leaf) {
    if (left.bytes + right.bytes - PAGE_HEADER_BYTES <= pageSize) {
      left.keys.push(...right.keys)
      left.values.push(...right.values)
      left.bytes += right.bytes - PAGE_HEADER_BYTES
      removeSeparator(parent, leftIndex, separator)
      return
    }
    const keys = left.keys.concat(right.keys)
    const values = left.values.concat(right.values)
    const middle = balancedIndex(leafSizes(context, keys, values), 0)
    left.keys = keys.slice(0, middle)
    left.values = values.slice(0, middle)
    right.keys = keys.slice(middle)
    right.values = values.slice(middle)
    left.bytes = Node.leaf(left.keys, left.values, 0, maxEntryBytes).bytes
    right.bytes = Node.leaf(right.keys, right.values, 0, maxEntryBytes).bytes
    replaceSeparator(parent, leftIndex, right.keys[0]!)
    return
  }
  const mergedBytes = left.bytes + right.bytes - PAGE_HEADER_BYTES - 4 + BRANCH_ENTRY_OVERHEAD + separator.length
  if (mergedBytes <= pageSize) {
    left.keys.push(separator, ...right.keys)
    left.children.push(...right.children)
    left.bytes = mergedBytes
    removeSeparator(parent, leftIndex, separator)
    return
  }
  const keys = [...left.keys, separator, ...right.keys]
  const children = left.children.concat(right.children)
  const middle = balancedIndex(keys.map((key) => key.length + BRANCH_ENTRY_OVERHEAD), 1)
  left.keys = keys.slice(0, middle)
  left.children = children.slice(0, middle + 1)
  right.keys = keys.slice(middle + 1)
  right.children = children.slice(middle + 1)
  left.bytes = Node.branch(left.keys, [], 0).bytes
  right.bytes = Node.branch(right.keys, [], 0).bytes
  replaceSeparator(parent, leftIndex, keys[middle]!)
}

function removeSeparator(parent: Node, index: number, separator: Uint8Array): void {
  indexRemove(parent, index)
  parent.keys.splice(index, 1)
  parent.children.splice(index + 1, 1)
  parent.bytes -= BRANCH_ENTRY_OVERHEAD + separator.length
}

function replaceSeparator(parent: Node, index: number, separator: Uint8Array): void {
  parent.search = undefined
  parent.bytes += separator.length - parent.keys[index]!.length
  parent.keys[index] = separator
}
