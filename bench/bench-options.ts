import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LivingDbError } from '../errors/index.js'
import { ENGINE_NAMES, type EngineName } from './engines/bench-engine.js'

/** Every workload of `npm run bench`, in run order. */
export const WORKLOAD_NAMES = [
  'bulk-load',
  'point-gets',
  'range-scans',
  'file-size',
  'durable-commits',
  'group-commit',
  'recovery',
  'peak-memory',
  'llm',
] as const

/** Name of one benchmark workload. */
export type WorkloadName = (typeof WORKLOAD_NAMES)[number]

/** Everything a benchmark run needs to know; see {@link parseBenchArguments}. */
export interface BenchOptions {
  /** Keys in the data set (default 1,000,000; `--quick` 100,000). */
  readonly keys: number
  /** Keys per write transaction in the bulk load. */
  readonly batchSize: number
  /** Random point gets (default: one per key). */
  readonly gets: number
  /** Number of range scans and rows per scan. */
  readonly scans: number
  readonly scanRows: number
  /** Single-key durable commits per engine. */
  readonly durableCommits: number
  /** Concurrent writers and commits per writer in the group-commit workload. */
  readonly groupWriters: number
  readonly groupCommitsPerWriter: number
  /** Commits logged before the recovery workload times `open()`. */
  readonly recoveryCommits: number
  /** Point gets after the load in the peak-memory child. */
  readonly memoryGets: number
  /** Keys loaded per engine in the warm-up round. */
  readonly warmupKeys: number
  readonly seed: number
  readonly workloads: readonly WorkloadName[]
  readonly engines: readonly EngineName[]
  /** Scratch directory for the databases (removed afterwards). */
  readonly directory: string
  /** Where the JSON report is written. */
  readonly outputPath: string
  /** Print the JSON report instead of the table. */
  readonly json: boolean
  /** When set, each livingdb measurement runs under the CPU profiler and its profile is written here. */
  readonly profileDirectory?: string
}

/** Default location of the JSON report. */
export const DEFAULT_OUTPUT_PATH = fileURLToPath(new URL('./results/latest.json', import.meta.url))

/**
 * Options for a run over `keys` keys, every count scaled from it, with overrides applied.
 *
 * @example
 * const options = benchOptionsFor({ keys: 2_000, engines: ['lmdb'] })
 */
export function benchOptionsFor(overrides: Partial<BenchOptions> & { readonly keys: number }): BenchOptions {
  const keys = overrides.keys
  const scale = keys >= 1_000_000 ? 'full' : keys >= 100_000 ? 'quick' : 'tiny'
  return {
    batchSize: 1_000,
    gets: keys,
    scans: Math.max(20, Math.min(1_000, Math.round(keys / 1_000))),
    scanRows: 1_000,
    durableCommits: scale === 'full' ? 2_000 : scale === 'quick' ? 500 : 50,
    groupWriters: 64,
    groupCommitsPerWriter: scale === 'full' ? 50 : scale === 'quick' ? 20 : 3,
    recoveryCommits: keys,
    memoryGets: Math.min(keys, 200_000),
    warmupKeys: Math.min(keys, 20_000),
    seed: 20_261_124,
    workloads: WORKLOAD_NAMES,
    engines: ENGINE_NAMES,
    directory: join(tmpdir(), `livingdb-bench-${process.pid}`),
    outputPath: DEFAULT_OUTPUT_PATH,
    json: false,
    ...overrides,
  }
}

/** Help text for `npm run bench -- --help`. */
export const BENCH_USAGE = `Usage: npm run bench -- [options]

Loads the same data into livingdb, lmdb, better-sqlite3 and classic-level in one process,
interleaved after a warm-up, prints a table and writes JSON with ratios livingdb/other.

  --keys N            keys in the data set (default 1000000)
  --quick             100000 keys (a smoke run)
  --only a,b          workloads: ${WORKLOAD_NAMES.join(', ')}
  --engines a,b       engines: ${ENGINE_NAMES.join(', ')}
  --commits N         single-key durable commits per engine
  --recovery-commits N  commits logged before timing recovery (default: --keys)
  --seed N            data-set seed
  --dir DIR           scratch directory (default: a new one under the OS temp dir)
  --out FILE          JSON report path (default bench/results/latest.json)
  --json              print the JSON report instead of the table
  --profile DIR       CPU-profile every livingdb measurement into DIR and print its hot spots
  --help              this text`

function usageError(message: string): LivingDbError {
  return new LivingDbError('CLI_USAGE', `${message}. Run \`npm run bench -- --help\` for the options.`)
}

function positiveInteger(flag: string, text: string | undefined): number {
  const value = Number(text?.replaceAll('_', ''))
  if (!Number.isSafeInteger(value) || value <= 0) throw usageError(`${flag} needs a positive integer, got "${text ?? ''}"`)
  return value
}

function namesFrom<Name extends string>(flag: string, text: string | undefined, allowed: readonly Name[]): Name[] {
  const names = (text ?? '').split(',').map(name => name.trim()).filter(name => name !== '')
  const unknown = names.filter(name => !allowed.includes(name as Name))
  if (names.length === 0 || unknown.length > 0) {
    throw usageError(`${flag} accepts ${allowed.join(', ')}; got "${text ?? ''}"`)
  }
  return names as Name[]
}

/** Parses the command line of `npm run bench`; throws `CLI_USAGE` on anything it does not understand. */
export function parseBenchArguments(argv: readonly string[]): BenchOptions | 'help' {
  const overrides: { -readonly [Key in keyof BenchOptions]?: BenchOptions[Key] } = {}
  let keys = 1_000_000
  for (let position = 0; position < argv.length; position++) {
    const flag = argv[position] as string
    const next = (): string | undefined => argv[++position]
    switch (flag) {
      case '--help': case '-h': return 'help'
      case '--keys': keys = positiveInteger(flag, next()); break
      case '--quick': keys = 100_000; break
      case '--only': overrides.workloads = namesFrom(flag, next(), WORKLOAD_NAMES); break
      case '--engines': overrides.engines = namesFrom(flag, next(), ENGINE_NAMES); break
      case '--commits': overrides.durableCommits = positiveInteger(flag, next()); break
      case '--recovery-commits': overrides.recoveryCommits = positiveInteger(flag, next()); break
      case '--seed': overrides.seed = positiveInteger(flag, next()); break
      case '--dir': overrides.directory = next() ?? ''; if (overrides.directory === '') throw usageError('--dir needs a path'); break
      case '--out': overrides.outputPath = next() ?? ''; if (overrides.outputPath === '') throw usageError('--out needs a path'); break
      case '--json': overrides.json = true; break
      case '--profile': overrides.profileDirectory = next() ?? ''; if (overrides.profileDirectory === '') throw usageError('--profile needs a directory'); break
      default: throw usageError(`Unknown option "${flag}"`)
    }
  }
  return benchOptionsFor({ ...overrides, keys })
}
