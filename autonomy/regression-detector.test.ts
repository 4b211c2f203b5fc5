import { describe, expect, it } from 'vitest'
import { EMPTY_EWMA, type EwmaState, updateEwma } from './ewma.js'
import { detectRegression, type RegressionAlert } from './regression-detector.js'
import { seededRandom } from './test-support/seeded-random.js'

function feed(samples: readonly number[], metric: RegressionAlert['metric']): RegressionAlert[] {
  let baseline: EwmaState = EMPTY_EWMA
  const alerts: RegressionAlert[] = []
  samples.forEach((sample, index) => {
    const found = detectRegression({ metric, subject: 'shape', baseline, sample, at: index })
    if (found !== undefined) alerts.push(found)
    baseline = updateEwma(baseline, sample, 0.1)
  })
  return alerts
}

describe('regression detection', () => {
  const random = seededRandom()
  const steady = (count: number, mean: number, jitter: number): number[] => Array.from({ length: count }, () => mean + (random.next() - 0.5) * 2 * jitter)

  it(`raises no alert on a steady workload (seed ${random.seed})`, () => {
    expect(feed(steady(2_000, 20, 6), 'latency')).toEqual([])
    expect(feed(steady(2_000, 300, 60), 'cost')).toEqual([])
  })

  it(`raises an alert for an injected latency spike and a cost spike (seed ${random.seed})`, () => {
    const latency = steady(200, 20, 4)
    latency[150] = 120
    const latencyAlerts = feed(latency, 'latency')
    expect(latencyAlerts.map((alert) => alert.at)).toEqual([150])
    expect(latencyAlerts[0]!.message).toMatch(/latency of shape was 120/)
    const cost = steady(200, 300, 30)
    cost[120] = 1_500
    expect(feed(cost, 'cost').map((alert) => alert.at)).toEqual([120])
  })

  it('stays quiet until the baseline is warm', () => {
    expect(feed([10, 10, 10, 500], 'latency')).toEqual([])
  })
})
