// Child process of the peak-memory workload: loads the data set into one engine with a
// page cache smaller than the data, reads it back, and prints its peak RSS.
import { readFileSync } from 'node:fs'
import { benchKeys, randomIndexes } from './data-set.js'
import { printBenchResult } from './child-process.js'
import type { EngineName } from './engines/bench-engine.js'
import { ENGINE_FACTORIES } from './engines/engine-registry.js'
import { loadLivingDb } from './engines/livingdb-engine.js'
import { collectGarbage } from './workload-result.js'
import { measureBulkLoad } from './workloads/bulk-load.js'
import { measurePointGets } from './workloads/point-gets.js'
import { measureRangeScans } from './workloads/range-scans.js'

/** What the parent passes to this child. */
export interface MemoryChildInput {
  readonly engine: EngineName
  readonly directory: string
  readonly keys: number
  readonly seed: number
  readonly batchSize: number
  readonly cacheBytes: number
  readonly gets: number
  readonly scans: number
  readonly scanRows: number
}

/** What this child prints. */
export interface MemoryChildResult {
  readonly baselineRssBytes: number
  readonly peakRssBytes: number
}

const input = JSON.parse(process.argv[2] ?? '{}') as MemoryChildInput
const keys = benchKeys({ count: input.keys, seed: input.seed })
const order = randomIndexes({ count: input.gets, keyCount: input.keys, seed: input.seed })
const starts = randomIndexes({ count: input.scans, keyCount: input.keys, seed: input.seed + 1 })
// The baseline holds every engine's code: the other engines are imported statically above,
// livingdb's package root dynamically, so import it now rather than count it as growth.
if (input.engine === 'livingdb') await loadLivingDb()
collectGarbage()
const baselineRssBytes = process.memoryUsage().rss
const engine = await ENGINE_FACTORIES[input.engine].open({ directory: input.directory, profile: 'bulk', cacheBytes: input.cacheBytes })
await measureBulkLoad({ engine, keyCount: input.keys, batchSize: input.batchSize, seed: input.seed })
await measurePointGets({ engine, keys, order })
await measureRangeScans({ engine, keys, starts, rowsPerScan: input.scanRows })
await engine.close()
const result: MemoryChildResult = { baselineRssBytes, peakRssBytes: peakRss() }
printBenchResult(result)

/**
 * This process's peak RSS. On Linux, `VmHWM` of /proc/self/status: the high-water mark of
 * this address space only. `resourceUsage().maxRSS` is not used there because the kernel
 * carries it over from the forked copy of the parent, so a child of a benchmark process
 * that holds 1M keys in four engines reports the parent's ~550 MB whatever it does itself.
 */
function peakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match !== null) return Number(match[1]) * 1024
  } catch {
    // not Linux: fall back to the rusage figure
  }
  return process.resourceUsage().maxRSS * 1024
}
