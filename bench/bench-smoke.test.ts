import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LivingDbError } from '../errors/index.js'
import { benchOptionsFor, parseBenchArguments, WORKLOAD_NAMES } from './bench-options.js'
import { buildReport, formatReport } from './bench-report.js'
import { benchKeys } from './data-set.js'
import { ENGINE_NAMES } from './engines/bench-engine.js'
import { runBenchmarks } from './run-benchmarks.js'
import { isFigure } from './workload-result.js'

// Checks that the harness works end to end on a tiny data set; it asserts no speed.
describe('npm run bench (smoke, 2,000 keys)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'livingdb-bench-smoke-'))
  afterAll(() => rmSync(directory, { recursive: true, force: true }))

  it('measures every storage workload for every engine with positive figures', async () => {
    const options = benchOptionsFor({
      keys: 2_000,
      durableCommits: 20,
      groupCommitsPerWriter: 2,
      workloads: WORKLOAD_NAMES.filter(workload => workload !== 'llm'),
      directory: join(directory, 'run'),
    })
    const lines: string[] = []
    const report = buildReport(await runBenchmarks({ options, log: line => lines.push(line) }))
    const json = JSON.parse(JSON.stringify(report)) as typeof report

    expect(json.workloads.map(workload => workload.workload)).toEqual(options.workloads)
    for (const workload of json.workloads) {
      const engines = workload.workload === 'recovery' ? ['livingdb'] : ENGINE_NAMES
      for (const engine of engines) {
        const entry = workload.engines[engine as keyof typeof workload.engines]
        expect(entry, `${workload.workload} / ${engine}: ${JSON.stringify(entry)}`).toMatchObject({ value: expect.any(Number) })
        if (isFigure(entry)) expect(entry.value, `${workload.workload} / ${engine}`).toBeGreaterThan(0)
      }
      if (workload.workload !== 'recovery') expect(Object.keys(workload.ratios).sort()).toEqual(['better-sqlite3', 'classic-level', 'lmdb'])
    }
    expect(json.targets.every(target => typeof target.met === 'boolean')).toBe(true)
    expect(formatReport(report)).toContain('point-gets')
  })

  it('parses the command line and rejects what it does not understand with CLI_USAGE', () => {
    const quick = parseBenchArguments(['--quick', '--only', 'point-gets,range-scans', '--json'])
    expect(quick).toMatchObject({ keys: 100_000, workloads: ['point-gets', 'range-scans'], json: true })
    expect(parseBenchArguments(['--help'])).toBe('help')
    for (const argv of [['--keys', 'many'], ['--only', 'teleport'], ['--frobnicate']]) {
      let thrown: unknown
      try {
        parseBenchArguments(argv)
      } catch (error) {
        thrown = error
      }
      expect(LivingDbError.isInstance(thrown) && thrown.code === 'CLI_USAGE', argv.join(' ')).toBe(true)
    }
  })

  it('generates unique keys of 16-20 bytes, the same for the same seed', () => {
    const keys = benchKeys({ count: 50_000, seed: 7 })
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys.every(key => key.length >= 16 && key.length <= 20)).toBe(true)
    expect(benchKeys({ count: 10, seed: 7 })).toEqual(keys.slice(0, 10))
    expect(benchKeys({ count: 10, seed: 8 })).not.toEqual(keys.slice(0, 10))
  })
})
