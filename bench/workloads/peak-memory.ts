import { LivingDbError } from '../../errors/index.js'
import { startBenchChild } from '../child-process.js'
import type { EngineName } from '../engines/bench-engine.js'
import type { MemoryChildInput, MemoryChildResult } from '../memory-child.js'
import type { EngineFigure } from '../workload-result.js'

/** Headroom the issue allows above the configured page cache. */
export const MEMORY_HEADROOM_BYTES = 200 * 1024 * 1024

/** Arguments of {@link measurePeakMemory}: what the measuring child process gets. */
export type PeakMemoryArgs = MemoryChildInput

/**
 * Loads and reads the data set in a fresh child process with the page cache set to
 * `cacheBytes` and returns the peak RSS growth above the child's baseline (node, the
 * engine modules and the key list already in memory); the absolute peak is in the detail.
 */
export async function measurePeakMemory(args: PeakMemoryArgs): Promise<EngineFigure> {
  let result: MemoryChildResult | undefined
  const input: MemoryChildInput = { ...args }
  const exit = await startBenchChild({
    script: './memory-child.ts',
    input,
    onResult: received => {
      result = received as MemoryChildResult
    },
    timeoutMs: 30 * 60_000,
  })
  if (result === undefined) {
    throw new LivingDbError('UNEXPECTED_ERROR', `The ${args.engine} memory child exited (code ${exit.code}, signal ${exit.signal}) without a result: ${exit.stderr.trim()}`)
  }
  const growth = result.peakRssBytes - result.baselineRssBytes
  return {
    value: growth,
    detail: {
      peakRssBytes: result.peakRssBytes,
      baselineRssBytes: result.baselineRssBytes,
      cacheBytes: args.cacheBytes,
      withinCachePlus200MB: growth <= args.cacheBytes + MEMORY_HEADROOM_BYTES,
    },
  }
}
