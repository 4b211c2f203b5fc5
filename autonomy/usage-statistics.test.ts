import { describe, expect, it } from 'vitest'
import { CountMinSketch } from './count-min-sketch.js'
import { UsageStatistics } from './usage-statistics.js'
import { shapeOfPlan } from './query-shape.js'
import type { Plan } from '../queries/plan/plan-node.js'

const plan = (value: string): Plan => ({ version: 1, root: { kind: 'limit', count: 10, offset: 0, input: { kind: 'filter', where: [{ op: 'eq', field: 'status', value }], input: { kind: 'scan', keyspace: 'default', prefix: 'tasks/' } } } })

describe('usage statistics', () => {
  it('counts reads per prefix and per key, decays them by the half-life, and survives JSON', () => {
    let clock = 1_000_000
    const statistics = new UsageStatistics({ halfLifeMs: 1_000, sampleEvery: 1, now: () => clock })
    for (let index = 0; index < 8; index += 1) statistics.recordRead('default', 'tasks/1')
    statistics.recordRead('default', 'notes/1')
    statistics.recordScan('default', 'tasks/', 40)
    expect(statistics.keyHeat('default', 'tasks/1')).toBeGreaterThanOrEqual(8)
    expect(statistics.keyHeat('default', 'tasks/2')).toBeLessThan(1)
    clock += 2_000
    statistics.decay()
    expect(statistics.keyHeat('default', 'tasks/1')).toBeCloseTo(2, 5)
    const tasks = statistics.prefixList().find((usage) => usage.prefix === 'tasks/')!
    expect(tasks.reads).toBeCloseTo(2, 5)
    expect(tasks.rowsScanned).toBeCloseTo(10, 5)
    const restored = new UsageStatistics({ halfLifeMs: 1_000, now: () => clock }, JSON.parse(JSON.stringify(statistics.toJSON())))
    expect(restored.keyHeat('default', 'tasks/1')).toBeCloseTo(2, 2)
  })

  it('counts reads made after a long idle gap at full weight (forward decay)', () => {
    let clock = 0
    const statistics = new UsageStatistics({ halfLifeMs: 1_000, sampleEvery: 1, now: () => clock })
    clock = 60_000
    for (let index = 0; index < 5; index += 1) statistics.recordRead('default', 'tasks/1')
    statistics.decay()
    expect(statistics.keyHeat('default', 'tasks/1')).toBeCloseTo(5, 5)
    clock += 1_000
    expect(statistics.keyHeat('default', 'tasks/1')).toBeCloseTo(2.5, 5)
    clock += 200_000
    expect(Number.isFinite(statistics.keyHeat('default', 'tasks/1'))).toBe(true)
    statistics.recordWrite('default', 'tasks/2', clock - 2_000)
    expect(statistics.keyHeat('default', 'tasks/2')).toBeCloseTo(0.25, 5)
    statistics.recordWrite('default', 'tasks/3', clock - 3_600_000)
    expect(statistics.keyHeat('default', 'tasks/3')).toBeLessThan(1e-6)
  })

  it('groups queries by shape (values left out) with latency and cost EWMAs', () => {
    const statistics = new UsageStatistics({ now: () => 5_000 })
    expect(shapeOfPlan(plan('open')).id).toBe(shapeOfPlan(plan('done')).id)
    expect(shapeOfPlan(plan('open')).filteredFields).toEqual([{ keyspace: 'default', prefix: 'tasks/', field: 'status' }])
    statistics.recordQuery({ shape: shapeOfPlan(plan('open')), milliseconds: 10, modelCost: 0, candidates: 500 })
    statistics.recordQuery({ shape: shapeOfPlan(plan('done')), milliseconds: 20, modelCost: 100, candidates: 500 })
    const [usage] = statistics.shapeList()
    expect(usage!.count).toBe(2)
    expect(usage!.latencyMs.mean).toBeCloseTo(11, 5)
    expect(usage!.modelCost.mean).toBeCloseTo(10, 5)
  })

  it('keeps memory bounded: prefixes and shapes are trimmed to their limits', () => {
    const statistics = new UsageStatistics({ maxPrefixes: 10, maxShapes: 3, sampleEvery: 1 })
    for (let index = 0; index < 100; index += 1) statistics.recordRead('default', `p${index}/x`)
    for (let index = 0; index < 5; index += 1) statistics.recordRead('default', 'p7/x')
    for (let index = 0; index < 10; index += 1) statistics.recordQuery({ shape: { id: `s${index}`, kinds: [], scans: [], filteredFields: [], textSearches: [] }, milliseconds: 1, modelCost: 0, candidates: 0 })
    statistics.decay()
    expect(statistics.prefixList()).toHaveLength(10)
    expect(statistics.prefixList()[0]!.prefix).toBe('p7/')
    expect(statistics.shapeList()).toHaveLength(3)
  })

  it('samples point reads without bias: the weights add up to the reads', () => {
    const statistics = new UsageStatistics({ sampleEvery: 16 })
    for (let index = 0; index < 16_000; index += 1) statistics.recordRead('default', `hot/${index % 10}`)
    const reads = statistics.prefixList()[0]!.reads
    expect(reads).toBeGreaterThan(15_000)
    expect(reads).toBeLessThanOrEqual(16_000)
    for (let index = 0; index < 10; index += 1) expect(statistics.keyHeat('default', `hot/${index}`)).toBeGreaterThan(1_000)
  })

  it('never undercounts in the sketch', () => {
    const sketch = new CountMinSketch({ width: 64, depth: 4 })
    for (let index = 0; index < 1_000; index += 1) sketch.add(`k${index % 50}`)
    for (let index = 0; index < 50; index += 1) expect(sketch.estimate(`k${index}`)).toBeGreaterThanOrEqual(20)
  })
})
