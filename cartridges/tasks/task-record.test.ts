import { describe, expect, it } from 'vitest'
import { pendingTask } from './task-record.js'

describe('pendingTask', () => {
  it('counts pending, open, todo and new (any case) and a missing status as pending', () => {
    for (const status of ['pending', 'open', 'TODO', 'New', undefined]) expect(pendingTask({ type: 'email', status, priority: 1 })).toEqual({ type: 'email', priority: 1 })
  })

  it('leaves claimed, done, blocked and non-string statuses out', () => {
    for (const status of ['claimed', 'done', 'in_progress', 'blocked', 7, null]) expect(pendingTask({ type: 'email', status, priority: 1 })).toBeUndefined()
  })

  it('orders priority words like numbers and refuses unknown words and prototype names', () => {
    expect(pendingTask({ type: 'bug', priority: 'High' })?.priority).toBe(3)
    expect(pendingTask({ type: 'bug', priority: 'critical' })?.priority).toBe(4)
    expect(pendingTask({ type: 'bug', priority: 'low' })?.priority).toBe(1)
    expect(pendingTask({ type: 'bug' })?.priority).toBe(0)
    expect(pendingTask({ type: 'bug', priority: 'p1' })).toBeUndefined()
    expect(pendingTask({ type: 'bug', priority: 'constructor' })).toBeUndefined()
    expect(pendingTask({ type: 'bug', priority: 1.5 })).toBeUndefined()
  })
})
