import { mkdirSync, rmSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { WORKLOAD_NAMES, type BenchOptions, type WorkloadName } from './bench-options.js'
import { benchKeys, logicalDataBytes, randomIndexes } from './data-set.js'
import type { BenchEngine, EngineName, EngineProfile } from './engines/bench-engine.js'
import { profileDuring } from './cpu-profiler.js'
import { ENGINE_FACTORIES } from './engines/engine-registry.js'
import { runLlmBenchmarks, type LlmFigures } from './llm-figures.js'
import { collectGarbage, describeError, type EngineFailure, type EngineFigure, type WorkloadResult } from './workload-result.js'
import { measureBulkLoad } from './workloads/bulk-load.js'
import { measureConcurrentCommits, measureSingleWriterCommits } from './workloads/commits.js'
import { measureFileSize } from './workloads/file-size.js'
import { measurePeakMemory } from './workloads/peak-memory.js'
import { measurePointGets } from './workloads/point-gets.js'
import { measureRangeScans } from './workloads/range-scans.js'
import { measureRecovery } from './workloads/recovery.js'

/** The conditions a run was measured under, recorded next to its figures. */
export interface BenchConditions {
  readonly node: string
  readonly platform: string
  readonly cpuModel: string
  readonly cpuCount: number
  readonly totalMemoryBytes: number
  /** 1-minute load average at the start and end: a busy machine makes figures noisy. */
  readonly loadAverageStart: number
  readonly loadAverageEnd: number
  readonly gcExposed: boolean
  readonly logicalDataBytes: number
  /** Page cache given to livingdb, SQLite and classic-level in the speed workloads. */
  readonly speedCacheBytes: number
  /** Page cache in the peak-memory workload: a quarter of the logical data. */
  readonly memoryCacheBytes: number
  readonly options: Omit<BenchOptions, 'json' | 'outputPath' | 'directory'>
}

/** Raw output of a benchmark run, before ratios and targets are derived. */
export interface BenchMeasurements {
  readonly date: string
  readonly durationSeconds: number
  readonly conditions: BenchConditions
  readonly workloads: readonly WorkloadResult[]
  readonly llm?: LlmFigures
}

type EngineEntries = Partial<Record<EngineName, EngineFigure | EngineFailure>>

const LOADED_DATA_WORKLOADS: readonly WorkloadName[] = ['bulk-load', 'point-gets', 'range-scans', 'file-size']
const STORAGE_WORKLOADS: readonly WorkloadName[] = [...LOADED_DATA_WORKLOADS, 'durable-commits', 'group-commit', 'recovery', 'peak-memory']

/** Engines in a different starting order per workload, so no engine always runs first. */
function rotated<Item>(items: readonly Item[], by: number): Item[] {
  const shift = items.length === 0 ? 0 : by % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}

/**
 * Runs the selected workloads over the selected engines in one process: a warm-up round,
 * then each workload for every engine in turn (interleaved), so ratios between engines
 * share the machine's conditions. Databases live under `options.directory`, removed at the end.
 *
 * @example
 * const measurements = await runBenchmarks({ options: benchOptionsFor({ keys: 2_000 }) })
 */
export async function runBenchmarks(args: { readonly options: BenchOptions; readonly log?: (line: string) => void }): Promise<BenchMeasurements> {
  const { options } = args
  const log = args.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const began = performance.now()
  const loadAverageStart = loadavg()[0] ?? 0
  const selected = new Set(options.workloads)
  const dataBytes = logicalDataBytes({ count: options.keys, seed: options.seed })
  const speedCacheBytes = Math.max(256 * 1024 * 1024, 4 * dataBytes)
  // A quarter of the data, but never below livingdb's documented minimum cache (64 KiB).
  const memoryCacheBytes = Math.max(64 * 1024, Math.floor(dataBytes / 4))
  const keys = benchKeys({ count: options.keys, seed: options.seed })
  const broken = new Map<EngineName, string>()
  const results: WorkloadResult[] = []
  const directoryOf = (engine: EngineName, purpose: string): string => join(options.directory, `${purpose}-${engine}`)
  const openEngine = (engine: EngineName, profile: EngineProfile, purpose: string, cacheBytes = speedCacheBytes): Promise<BenchEngine> => {
    const directory = directoryOf(engine, purpose)
    mkdirSync(directory, { recursive: true })
    return ENGINE_FACTORIES[engine].open({ directory, profile, cacheBytes })
  }
  /** Runs `measure` for every working engine in turn; a throw becomes that engine's error. */
  const eachEngine = async (workload: WorkloadName, measure: (engine: EngineName) => Promise<EngineFigure>, engines = options.engines): Promise<EngineEntries> => {
    const entries: EngineEntries = {}
    for (const engine of rotated(engines, WORKLOAD_NAMES.indexOf(workload))) {
      const brokenReason = broken.get(engine)
      if (brokenReason !== undefined) {
        entries[engine] = { error: brokenReason }
        continue
      }
      collectGarbage()
      try {
        entries[engine] = options.profileDirectory !== undefined && engine === 'livingdb'
          ? await profileDuring({ directory: options.profileDirectory, name: `${workload}-${engine}`, log }, () => measure(engine))
          : await measure(engine)
      } catch (error) {
        entries[engine] = { error: describeError(error) }
      }
    }
    return entries
  }
  const record = (workload: WorkloadResult['workload'], unit: string, method: string, engines: EngineEntries, higherIsBetter = true): void => {
    results.push({ workload, unit, higherIsBetter, engines, method })
    log(`  ${workload}: ${Object.entries(engines).map(([name, entry]) => `${name} ${'value' in entry ? Math.round(entry.value) : `error (${entry.error})`}`).join(', ')}`)
  }

  mkdirSync(options.directory, { recursive: true })
  try {
    if (options.workloads.some(workload => STORAGE_WORKLOADS.includes(workload))) {
      log(`warm-up: ${options.warmupKeys} keys per engine`)
      await warmUp({ options, broken, openEngine, directoryOf })
    }

    if (options.workloads.some(workload => LOADED_DATA_WORKLOADS.includes(workload))) {
      log(`bulk load: ${options.keys} keys, ${options.batchSize} per transaction`)
      const handles = new Map<EngineName, BenchEngine>()
      const loaded = await eachEngine('bulk-load', async engine => {
        const handle = await openEngine(engine, 'bulk', 'data')
        handles.set(engine, handle)
        return measureBulkLoad({ engine: handle, keyCount: options.keys, batchSize: options.batchSize, seed: options.seed })
      })
      for (const [engine, entry] of Object.entries(loaded) as [EngineName, EngineFigure | EngineFailure][]) {
        if ('error' in entry && !broken.has(engine)) broken.set(engine, `bulk load failed: ${entry.error}`)
      }
      if (selected.has('bulk-load')) record('bulk-load', 'keys/s', `${options.keys} keys in write transactions of ${options.batchSize}, random key order, no fsync per commit`, loaded)
      const withHandle = (measure: (handle: BenchEngine) => Promise<EngineFigure>) => async (engine: EngineName) => {
        const handle = handles.get(engine)
        if (handle === undefined) throw new Error('not loaded')
        return measure(handle)
      }
      if (selected.has('point-gets')) {
        const order = randomIndexes({ count: options.gets, keyCount: options.keys, seed: options.seed })
        record('point-gets', 'gets/s', `${options.gets} random point gets of loaded keys, values decoded`, await eachEngine('point-gets', withHandle(handle => measurePointGets({ engine: handle, keys, order }))))
      }
      if (selected.has('range-scans')) {
        const starts = randomIndexes({ count: options.scans, keyCount: options.keys, seed: options.seed + 1 })
        record('range-scans', 'rows/s', `${options.scans} forward scans of up to ${options.scanRows} rows from random keys, values decoded`, await eachEngine('range-scans', withHandle(handle => measureRangeScans({ engine: handle, keys, starts, rowsPerScan: options.scanRows }))))
      }
      for (const [engine, handle] of handles) {
        try {
          await handle.close()
        } catch (error) {
          broken.set(engine, `close after load failed: ${describeError(error)}`)
        }
      }
      if (selected.has('file-size')) {
        record('file-size', 'bytes', 'disk space of the closed database after the bulk load and reads', await eachEngine('file-size', async engine => measureFileSize(directoryOf(engine, 'data'))), false)
      }
    }

    if (selected.has('durable-commits')) {
      log(`durable commits: ${options.durableCommits} single-key commits per engine`)
      record('durable-commits', 'commits/s', `${options.durableCommits} single-key commits, one writer, each durable (fsynced) before the next`, await eachEngine('durable-commits', async engine => {
        const handle = await openEngine(engine, 'strict', 'data')
        try {
          return await measureSingleWriterCommits({ engine: handle, count: options.durableCommits, keyPrefix: 'commit/strict/', seed: options.seed })
        } finally {
          await handle.close()
        }
      }))
    }

    if (selected.has('group-commit')) {
      log(`group commit: ${options.groupWriters} writers x ${options.groupCommitsPerWriter} commits`)
      record('group-commit', 'commits/s', `${options.groupWriters} concurrent writers, ${options.groupCommitsPerWriter} durable single-key commits each (livingdb: group mode; strictSingleWriter measured just before)`, await eachEngine('group-commit', async engine => {
        let strictSingleWriter: number | undefined
        if (engine === 'livingdb') {
          const strict = await openEngine(engine, 'strict', 'data')
          try {
            strictSingleWriter = (await measureSingleWriterCommits({ engine: strict, count: options.durableCommits, keyPrefix: 'commit/single/', seed: options.seed })).value
          } finally {
            await strict.close()
          }
        }
        const handle = await openEngine(engine, 'group', 'data')
        try {
          const figure = await measureConcurrentCommits({ engine: handle, writers: options.groupWriters, commitsPerWriter: options.groupCommitsPerWriter, keyPrefix: 'commit/group/', seed: options.seed })
          return strictSingleWriter === undefined ? figure : { value: figure.value, detail: { ...figure.detail, strictSingleWriter, groupOverStrict: figure.value / strictSingleWriter } }
        } finally {
          await handle.close()
        }
      }))
    }

    if (selected.has('recovery') && options.engines.includes('livingdb')) {
      log(`recovery: ${options.recoveryCommits} logged commits, then SIGKILL and a timed open()`)
      record('recovery', 'records/s', `${options.recoveryCommits} single-key commits logged (durability none, no checkpoint), writer killed with SIGKILL, open() timed; livingdb only`, await eachEngine('recovery', async engine => {
        const directory = directoryOf(engine, 'recovery')
        mkdirSync(directory, { recursive: true })
        return measureRecovery({ directory, commits: options.recoveryCommits })
      }, ['livingdb']))
    }

    if (selected.has('peak-memory')) {
      log(`peak memory: load + ${options.memoryGets} gets per engine in a child, cache ${memoryCacheBytes} bytes`)
      record('peak-memory', 'bytes', `peak RSS growth of a child process that loads all ${options.keys} keys and reads ${options.memoryGets} with a page cache of a quarter of the data (${memoryCacheBytes} bytes; lmdb has no cache setting)`, await eachEngine('peak-memory', async engine => {
        const directory = directoryOf(engine, 'memory')
        mkdirSync(directory, { recursive: true })
        try {
          return await measurePeakMemory({ engine, directory, keys: options.keys, seed: options.seed, batchSize: options.batchSize, cacheBytes: memoryCacheBytes, gets: options.memoryGets, scans: Math.min(options.scans, 200), scanRows: options.scanRows })
        } finally {
          rmSync(directory, { recursive: true, force: true })
        }
      }), false)
    }

    const llm = selected.has('llm') ? await runLlmBenchmarks({ log }) : undefined
    return {
      date: new Date().toISOString(),
      durationSeconds: (performance.now() - began) / 1_000,
      conditions: {
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        cpuCount: cpus().length,
        totalMemoryBytes: totalmem(),
        loadAverageStart,
        loadAverageEnd: loadavg()[0] ?? 0,
        gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
        logicalDataBytes: dataBytes,
        speedCacheBytes,
        memoryCacheBytes,
        options: recordedOptions(options),
      },
      workloads: results,
      ...(llm === undefined ? {} : { llm }),
    }
  } finally {
    rmSync(options.directory, { recursive: true, force: true })
  }
}

/** The options worth recording with the figures (not where files went or how they print). */
function recordedOptions(options: BenchOptions): BenchConditions['options'] {
  const { json: _json, outputPath: _outputPath, directory: _directory, profileDirectory: _profileDirectory, ...recorded } = options
  return recorded
}

/** Arguments of {@link warmUp}. */
interface WarmUpArgs {
  readonly options: BenchOptions
  readonly broken: Map<EngineName, string>
  readonly openEngine: (engine: EngineName, profile: EngineProfile, purpose: string) => Promise<BenchEngine>
  readonly directoryOf: (engine: EngineName, purpose: string) => string
}

/**
 * Every engine loads, reads, scans and commits a small data set once, untimed, so the JIT
 * and native modules are warm before anything is measured. An engine that fails here is
 * marked broken and reported as such in every workload instead of failing each in turn.
 */
async function warmUp(args: WarmUpArgs): Promise<void> {
  const { options } = args
  const keys = benchKeys({ count: options.warmupKeys, seed: options.seed + 7 })
  const order = randomIndexes({ count: options.warmupKeys, keyCount: options.warmupKeys, seed: options.seed + 7 })
  const starts = randomIndexes({ count: 20, keyCount: options.warmupKeys, seed: options.seed + 8 })
  for (const engine of options.engines) {
    try {
      const handle = await args.openEngine(engine, 'bulk', 'warmup')
      try {
        await measureBulkLoad({ engine: handle, keyCount: options.warmupKeys, batchSize: options.batchSize, seed: options.seed + 7 })
        await measurePointGets({ engine: handle, keys, order })
        await measureRangeScans({ engine: handle, keys, starts, rowsPerScan: options.scanRows })
      } finally {
        await handle.close()
      }
      const strict = await args.openEngine(engine, 'strict', 'warmup')
      try {
        await measureSingleWriterCommits({ engine: strict, count: 20, keyPrefix: 'warmup/', seed: options.seed })
      } finally {
        await strict.close()
      }
    } catch (error) {
      args.broken.set(engine, `warm-up failed: ${describeError(error)}`)
    } finally {
      rmSync(args.directoryOf(engine, 'warmup'), { recursive: true, force: true })
    }
  }
}
