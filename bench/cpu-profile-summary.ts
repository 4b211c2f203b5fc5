// Prints the hottest functions of a V8 CPU profile (`node --cpu-prof` writes one), by self
// time, so a benchmark shortfall can be traced to code:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --expose-gc --import tsx bench/run.ts --engines livingdb --only point-gets
//   node --import tsx bench/cpu-profile-summary.ts /tmp/prof/*.cpuprofile [--top 25]
import { readFileSync } from 'node:fs'

/** The parts of a `.cpuprofile` file this summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
    readonly children?: readonly number[]
  }[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

/** One row of the summary: a function and its share of the samples. */
export interface HotSpot {
  readonly location: string
  readonly selfMs: number
  readonly selfShare: number
}

/**
 * Self time per function (summed over every call site), hottest first. Shares count
 * samples (the first time delta also spans the profiler's start-up, so deltas would bill
 * that to whatever ran first); milliseconds spread the profile's span over the samples.
 */
export function summariseCpuProfile(profile: CpuProfile): HotSpot[] {
  const nodeById = new Map(profile.nodes.map(node => [node.id, node]))
  const samplesByLocation = new Map<string, number>()
  const spanMicros = profile.timeDeltas.slice(1).reduce((sum, delta) => sum + delta, 0)
  const microsPerSample = profile.samples.length <= 1 ? 0 : spanMicros / (profile.samples.length - 1)
  for (const nodeId of profile.samples) {
    const frame = nodeById.get(nodeId)?.callFrame
    if (frame === undefined) continue
    const file = frame.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '')
    const location = `${frame.functionName || '(anonymous)'} ${file === '' ? '' : `${file}:${frame.lineNumber + 1}`}`.trim()
    samplesByLocation.set(location, (samplesByLocation.get(location) ?? 0) + 1)
  }
  const total = profile.samples.length
  return [...samplesByLocation.entries()]
    .map(([location, samples]) => ({ location, selfMs: (samples * microsPerSample) / 1_000, selfShare: total === 0 ? 0 : samples / total }))
    .sort((left, right) => right.selfMs - left.selfMs || right.selfShare - left.selfShare)
}

if (process.argv[1]?.endsWith('cpu-profile-summary.ts') === true) {
  const argv = process.argv.slice(2)
  const topIndex = argv.indexOf('--top')
  const top = topIndex >= 0 ? Number(argv[topIndex + 1]) : 25
  const files = argv.filter((argument, index) => argument !== '--top' && index !== topIndex + 1)
  for (const file of files) {
    const hotSpots = summariseCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile)
    process.stdout.write(`${file}\n`)
    for (const spot of hotSpots.slice(0, top)) {
      process.stdout.write(`  ${(spot.selfShare * 100).toFixed(1).padStart(5)}%  ${spot.selfMs.toFixed(0).padStart(7)} ms  ${spot.location}\n`)
    }
  }
}
