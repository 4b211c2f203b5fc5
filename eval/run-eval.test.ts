import { describe, expect, it } from 'vitest'
import { percentile, recallAt, reciprocalRank, summarize } from './eval-metrics.js'
import { runEval } from './run-eval.js'

describe('eval metrics', () => {
  it('computes recall@k, reciprocal rank and percentiles', () => {
    expect(recallAt(['a', 'b'], ['x', 'a', 'y'], 10)).toBe(0.5)
    expect(recallAt(['a', 'b'], ['x', 'a', 'b'], 2)).toBe(0.5)
    expect(reciprocalRank(['b'], ['a', 'b'])).toBe(0.5)
    expect(reciprocalRank(['z'], ['a', 'b'])).toBe(0)
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3)
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5)
  })
})

describe('the question set', () => {
  it('meets the offline planner targets: recall@10 >= 0.8, every plan valid, every count right', async () => {
    const scores = await runEval({ passes: 1 })
    const summary = summarize(scores)
    expect(scores.length).toBeGreaterThanOrEqual(60)
    expect(scores.filter((score) => score.error !== undefined)).toEqual([])
    expect(summary.planValidity).toBe(1)
    expect(summary.recallAt10).toBeGreaterThanOrEqual(0.8)
    expect(summary.countAccuracy).toBe(1)
    expect(new Set(scores.map((score) => score.planner))).toEqual(new Set(['offline']))
  })
})
