import type { WorkloadName } from './bench-options.js'
import type { EngineName } from './engines/bench-engine.js'

/** One engine's figure in one workload. */
export interface EngineFigure {
  /** The headline number, in the workload's unit. */
  readonly value: number
  /** Supporting numbers (counts, seconds, secondary figures). */
  readonly detail?: Readonly<Record<string, number | string | boolean>>
}

/** An engine that could not run a workload, with the reason. */
export interface EngineFailure {
  readonly error: string
}

/** What one workload measured for every engine it ran. */
export interface WorkloadResult {
  readonly workload: Exclude<WorkloadName, 'llm'>
  readonly unit: string
  /** False for sizes and memory, where smaller is better. */
  readonly higherIsBetter: boolean
  readonly engines: Partial<Record<EngineName, EngineFigure | EngineFailure>>
  /** How the workload was run, in a sentence. */
  readonly method: string
}

/** True when the entry is a measured figure rather than a failure. */
export function isFigure(entry: EngineFigure | EngineFailure | undefined): entry is EngineFigure {
  return entry !== undefined && 'value' in entry
}

/** Describes a thrown value in one line for a report. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message
  }
  return String(error)
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1_000
}

/** Runs a full garbage collection when node was started with `--expose-gc`, so one workload's garbage is not billed to the next. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
}
