import { CorruptionError } from '../../errors/index.js'
import type { PageLimits } from '../codec/limits.js'
import type { Node, NodeSource } from '../btree/node.js'

/** The node source of trees that never touch pages (in-memory databases, time-travel replays). */
export class MemorySource implements NodeSource {
  constructor(readonly limits: PageLimits) {}

  loadNode(page: number): Node {
    throw new CorruptionError('CORRUPT_PAGE', `An in-memory tree referenced page ${page}; in-memory trees have no pages. This is a bug in livingdb: please report it.`, { details: { page } })
  }

  loadValue(reference: { readonly page: number }): Uint8Array {
    return this.loadNode(reference.page) as never
  }
}
