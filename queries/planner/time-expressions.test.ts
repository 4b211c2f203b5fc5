import { describe, expect, it } from 'vitest'
import { parseTimeExpressions } from './time-expressions.js'

// Saturday 2026-03-21: the week started on Monday 2026-03-16.
const now = Date.parse('2026-03-21T10:00:00Z')

describe('parseTimeExpressions', () => {
  it.each([
    ['decisions made last week', { gte: '2026-03-09', lt: '2026-03-16' }],
    ['notes this week', { gte: '2026-03-16', lt: '2026-03-23' }],
    ['incidents since February', { gte: '2026-02-01' }],
    ['decisions before February', { lt: '2026-02-01' }],
    ['tasks due in April', { gte: '2026-04-01', lt: '2026-05-01' }],
    ['notes after 2026-02-15', { gte: '2026-02-16' }],
    ['calls on March 3', { gte: '2026-03-03', lt: '2026-03-04' }],
    ['notes between March 1 and March 10', { gte: '2026-03-01', lt: '2026-03-11' }],
    ['tickets from the last 7 days', { gte: '2026-03-15', lt: '2026-03-22' }],
    ['decisions last month', { gte: '2026-02-01', lt: '2026-03-01' }],
    ['meetings in March 2025', { gte: '2025-03-01', lt: '2025-04-01' }],
    ['incidents yesterday', { gte: '2026-03-20', lt: '2026-03-21' }],
  ])('%s', (question, range) => {
    expect(parseTimeExpressions(question, now).range).toEqual(range)
  })

  it('reads as-of and changed-since, by txn or time, and removes the time words', () => {
    expect(parseTimeExpressions('blocked tasks as of txn 15', now)).toMatchObject({ asOf: { txnId: 15 }, rest: 'blocked tasks' })
    expect(parseTimeExpressions('what was open as of 2026-02-01', now).asOf).toEqual({ time: '2026-02-02T00:00:00.000Z' })
    expect(parseTimeExpressions('which tasks changed since txn 15?', now).changedSince).toEqual({ txnId: 16 })
    expect(parseTimeExpressions('records modified since March 1', now).changedSince).toEqual({ time: '2026-03-01T00:00:00.000Z' })
  })

  it('leaves questions without time words alone', () => {
    const parsed = parseTimeExpressions('open tickets from Bramble & Co', now)
    expect(parsed).toEqual({ rest: 'open tickets from Bramble & Co', phrases: [] })
    expect(parseTimeExpressions('What is T-1104 about?', now).range).toBeUndefined()
  })
})
