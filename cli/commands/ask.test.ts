import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jsonError, runInProcess, useTemporaryDatabase } from '../test-support/run-in-process.js'

const SAMPLE = fileURLToPath(new URL('../../examples/sample-store.jsonl', import.meta.url))

const temporary = useTemporaryDatabase({ beforeEach, afterEach })

describe('livingdb ask', () => {
  it('answers over an imported database with the plan, cited results and an answer, now and as of an earlier txn', async () => {
    expect((await runInProcess(['import', SAMPLE, '--db', temporary.db])).exitCode).toBe(0)
    // The first question builds the indexes; the txn after it is the version to travel back to.
    expect((await runInProcess(['ask', 'tasks', '--db', temporary.db])).exitCode).toBe(0)
    const indexed = (JSON.parse((await runInProcess(['stats', '--db', temporary.db, '--json'])).stdout) as { txnId: number }).txnId
    expect((await runInProcess(['kv', 'put', 'tasks/T-1006', JSON.stringify({ id: 'T-1006', title: "Migrate saved cards with Stripe's card import", type: 'migration', status: 'done', priority: 'high' }), '--db', temporary.db])).exitCode).toBe(0)
    const now = await runInProcess(['ask', 'What is the status of T-1006?', '--db', temporary.db, '--json'])
    expect(now.exitCode).toBe(0)
    const result = JSON.parse(now.stdout) as { plan: { root: unknown }; results: { key: string; value: { status?: string }; citations: unknown[] }[]; txnId: number }
    expect(result.plan.root).toBeDefined()
    expect(result.results.find(item => item.key === 'tasks/T-1006')?.value.status).toBe('done')
    const before = JSON.parse((await runInProcess(['ask', 'What is the status of T-1006?', '--as-of', String(indexed), '--db', temporary.db, '--json'])).stdout) as typeof result
    expect(before.txnId).toBe(indexed)
    expect(before.results.find(item => item.key === 'tasks/T-1006')?.value.status).toBe('blocked')
    const human = await runInProcess(['ask', 'What is blocking the billing migration?', '--explain', '--limit', '3', '--db', temporary.db])
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toMatch(/^plan {5}\S/m)
    expect(human.stdout).toMatch(/^results {2}\d/m)
    expect(human.stdout).toMatch(/^ {3}1\. \S+/m)
  })

  it('refuses a malformed --as-of, a missing database and an empty question', async () => {
    const badTime = await runInProcess(['ask', 'open tasks', '--as-of', 'yesterday', '--db', temporary.db, '--json'])
    expect(badTime.exitCode).toBe(2)
    expect(jsonError(badTime).code).toBe('CLI_USAGE')
    const missing = await runInProcess(['ask', 'open tasks', '--db', temporary.db, '--json'])
    expect(missing.exitCode).toBe(1)
    expect(jsonError(missing).code).toBe('DB_NOT_FOUND')
    expect((await runInProcess(['ask', '  ', '--db', temporary.db])).exitCode).toBe(2)
  })
})
