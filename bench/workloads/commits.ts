import { benchValue } from '../data-set.js'
import type { BenchEngine } from '../engines/bench-engine.js'
import { secondsSince, type EngineFigure } from '../workload-result.js'

/** Arguments of {@link measureSingleWriterCommits}. */
export interface SingleWriterCommitsArgs {
  readonly engine: BenchEngine
  readonly count: number
  /** Prefix of the new keys written, distinct per measurement. */
  readonly keyPrefix: string
  readonly seed: number
}

/** One writer committing one key at a time, each commit awaited; returns commits per second. */
export async function measureSingleWriterCommits(args: SingleWriterCommitsArgs): Promise<EngineFigure> {
  const began = performance.now()
  for (let index = 0; index < args.count; index++) {
    await args.engine.commit(`${args.keyPrefix}${index.toString().padStart(8, '0')}`, benchValue(index, args.seed))
  }
  const seconds = secondsSince(began)
  return { value: args.count / seconds, detail: { commits: args.count, seconds } }
}

/** Arguments of {@link measureConcurrentCommits}. */
export interface ConcurrentCommitsArgs {
  readonly engine: BenchEngine
  readonly writers: number
  readonly commitsPerWriter: number
  readonly keyPrefix: string
  readonly seed: number
}

/**
 * `writers` concurrent writers, each committing one key at a time and awaiting each commit;
 * returns total commits per second. Engines that share an fsync between concurrent commits
 * (group commit) gain here; a synchronous API serialises the writers.
 */
export async function measureConcurrentCommits(args: ConcurrentCommitsArgs): Promise<EngineFigure> {
  const writer = async (writerIndex: number): Promise<void> => {
    for (let index = 0; index < args.commitsPerWriter; index++) {
      const key = `${args.keyPrefix}${writerIndex.toString().padStart(3, '0')}/${index.toString().padStart(6, '0')}`
      await args.engine.commit(key, benchValue(index, args.seed))
    }
  }
  const began = performance.now()
  await Promise.all(Array.from({ length: args.writers }, (_, writerIndex) => writer(writerIndex)))
  const seconds = secondsSince(began)
  const commits = args.writers * args.commitsPerWriter
  return { value: commits / seconds, detail: { writers: args.writers, commits, seconds } }
}
