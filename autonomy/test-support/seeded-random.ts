/** A seeded PRNG (mulberry32) for deterministic workloads; the seed comes from `LIVINGDB_AUTONOMY_SEED` or the default. */
export function seededRandom(defaultSeed = 20261124): { readonly seed: number; next(): number } {
  const seed = Number(process.env.LIVINGDB_AUTONOMY_SEED ?? defaultSeed) >>> 0
  let state = seed
  return {
    seed,
    next() {
      state = (state + 0x6d2b79f5) >>> 0
      let value = state
      value = Math.imul(value ^ (value >>> 15), value | 1)
      value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
      return ((value ^ (value >>> 14)) >>> 0) / 4294967296
    },
  }
}
