import { CountMinSketch, type CountMinSketchJson } from './count-min-sketch.js'
import { EMPTY_EWMA, type EwmaState, updateEwma } from './ewma.js'
import type { Plan } from '../queries/plan/plan-node.js'
import type { QueryShape } from './query-shape.js'

/** Decayed access counts of one key prefix (first path segment, `tasks/`) of one keyspace. */
export interface PrefixUsage {
  readonly keyspace: string
  readonly prefix: string
  reads: number
  /** Decayed puts seen on the commit stream. */
  writes: number
  scans: number
  rowsScanned: number
}

/** What is known about one query shape. */
export interface ShapeUsage {
  readonly id: string
  readonly shape: QueryShape
  /** Decayed number of times it ran. */
  count: number
  latencyMs: EwmaState
  /** Model cost per run (tokens, or money when the caller records money). */
  modelCost: EwmaState
  /** Records read per run. */
  candidates: EwmaState
  lastAt: number
  /** The latest plan of this shape (to re-run when checking whether an index helped). */
  plan?: Plan
}

/** Growth of one keyspace between two observations. */
export interface KeyspaceGrowth {
  readonly keyspace: string
  keys: number
  /** Keys added per hour, EWMA over observations. */
  keysPerHour: EwmaState
  observedAt: number
}

/** The JSON form persisted in `sys` under `autonomy/statistics`. */
export interface UsageStatisticsJson {
  readonly version: 1
  readonly since: number
  readonly decayedAt: number
  readonly prefixes: readonly PrefixUsage[]
  readonly keys: CountMinSketchJson
  readonly shapes: readonly ShapeUsage[]
  readonly growth: readonly KeyspaceGrowth[]
  readonly spend: Readonly<Record<string, EwmaState>>
}

/** Options of {@link UsageStatistics}. */
export interface UsageStatisticsOptions {
  /** Accesses lose half their weight after this long (default one hour). */
  readonly halfLifeMs?: number
  /** Most prefixes and most query shapes kept (the least used go first; default 1,024 and 256). */
  readonly maxPrefixes?: number
  readonly maxShapes?: number
  /** Sketch width (default 65,536 x 4 float32 counters: 1 MiB; tells apart ~6,500 hot keys from the rest; persisted sparsely). */
  readonly sketchWidth?: number
  /**
   * Point reads are sampled: about one in `sampleEvery` is recorded, weighted by the reads
   * it stands for (default 16; 1 records every read). Keeps counting under ~2% of a get.
   * A rarely read key may go unseen and be tiered; its next read promotes it back.
   */
  readonly sampleEvery?: number
  /** Weight of the newest sample in the latency/cost EWMAs (default 0.1). */
  readonly alpha?: number
  /** The clock (tests pass their own). */
  readonly now?: () => number
}

function prefixOf(key: unknown): string {
  if (typeof key !== 'string') return ''
  const slash = key.indexOf('/')
  return slash < 0 ? '' : key.slice(0, slash + 1)
}

/**
 * Usage statistics with bounded memory: decayed read and scan counts per key prefix, a
 * count-min sketch of accesses per key (for tiering), and per query shape the count,
 * latency, model cost and records read (EWMA mean and variance), plus growth per
 * keyspace. Recording an access is a map lookup and a few multiplications; decay runs
 * only in {@link UsageStatistics.decay} (called by the autonomy job).
 *
 * @example
 * const statistics = new UsageStatistics()
 * statistics.recordRead('default', 'tasks/1')
 * statistics.keyHeat('default', 'tasks/1') // >= 1
 */
export class UsageStatistics {
  readonly options: Required<Omit<UsageStatisticsOptions, 'now'>>
  readonly now: () => number
  since: number
  decayedAt: number
  private readonly prefixes = new Map<string, PrefixUsage>()
  /** The same usage objects by keyspace, then prefix (no string building on the read path). */
  private readonly prefixesByKeyspace = new Map<string, Map<string, PrefixUsage>>()
  private keys: CountMinSketch
  private readonly shapes = new Map<string, ShapeUsage>()
  private readonly growth = new Map<string, KeyspaceGrowth>()
  private readonly spend = new Map<string, EwmaState>()
  /** Reads left until the next sampled one, and the reads the next sample stands for. */
  private countdown = 1
  private interval = 1
  private randomState = 0x9e3779b9

  constructor(options: UsageStatisticsOptions = {}, saved?: UsageStatisticsJson) {
    this.options = { sampleEvery: Math.max(1, Math.floor(options.sampleEvery ?? 16)), halfLifeMs: options.halfLifeMs ?? 3_600_000, maxPrefixes: options.maxPrefixes ?? 1024, maxShapes: options.maxShapes ?? 256, sketchWidth: options.sketchWidth ?? 65_536, alpha: options.alpha ?? 0.1 }
    this.now = options.now ?? Date.now
    this.since = saved?.since ?? this.now()
    this.decayedAt = saved?.decayedAt ?? this.since
    this.keys = saved === undefined || saved.keys.width !== this.options.sketchWidth ? new CountMinSketch({ width: this.options.sketchWidth }) : new CountMinSketch(saved.keys)
    for (const item of saved?.prefixes ?? []) Object.assign(this.prefixUsage(item.keyspace, item.prefix), { ...item, writes: item.writes ?? 0 })
    for (const item of saved?.shapes ?? []) this.shapes.set(item.id, { ...item })
    for (const item of saved?.growth ?? []) this.growth.set(item.keyspace, { ...item })
    for (const [name, state] of Object.entries(saved?.spend ?? {})) this.spend.set(name, state)
  }

  private prefixUsage(keyspace: string, prefix: string): PrefixUsage {
    let byPrefix = this.prefixesByKeyspace.get(keyspace)
    if (byPrefix === undefined) this.prefixesByKeyspace.set(keyspace, (byPrefix = new Map()))
    let usage = byPrefix.get(prefix)
    if (usage === undefined) {
      usage = { keyspace, prefix, reads: 0, writes: 0, scans: 0, rowsScanned: 0 }
      byPrefix.set(prefix, usage)
      this.prefixes.set(`${keyspace}\u0000${prefix}`, usage)
    }
    return usage
  }

  /** One point read of `key` (sampled: see `sampleEvery`). */
  recordRead(keyspace: string, key: unknown): void {
    if (--this.countdown > 0) return
    const weight = this.interval
    const every = this.options.sampleEvery
    if (every > 1) {
      let state = this.randomState
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      this.randomState = state >>> 0
      this.interval = 1 + (this.randomState % (2 * every - 1))
    }
    this.countdown = this.interval
    const scaled = weight * this.scale()
    this.prefixUsage(keyspace, prefixOf(key)).reads += scaled
    if (typeof key === 'string') this.keys.add(key, scaled, keyspace)
  }

  /** One write of `key` at time `at` (writes keep data hot too; older writes weigh less). */
  recordWrite(keyspace: string, key: unknown, at: number): void {
    const exponent = (at - this.decayedAt) / this.options.halfLifeMs
    if (exponent > 32) this.decay()
    const scaled = Math.pow(2, (at - this.decayedAt) / this.options.halfLifeMs)
    this.prefixUsage(keyspace, prefixOf(key)).writes += scaled
    if (typeof key === 'string') this.keys.add(key, scaled, keyspace)
  }

  /** One range scan starting at `prefix` that returned `rows` entries. */
  recordScan(keyspace: string, prefix: string, rows: number): void {
    const usage = this.prefixUsage(keyspace, prefixOf(prefix))
    const scale = this.scale()
    usage.scans += scale
    usage.rowsScanned += rows * scale
  }

  /** One executed query: its shape, wall time, model cost and records read. */
  recordQuery(args: { readonly shape: QueryShape; readonly milliseconds: number; readonly modelCost: number; readonly candidates: number; readonly plan?: Plan }): ShapeUsage {
    let usage = this.shapes.get(args.shape.id)
    if (usage === undefined) {
      usage = { id: args.shape.id, shape: args.shape, count: 0, latencyMs: EMPTY_EWMA, modelCost: EMPTY_EWMA, candidates: EMPTY_EWMA, lastAt: 0 }
      this.shapes.set(args.shape.id, usage)
    }
    const alpha = this.options.alpha
    usage.count += this.scale()
    usage.latencyMs = updateEwma(usage.latencyMs, args.milliseconds, alpha)
    usage.modelCost = updateEwma(usage.modelCost, args.modelCost, alpha)
    usage.candidates = updateEwma(usage.candidates, args.candidates, alpha)
    usage.lastAt = this.now()
    if (args.plan !== undefined) usage.plan = args.plan
    return usage
  }

  /** Model spend of one subject (`plugin:<name>`, `ask`), one sample per call or period. */
  recordSpend(subject: string, cost: number): EwmaState {
    const state = updateEwma(this.spend.get(subject) ?? EMPTY_EWMA, cost, this.options.alpha)
    this.spend.set(subject, state)
    return state
  }

  /** The spend baseline of a subject, if any. */
  spendOf(subject: string): EwmaState | undefined {
    return this.spend.get(subject)
  }

  /** Records a keyspace's key count now; growth is the EWMA of keys added per hour. */
  recordKeyCount(keyspace: string, keys: number): void {
    const now = this.now()
    const previous = this.growth.get(keyspace)
    if (previous === undefined) {
      this.growth.set(keyspace, { keyspace, keys, keysPerHour: EMPTY_EWMA, observedAt: now })
      return
    }
    const hours = (now - previous.observedAt) / 3_600_000
    if (hours <= 0) return
    previous.keysPerHour = updateEwma(previous.keysPerHour, (keys - previous.keys) / hours, 0.3)
    previous.keys = keys
    previous.observedAt = now
  }

  /** The decayed access count of one key (an over-estimate, never an under-estimate). */
  keyHeat(keyspace: string, key: string): number {
    return this.keys.estimate(key, keyspace) / this.scale()
  }

  /**
   * Forward decay: counts are kept relative to the last decay (`decayedAt`); a new access
   * weighs `2^(age since then / half-life)`, so old and new accesses compare correctly
   * whenever decay runs. Only sampled reads, scans, writes and queries pay for the clock.
   */
  private scale(): number {
    const exponent = (this.now() - this.decayedAt) / this.options.halfLifeMs
    if (exponent <= 32) return Math.pow(2, exponent)
    this.decay()
    return Math.pow(2, (this.now() - this.decayedAt) / this.options.halfLifeMs)
  }

  /** Applies the half-life decay for the time since the last decay and trims to the size bounds. */
  decay(): void {
    const now = this.now()
    const factor = Math.pow(0.5, Math.max(0, now - this.decayedAt) / this.options.halfLifeMs)
    this.decayedAt = now
    if (factor < 1) {
      this.keys.decay(factor)
      for (const usage of this.prefixes.values()) {
        usage.reads *= factor
        usage.writes *= factor
        usage.scans *= factor
        usage.rowsScanned *= factor
      }
      for (const usage of this.shapes.values()) usage.count *= factor
    }
    if (trim(this.prefixes, this.options.maxPrefixes, (usage) => usage.reads + usage.scans)) {
      this.prefixesByKeyspace.clear()
      for (const usage of this.prefixes.values()) {
        let byPrefix = this.prefixesByKeyspace.get(usage.keyspace)
        if (byPrefix === undefined) this.prefixesByKeyspace.set(usage.keyspace, (byPrefix = new Map()))
        byPrefix.set(usage.prefix, usage)
      }
    }
    trim(this.shapes, this.options.maxShapes, (usage) => usage.count)
  }

  /** Usage per prefix, decayed to now, busiest first. */
  prefixList(): PrefixUsage[] {
    const factor = 1 / this.scale()
    return [...this.prefixes.values()]
      .map((usage) => ({ ...usage, reads: usage.reads * factor, writes: usage.writes * factor, scans: usage.scans * factor, rowsScanned: usage.rowsScanned * factor }))
      .sort((left, right) => right.reads + right.scans - (left.reads + left.scans))
  }

  /** Usage per query shape, decayed to now, most frequent first. */
  shapeList(): ShapeUsage[] {
    const factor = 1 / this.scale()
    return [...this.shapes.values()].map((usage) => ({ ...usage, count: usage.count * factor })).sort((left, right) => right.count - left.count)
  }

  /** The statistics as JSON, decayed to now. */
  toJSON(): UsageStatisticsJson {
    this.decay()
    return {
      version: 1,
      since: this.since,
      decayedAt: this.decayedAt,
      prefixes: this.prefixList(),
      keys: this.keys.toJSON(),
      shapes: this.shapeList(),
      growth: [...this.growth.values()],
      spend: Object.fromEntries(this.spend),
    }
  }
}

/** Drops the lightest entries beyond `limit`; true when it dropped any. */
function trim<T>(map: Map<string, T>, limit: number, weight: (item: T) => number): boolean {
  if (map.size <= limit) return false
  const ordered = [...map.entries()].sort((left, right) => weight(left[1]) - weight(right[1]))
  for (const [id] of ordered.slice(0, map.size - limit)) map.delete(id)
  return true
}
