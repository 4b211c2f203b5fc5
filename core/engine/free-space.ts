/**
 * Tracks free pages. A page freed by commit T (its node was copied or removed)
 * stays *pending* while anything may still read it: the last durable meta (if
 * T is after its checkpoint), or any open snapshot or retained version older
 * than T. {@link promote} moves pages whose txn is at or below a limit into the
 * reusable pool, which the next checkpoint allocates from.
 */
export class FreeSpace {
  private pending: { readonly page: number; readonly txnId: number }[] = []
  private reusable: number[]

  /** `initial` holds pages free in the durable meta (reusable at once after open). */
  constructor(initial: readonly number[] = []) {
    this.reusable = [...initial]
  }

  /** Records pages freed by commit `txnId`. */
  release(pages: readonly number[], txnId: number): void {
    for (const page of pages) this.pending.push({ page, txnId })
  }

  /** Makes pages freed at or before `limitTxnId` reusable. */
  promote(limitTxnId: number): void {
    const keep: { page: number; txnId: number }[] = []
    for (const entry of this.pending) {
      if (entry.txnId <= limitTxnId) this.reusable.push(entry.page)
      else keep.push(entry)
    }
    this.pending = keep
  }

  /** A reusable page, or undefined when the pool is empty. */
  allocate(): number | undefined {
    return this.reusable.pop()
  }

  /** Pages free in the version at `checkpointTxnId`: the freelist that checkpoint persists. */
  freeAt(checkpointTxnId: number): number[] {
    const pages = [...this.reusable]
    for (const entry of this.pending) if (entry.txnId <= checkpointTxnId) pages.push(entry.page)
    return pages.sort((left, right) => left - right)
  }

  stats(): { reusable: number; pending: number } {
    return { reusable: this.reusable.length, pending: this.pending.length }
  }
}
