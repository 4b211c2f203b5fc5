import { LivingDbError } from '../../errors/index.js'
import { type Node, type NodeSource, branchBytes, childAt, compareBytes, leafBytes, searchIndexProblem } from './node.js'

/** What {@link checkTree} found in a valid tree. */
export interface TreeCheckReport {
  readonly keys: number
  readonly depth: number
  readonly nodes: number
}

function fail(name: string, message: string, details: Record<string, unknown> = {}): never {
  throw new LivingDbError('TREE_INVARIANT', `B+tree invariant broken in keyspace "${name}": ${message}. Run \`livingdb verify\`; if it fails, restore from a backup or rebuild from the commit log.`, {
    details: { keyspace: name, ...details },
  })
}

/**
 * Walks every node of a tree and asserts every invariant: keys strictly
 * increasing, every key inside its parent's separator bounds, all leaves at
 * the same depth, recorded byte sizes exact, every node within the page size,
 * non-root nodes at least a quarter full, branches with at least two children,
 * no empty leaves. Loading nodes from pages also checks their CRCs. Throws
 * `TREE_INVARIANT` on the first violation.
 */
export function checkTree(source: NodeSource, root: Node | null, name: string, expectedCount?: number): TreeCheckReport {
  if (root === null) {
    if (expectedCount !== undefined && expectedCount !== 0) fail(name, `the tree is empty but the catalog records ${expectedCount} keys`)
    return { keys: 0, depth: 0, nodes: 0 }
  }
  const { pageSize, maxEntryBytes, minFillBytes } = source.limits
  let leafDepth = -1
  let keys = 0
  let nodes = 0
  const visit = (node: Node, depth: number, lower: Uint8Array | undefined, upper: Uint8Array | undefined): void => {
    nodes++
    const isRoot = depth === 0
    const where = { depth, page: node.page }
    const computed = node.leaf ? leafBytes(node.keys, node.values, maxEntryBytes) : branchBytes(node.keys)
    if (computed !== node.bytes) fail(name, `a node records ${node.bytes} bytes but encodes to ${computed}`, where)
    const indexProblem = searchIndexProblem(node)
    if (indexProblem !== undefined) fail(name, indexProblem, where)
    if (node.bytes > pageSize) fail(name, `a node of ${node.bytes} bytes exceeds the page size ${pageSize}`, where)
    if (!isRoot && node.bytes < minFillBytes) fail(name, `a non-root node holds ${node.bytes} bytes, below the minimum fill ${minFillBytes}`, where)
    for (let index = 0; index < node.keys.length; index++) {
      const key = node.keys[index]!
      if (index > 0 && compareBytes(node.keys[index - 1]!, key) >= 0) fail(name, 'keys are not strictly increasing', { ...where, index })
      if (lower && compareBytes(key, lower) < 0) fail(name, 'a key is below its separator bound', { ...where, index })
      if (upper && compareBytes(key, upper) >= 0) fail(name, 'a key is at or above its separator bound', { ...where, index })
    }
    if (node.leaf) {
      if (node.keys.length === 0) fail(name, 'a leaf is empty', where)
      if (node.values.length !== node.keys.length) fail(name, 'a leaf has a different number of keys and values', where)
      if (leafDepth === -1) leafDepth = depth
      else if (leafDepth !== depth) fail(name, `leaves sit at depths ${leafDepth} and ${depth}`, where)
      keys += node.keys.length
      return
    }
    if (node.children.length < 2) fail(name, 'a branch has fewer than two children', where)
    if (node.children.length !== node.keys.length + 1) fail(name, 'a branch does not have one more child than separators', where)
    for (let index = 0; index < node.children.length; index++) {
      const child = childAt(source, node, index)
      if (node.keys[index - 1] && child.leaf && compareBytes(child.keys[0]!, node.keys[index - 1]!) < 0) fail(name, 'a separator is greater than the first key of its right child', where)
      visit(child, depth + 1, index === 0 ? lower : node.keys[index - 1], index === node.keys.length ? upper : node.keys[index])
    }
  }
  visit(root, 0, undefined, undefined)
  if (expectedCount !== undefined && expectedCount !== keys) fail(name, `the tree holds ${keys} keys but the catalog records ${expectedCount}`)
  return { keys, depth: leafDepth + 1, nodes }
}
