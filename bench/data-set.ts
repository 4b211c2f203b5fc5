/**
 * The deterministic benchmark data set: N keys of 16-20 bytes with ~100-byte JSON values.
 *
 * Every figure in a run is computed over the same keys and values, generated from a seed,
 * so engines load identical data and a later run can regenerate it (a child process does,
 * for the memory workload) without shipping it around.
 */

/**
 * A JSON object value as stored by every engine in the benchmark (a type alias, not an
 * interface, so it is assignable to JSON value types with an index signature).
 */
export type BenchValue = {
  readonly id: number
  readonly name: string
  readonly city: string
  readonly score: number
  readonly tags: readonly string[]
  readonly active: boolean
}

/** One key/value pair of the data set. */
export interface BenchEntry {
  readonly key: string
  readonly value: BenchValue
}

const KEY_PREFIXES = ['user', 'note', 'item', 'task'] as const
const FIRST_NAMES = ['Dana', 'Ravi', 'Mona', 'Eliot', 'Sakura', 'Tomas', 'Ines', 'Kwame', 'Lena', 'Omar', 'Priya', 'Jonas']
const LAST_NAMES = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva', 'Novak', 'Haddad', 'Kowalski', 'Nguyen', 'Brennan']
const CITIES = ['Lisbon', 'Osaka', 'Nairobi', 'Toronto', 'Krakow', 'Austin', 'Lyon', 'Pune', 'Bergen', 'Quito']
const TAGS = ['billing', 'urgent', 'archive', 'draft', 'review', 'ops', 'design', 'legal', 'sales', 'infra', 'mobile', 'ml']

/**
 * A small, fast seeded PRNG (mulberry32) returning floats in [0, 1).
 *
 * @example
 * const random = seededRandom(42); random() // always the same sequence for seed 42
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The key of entry `index`: `<prefix>/<8 hex digits><3-7 base-36 digits>`, 16-20 bytes.
 * The hex part is a bijection of the index (xor, then multiplication by an odd constant
 * mod 2^32), so keys are unique for index < 2^32 and arrive in random order.
 */
export function benchKey(index: number, seed: number): string {
  const mixed = Math.imul((index ^ seed) >>> 0, 0x9e3779b1) >>> 0
  const prefix = KEY_PREFIXES[index & 3]
  const suffixLength = 3 + (mixed % 5)
  const suffix = index.toString(36).padStart(suffixLength, '0').slice(-suffixLength)
  return `${prefix}/${mixed.toString(16).padStart(8, '0')}${suffix}`
}

/** The JSON value of entry `index` (about 100 bytes once serialised). */
export function benchValue(index: number, seed: number): BenchValue {
  const random = seededRandom((Math.imul(index, 0x85ebca6b) ^ seed) >>> 0)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  return {
    id: index,
    name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
    city: pick(CITIES),
    score: Math.round(random() * 10_000) / 100,
    tags: [pick(TAGS), pick(TAGS)],
    active: random() < 0.5,
  }
}

/** All keys of a data set of `count` entries, in load order. */
export function benchKeys(args: { readonly count: number; readonly seed: number }): string[] {
  const keys = new Array<string>(args.count)
  for (let index = 0; index < args.count; index++) keys[index] = benchKey(index, args.seed)
  return keys
}

/** The entries `[start, end)` of the data set: one write transaction's worth in the load. */
export function benchEntries(args: { readonly start: number; readonly end: number; readonly seed: number }): BenchEntry[] {
  const entries: BenchEntry[] = []
  for (let index = args.start; index < args.end; index++) {
    entries.push({ key: benchKey(index, args.seed), value: benchValue(index, args.seed) })
  }
  return entries
}

/** `count` indexes drawn uniformly from `[0, keyCount)`: the order of the random point gets. */
export function randomIndexes(args: { readonly count: number; readonly keyCount: number; readonly seed: number }): Uint32Array {
  const random = seededRandom(args.seed ^ 0x51ed270b)
  const indexes = new Uint32Array(args.count)
  for (let position = 0; position < args.count; position++) indexes[position] = Math.floor(random() * args.keyCount)
  return indexes
}

/** Logical size of the data set in bytes: UTF-8 key bytes plus serialised JSON value bytes. */
export function logicalDataBytes(args: { readonly count: number; readonly seed: number }): number {
  let total = 0
  for (let index = 0; index < args.count; index++) {
    total += Buffer.byteLength(benchKey(index, args.seed)) + Buffer.byteLength(JSON.stringify(benchValue(index, args.seed)))
  }
  return total
}
