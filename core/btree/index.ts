export * from './node.js'
export { treeGet, treePut, treeRemove, type MutationContext, type MutationResult } from './tree-mutation.js'
export { TreeCursor, prefixSuccessor, type ByteRange, type RawEntry } from './tree-cursor.js'
export { checkTree, type TreeCheckReport } from './check-valid.js'
