import { benchEntries } from '../data-set.js'
import type { BenchEngine } from '../engines/bench-engine.js'
import { secondsSince, type EngineFigure } from '../workload-result.js'

/** Arguments of {@link measureBulkLoad}. */
export interface BulkLoadArgs {
  readonly engine: BenchEngine
  readonly keyCount: number
  readonly batchSize: number
  readonly seed: number
}

/**
 * Loads the data set in transactions of `batchSize` keys and returns keys per second.
 * Each batch is generated before its clock starts, so only the engine's time is counted.
 */
export async function measureBulkLoad(args: BulkLoadArgs): Promise<EngineFigure> {
  let seconds = 0
  let transactions = 0
  for (let start = 0; start < args.keyCount; start += args.batchSize) {
    const entries = benchEntries({ start, end: Math.min(start + args.batchSize, args.keyCount), seed: args.seed })
    const began = performance.now()
    const pending = args.engine.writeBatch(entries)
    if (pending !== undefined) await pending
    seconds += secondsSince(began)
    transactions++
  }
  return { value: args.keyCount / seconds, detail: { keys: args.keyCount, transactions, seconds } }
}
