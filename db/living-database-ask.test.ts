import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createHistoryCartridge, createTopicsCartridge } from '../cartridges/index.js'
import { open } from './open.js'

const root = mkdtempSync(join(tmpdir(), 'livingdb-ask-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const NOTES = [
  ['notes/1', 'Dana decided to move billing to Stripe before the March invoice run.'],
  ['notes/2', 'The onboarding revamp ships a new welcome email sequence.'],
  ['notes/3', 'Priya reviewed the churn prediction model and its false positives.'],
] as const

describe('open() with cartridges and db.ask()', () => {
  it('keeps the cartridges current and answers a question from them, with citations', async () => {
    const db = await open({ path: join(root, 'a'), durability: 'none', cartridges: [createTopicsCartridge(), createHistoryCartridge()] })
    try {
      for (const [key, text] of NOTES) await db.put(key, { text })
      await db.cartridges.idle()
      expect(db.cartridges.names).toEqual(['topics', 'history'])
      const result = await db.ask('billing Stripe', { limit: 3, explain: true })
      expect(result.results[0]?.key).toBe('notes/1')
      expect(result.results[0]?.citations.length).toBeGreaterThan(0)
      expect(result.plan).toBeDefined()
    } finally {
      await db.close()
    }
  })

  it('answers as of an earlier commit', async () => {
    const db = await open({ path: join(root, 'b'), durability: 'none', cartridges: [createTopicsCartridge(), createHistoryCartridge()] })
    try {
      const { txnId } = await db.put('notes/1', { text: 'The billing migration is blocked on Chargebee.' })
      await db.put('notes/1', { text: 'The welcome email sequence is live.' })
      await db.cartridges.idle()
      const now = await db.ask('billing migration Chargebee', { limit: 3 })
      const then = await db.ask('billing migration Chargebee', { limit: 3, asOf: txnId })
      expect(now.results.map((item) => item.key)).not.toContain('notes/1')
      expect(then.results.map((item) => item.key)).toContain('notes/1')
    } finally {
      await db.close()
    }
  })

  it('works without cartridges (scans) and closes cleanly twice', async () => {
    const db = await open({ durability: 'none' })
    await db.put('tasks/1', { title: 'Rotate the API keys', status: 'open' })
    const result = await db.ask('open tasks')
    expect(result.results.map((item) => item.key)).toContain('tasks/1')
    await db.close()
    await db.close()
  })
})
