import type { JsonValue } from '../../core/codec/index.js'
import { seededRandom } from '../../core/file/testing/memory-inode.js'

/** One operation of the crash workload. */
export type CrashOperation = { readonly type: 'put'; readonly key: string; readonly value: JsonValue } | { readonly type: 'delete'; readonly key: string }

/** Keys come from a small space so puts and deletes hit the same keys again and again. */
const KEY_SPACE = 150

/**
 * The operations of transaction number `sequence` (1-based) of a trial:
 * a pure function of (seed, sequence), so the child process and the parent's
 * reference model agree without talking.
 */
export function crashTransaction(seed: number, sequence: number): CrashOperation[] {
  const random = seededRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(sequence, 0x85ebca6b)) >>> 0)
  const count = 1 + Math.floor(random() * 4)
  const operations: CrashOperation[] = []
  for (let index = 0; index < count; index++) {
    const key = `k/${String(Math.floor(random() * KEY_SPACE)).padStart(3, '0')}`
    if (random() < 0.25) operations.push({ type: 'delete', key })
    else operations.push({ type: 'put', key, value: { seed, sequence, index, text: 'x'.repeat(Math.floor(random() * (random() < 0.05 ? 3000 : 80))) } })
  }
  return operations
}

/** Applies one transaction to a reference model (a Map of key to JSON value). */
export function applyCrashTransaction(model: Map<string, JsonValue>, operations: readonly CrashOperation[]): void {
  for (const operation of operations) {
    if (operation.type === 'put') model.set(operation.key, operation.value)
    else model.delete(operation.key)
  }
}
