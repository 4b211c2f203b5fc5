import { setTimeout as sleepFor } from 'node:timers/promises'

/**
 * Time as the guards see it. Inject a fake one in tests so waits are simulated
 * (no real sleeping, no timing assertions).
 *
 * @example
 * let now = 0
 * const clock: GuardClock = { now: () => now, async sleep(ms) { now += ms } }
 */
export interface GuardClock {
  /** Milliseconds since the epoch (or any fixed origin, for a fake clock). */
  now(): number
  /** Resolves after `ms` milliseconds; rejects if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** The real clock: `Date.now()` and timer-based sleep. */
export const systemClock: GuardClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepFor(ms, undefined, signal === undefined ? undefined : { signal }),
}
