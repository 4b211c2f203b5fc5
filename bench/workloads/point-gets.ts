import { LivingDbError } from '../../errors/index.js'
import type { BenchEngine } from '../engines/bench-engine.js'
import { secondsSince, type EngineFigure } from '../workload-result.js'

/** Arguments of {@link measurePointGets}. */
export interface PointGetsArgs {
  readonly engine: BenchEngine
  readonly keys: readonly string[]
  /** Which key each get reads, drawn at random once for all engines. */
  readonly order: Uint32Array
}

/**
 * Random point reads of loaded keys; returns gets per second. Every get must find its
 * value: a miss means the engine lost data or the load failed, and fails the workload.
 */
export async function measurePointGets(args: PointGetsArgs): Promise<EngineFigure> {
  const { engine, keys, order } = args
  let found = 0
  const began = performance.now()
  if (engine.getSync !== undefined) {
    const getSync = engine.getSync
    for (let position = 0; position < order.length; position++) {
      if (getSync(keys[order[position] as number] as string) !== undefined) found++
    }
  } else if (engine.getAsync !== undefined) {
    for (let position = 0; position < order.length; position++) {
      if ((await engine.getAsync(keys[order[position] as number] as string)) !== undefined) found++
    }
  }
  const seconds = secondsSince(began)
  if (found !== order.length) {
    throw new LivingDbError('KEY_NOT_FOUND', `${engine.name}: only ${found} of ${order.length} point gets found their loaded key; the load or the engine lost data.`)
  }
  return { value: order.length / seconds, detail: { gets: order.length, seconds } }
}
