import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { summariseCpuProfile, type CpuProfile } from './cpu-profile-summary.js'

/** Arguments of {@link profileDuring}. */
export interface ProfileDuringArgs {
  /** Directory the `.cpuprofile` goes to (open it in Chrome DevTools or summarise it). */
  readonly directory: string
  /** File name without extension, e.g. `point-gets-livingdb`. */
  readonly name: string
  /** Receives the hottest functions by self time, one line each. */
  readonly log: (line: string) => void
  readonly top?: number
}

/**
 * Runs `body` under the V8 CPU profiler of this process (not the whole run, unlike
 * `node --cpu-prof`), writes the profile and logs its hot spots.
 *
 * @example
 * await profileDuring({ directory: '/tmp/prof', name: 'point-gets-livingdb', log: console.error }, () => measure())
 */
export async function profileDuring<Result>(args: ProfileDuringArgs, body: () => Promise<Result>): Promise<Result> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  try {
    return await body()
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile }
    session.disconnect()
    mkdirSync(args.directory, { recursive: true })
    const path = join(args.directory, `${args.name}.cpuprofile`)
    writeFileSync(path, JSON.stringify(profile))
    args.log(`  profile ${path}:`)
    for (const spot of summariseCpuProfile(profile).slice(0, args.top ?? 12)) {
      args.log(`    ${(spot.selfShare * 100).toFixed(1).padStart(5)}%  ${spot.location}`)
    }
  }
}
