import { LivingDbError } from '../../errors/index.js'
import type { BenchEngine } from '../engines/bench-engine.js'
import { secondsSince, type EngineFigure } from '../workload-result.js'

/** Arguments of {@link measureRangeScans}. */
export interface RangeScansArgs {
  readonly engine: BenchEngine
  readonly keys: readonly string[]
  /** Index of each scan's start key, drawn at random once for all engines. */
  readonly starts: Uint32Array
  readonly rowsPerScan: number
}

/** Forward scans of `rowsPerScan` rows from random loaded keys; returns rows per second. */
export async function measureRangeScans(args: RangeScansArgs): Promise<EngineFigure> {
  let rows = 0
  const began = performance.now()
  for (let position = 0; position < args.starts.length; position++) {
    const counted = args.engine.scan({ gte: args.keys[args.starts[position] as number] as string, limit: args.rowsPerScan })
    rows += typeof counted === 'number' ? counted : await counted
  }
  const seconds = secondsSince(began)
  if (rows < args.starts.length) {
    throw new LivingDbError('KEY_NOT_FOUND', `${args.engine.name}: ${args.starts.length} scans from loaded keys returned only ${rows} rows; every scan must at least find its start key.`)
  }
  return { value: rows / seconds, detail: { scans: args.starts.length, rows, seconds } }
}
