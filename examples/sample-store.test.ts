import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

interface SampleRecord {
  readonly key: string
  readonly value: Record<string, unknown>
}

const records: SampleRecord[] = readFileSync(new URL('./sample-store.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(line => line.trim() !== '')
  .map(line => JSON.parse(line) as SampleRecord)
const keys = new Set(records.map(record => record.key))
const under = (prefix: string): SampleRecord[] => records.filter(record => record.key.startsWith(prefix))

/** Every string in a value that looks like a reference to another record. */
function references(value: unknown): string[] {
  if (typeof value === 'string') return /^(people|projects|customers|tasks|notes|decisions|tickets)\/[A-Za-z0-9-]+$/.test(value) ? [value] : []
  if (Array.isArray(value)) return value.flatMap(references)
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(references)
  return []
}

describe('examples/sample-store.jsonl', () => {
  it('holds a few hundred records with unique keys in the import format', () => {
    expect(records.length).toBeGreaterThanOrEqual(250)
    expect(keys.size).toBe(records.length)
    for (const record of records) expect(Object.keys(record).sort()).toEqual(['key', 'value'])
  })

  it('keeps the keys evaluation questions name (keys are never renamed or removed)', () => {
    for (const key of ['people/dana-okafor', 'projects/billing-migration', 'tasks/T-1006', 'notes/2026-02-17-dashboard-outage', 'notes/2026-02-27-eu-residency-decision', 'customers/hollis-wren', 'decisions/D-010', 'tickets/S-4101']) {
      expect(keys, key).toContain(key)
    }
    expect(under('tasks/').length).toBe(87)
    expect(under('decisions/').length).toBeGreaterThanOrEqual(27)
  })

  it('gives every task a type, status and priority from the documented sets', () => {
    for (const { key, value } of under('tasks/')) {
      expect(['feature', 'bug', 'migration', 'infrastructure', 'compliance', 'security', 'design', 'research', 'customer', 'marketing', 'operations'], key).toContain(value.type)
      expect(['open', 'in_progress', 'blocked', 'done'], key).toContain(value.status)
      expect(['high', 'medium', 'low'], key).toContain(value.priority)
    }
  })

  it('has dated decisions with a status, an owner and their source notes', () => {
    for (const { key, value } of under('decisions/')) {
      expect(value.date, key).toMatch(/^2026-0[1-3]-\d{2}$/)
      expect(['accepted', 'proposed', 'superseded'], key).toContain(value.status)
      expect(keys, key).toContain(value.owner)
      if (value.source !== undefined) expect(keys, key).toContain(value.source)
    }
  })

  it('points only at records that exist', () => {
    for (const { key, value } of records) {
      for (const target of references(value)) expect(keys, `${key} → ${target}`).toContain(target)
    }
  })
})
