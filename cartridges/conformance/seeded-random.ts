/** A small deterministic PRNG (mulberry32): the same seed gives the same sequence. */
export class SeededRandom {
  private state: number

  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let value = this.state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }
}

/** The seed of randomized cartridge tests: `LIVINGDB_TEST_SEED` when set, else `fallback`. */
export function testSeed(fallback = 20261124): number {
  const fromEnvironment = Number(process.env.LIVINGDB_TEST_SEED)
  return Number.isSafeInteger(fromEnvironment) ? fromEnvironment : fallback
}
