import type { GuardClock } from '../guard-clock.js'

/** A simulated clock: `sleep(ms)` records the request and moves time forward without waiting. */
export interface FakeClock extends GuardClock {
  /** Every sleep requested, in order (ms). */
  readonly sleeps: number[]
  /** Moves time forward without a sleep (time passing between arrivals). */
  advance(ms: number): void
}

/**
 * Deterministic time for guard tests: no real waiting, so no timing assertions.
 *
 * @example
 * const clock = createFakeClock({ start: Date.UTC(2026, 0, 1) })
 * await clock.sleep(500) // clock.now() advanced by 500
 */
export function createFakeClock(options: { readonly start?: number } = {}): FakeClock {
  let now = options.start ?? Date.UTC(2026, 0, 1)
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms
    },
    async sleep(ms, signal) {
      sleeps.push(ms)
      if (signal?.aborted === true) throw signal.reason
      // Let everything already runnable (callers just granted) run at the current time first.
      await new Promise((resolve) => setImmediate(resolve))
      now += ms
    },
  }
}

/** The seed for randomised guard tests: `LIVINGDB_TEST_SEED` or 42. */
export const TEST_SEED = Number(process.env.LIVINGDB_TEST_SEED ?? 42)

/** A small seeded PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}
