import type { BenchMeasurements } from './run-benchmarks.js'
import { ENGINE_NAMES, type EngineName } from './engines/bench-engine.js'
import { MEMORY_HEADROOM_BYTES } from './workloads/peak-memory.js'
import { isFigure, type WorkloadResult } from './workload-result.js'

/** A workload's result with livingdb's figure divided by each other engine's. */
export interface WorkloadReport extends WorkloadResult {
  /** livingdb / engine, for every engine with a figure (for sizes, below 1 is better). */
  readonly ratios: Partial<Record<EngineName, number>>
}

/** One target from issue 2 checked against this run. */
export interface TargetCheck {
  readonly workload: WorkloadResult['workload']
  readonly description: string
  /** The measured quantity the target is about (a ratio, a rate or bytes); absent if not measured. */
  readonly measured?: number
  readonly threshold: number
  /** `true`/`false` when measured; absent when the run did not measure it. */
  readonly met?: boolean
}

/** The JSON written to `bench/results/latest.json`. */
export interface BenchReport extends Omit<BenchMeasurements, 'workloads'> {
  readonly workloads: readonly WorkloadReport[]
  readonly targets: readonly TargetCheck[]
  readonly note: string
}

const SHORT_NAMES: Record<EngineName, string> = { livingdb: 'ldb', lmdb: 'lmdb', 'better-sqlite3': 'sqlite', 'classic-level': 'level' }

const NOISE_NOTE = 'Absolute figures depend on the machine and how busy it is (see conditions.loadAverageStart/End); fsync rates on VMs swing from run to run. Engines run interleaved in one process after a warm-up: compare them by the ratios of this run.'

function figureOf(workload: WorkloadResult | undefined, engine: EngineName): number | undefined {
  const entry = workload?.engines[engine]
  return isFigure(entry) ? entry.value : undefined
}

function ratioCheck(workload: WorkloadReport | undefined, name: WorkloadResult['workload'], other: EngineName, threshold: number, label: string): TargetCheck {
  const measured = workload?.ratios[other]
  return { workload: name, description: `${label} >= ${threshold}x ${other}`, threshold, ...(measured === undefined ? {} : { measured, met: measured >= threshold }) }
}

/** Derives ratios livingdb/other and checks issue 2's targets. */
export function buildReport(measurements: BenchMeasurements): BenchReport {
  const workloads: WorkloadReport[] = measurements.workloads.map(workload => {
    const ours = figureOf(workload, 'livingdb')
    const ratios: Partial<Record<EngineName, number>> = {}
    for (const engine of ENGINE_NAMES) {
      const theirs = figureOf(workload, engine)
      if (engine !== 'livingdb' && ours !== undefined && theirs !== undefined && theirs > 0) ratios[engine] = ours / theirs
    }
    return { ...workload, ratios }
  })
  const byName = (name: WorkloadResult['workload']): WorkloadReport | undefined => workloads.find(workload => workload.workload === name)
  const targets: TargetCheck[] = []
  if (byName('bulk-load')) targets.push(ratioCheck(byName('bulk-load'), 'bulk-load', 'lmdb', 1, 'bulk load'))
  if (byName('point-gets')) targets.push(ratioCheck(byName('point-gets'), 'point-gets', 'lmdb', 1, 'random point gets'))
  if (byName('range-scans')) targets.push(ratioCheck(byName('range-scans'), 'range-scans', 'lmdb', 1, 'range-scan rows/s'))
  if (byName('durable-commits')) targets.push(ratioCheck(byName('durable-commits'), 'durable-commits', 'better-sqlite3', 1, 'strict single-key commits'))
  const group = byName('group-commit')?.engines.livingdb
  if (byName('group-commit')) {
    const measured = isFigure(group) ? group.detail?.groupOverStrict : undefined
    targets.push({ workload: 'group-commit', description: 'group commit with 64 writers >= 5x strict single writer', threshold: 5, ...(typeof measured === 'number' ? { measured, met: measured >= 5 } : {}) })
  }
  const recovery = figureOf(byName('recovery'), 'livingdb')
  if (byName('recovery')) {
    targets.push({ workload: 'recovery', description: 'recovery >= 500K commit records/s', threshold: 500_000, ...(recovery === undefined ? {} : { measured: recovery, met: recovery >= 500_000 }) })
  }
  const memory = figureOf(byName('peak-memory'), 'livingdb')
  if (byName('peak-memory')) {
    const threshold = measurements.conditions.memoryCacheBytes + MEMORY_HEADROOM_BYTES
    targets.push({ workload: 'peak-memory', description: 'peak RSS growth <= page cache + 200 MB', threshold, ...(memory === undefined ? {} : { measured: memory, met: memory <= threshold }) })
  }
  return { ...measurements, workloads, targets, note: NOISE_NOTE }
}

/** `468K`, `2.67M`, `950`: a rate in three significant digits. */
export function formatRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toPrecision(3)}M`
  if (value >= 1e3) return `${(value / 1e3).toPrecision(3)}K`
  return value.toPrecision(3)
}

/** `123.4 MB`: bytes in megabytes (10^6). */
export function formatBytes(value: number): string {
  return `${(value / 1e6).toFixed(1)} MB`
}

function formatValue(workload: WorkloadResult, value: number): string {
  return workload.unit === 'bytes' ? formatBytes(value) : formatRate(value)
}

function padTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map(row => (row[column] ?? '').length))) ?? []
  return rows.map(row => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')).join('\n')
}

/** The human-readable table `npm run bench` prints. */
export function formatReport(report: BenchReport): string {
  const engines = ENGINE_NAMES.filter(engine => report.workloads.some(workload => workload.engines[engine] !== undefined))
  const others = engines.filter(engine => engine !== 'livingdb')
  const header = ['workload', 'unit', ...engines, ...others.map(engine => `ldb/${SHORT_NAMES[engine]}`)]
  const errors: string[] = []
  const rows = report.workloads.map(workload => [
    workload.workload,
    workload.unit,
    ...engines.map(engine => {
      const entry = workload.engines[engine]
      if (entry === undefined) return '-'
      if (isFigure(entry)) return formatValue(workload, entry.value)
      errors.push(`${workload.workload} / ${engine}: ${entry.error}`)
      return 'error'
    }),
    ...others.map(engine => {
      const ratio = workload.ratios[engine]
      return ratio === undefined ? '-' : `${ratio.toFixed(2)}x`
    }),
  ])
  const lines = [padTable([header, ...rows])]
  const group = report.workloads.find(workload => workload.workload === 'group-commit')?.engines.livingdb
  if (isFigure(group) && typeof group.detail?.strictSingleWriter === 'number') {
    lines.push('', `livingdb group commit: ${formatRate(group.value)} commits/s with 64 writers vs ${formatRate(group.detail.strictSingleWriter)} strict single writer`)
  }
  if (report.targets.length > 0) {
    lines.push('', 'Targets (issue 2):')
    for (const target of report.targets) {
      const status = target.met === undefined ? 'not measured' : target.met ? 'met' : 'NOT met'
      const measured = target.measured === undefined ? '' : target.workload === 'peak-memory' ? ` (${formatBytes(target.measured)} vs ${formatBytes(target.threshold)})` : target.workload === 'recovery' ? ` (${formatRate(target.measured)}/s)` : ` (${target.measured.toFixed(2)}x)`
      lines.push(`  ${status.padEnd(12)} ${target.description}${measured}`)
    }
  }
  if (report.llm !== undefined) {
    lines.push('', 'llm (issue 3):')
    for (const script of report.llm.scripts) {
      lines.push(`  ${script.script} (exit ${script.exitCode}): ${script.json !== undefined ? JSON.stringify(script.json) : (script.text ?? '')}`)
    }
    for (const script of report.llm.missing) lines.push(`  ${script}: not present`)
  }
  if (errors.length > 0) lines.push('', 'Errors:', ...errors.map(error => `  ${error}`))
  const conditions = report.conditions
  lines.push('', `${conditions.options.keys} keys, ${formatBytes(conditions.logicalDataBytes)} logical data, ${conditions.cpuCount} x ${conditions.cpuModel}, ${conditions.node}, load average ${conditions.loadAverageStart.toFixed(1)} -> ${conditions.loadAverageEnd.toFixed(1)}, ${report.durationSeconds.toFixed(0)} s`, report.note)
  return lines.join('\n')
}
