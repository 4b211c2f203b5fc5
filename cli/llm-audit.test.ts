import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { jsonError, runInProcess, useTemporaryDatabase } from './test-support/run-in-process.js'

const temporary = useTemporaryDatabase({ beforeEach, afterEach })

/** A local server speaking the OpenAI chat-completions wire format, answering with a fixed JSON object. */
async function startOpenAiCompatibleServer(): Promise<{ url: string; requests: unknown[]; close: () => Promise<void> }> {
  const requests: unknown[] = []
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', chunk => (body += chunk))
    request.on('end', () => {
      requests.push(JSON.parse(body))
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'qwen2.5',
        choices: [{ index: 0, message: { role: 'assistant', content: '{"entities":[{"name":"Ada Lovelace","type":"person"},{"name":"London","type":"place"}]}' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 120, completion_tokens: 24, total_tokens: 144 },
      }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise(resolve => server.close(() => resolve())) }
}

describe('livingdb llm test', () => {
  it('runs the offline model by default, prints the result and records the call in <db>/llm', async () => {
    const human = await runInProcess(['llm', 'test', '--db', temporary.db])
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toMatch(/^model: +offline:/)
    expect(human.stdout).toContain('Ada Lovelace (person)')
    expect(human.stdout).toMatch(/tokens: +\d+ in, \d+ out/)
    expect(human.stdout).toMatch(/latency: +\d+ ms/)
    const json = JSON.parse((await runInProcess(['llm', 'test', '--db', temporary.db, '--json'])).stdout)
    expect(json).toMatchObject({ modelId: expect.stringMatching(/^offline:/), attempts: 1, auditLog: join(temporary.db, 'llm', 'audit.jsonl') })
    expect(json.object.entities.length).toBeGreaterThan(0)
    expect(json.usage.inputTokens).toBeGreaterThan(0)
    expect(readFileSync(join(temporary.db, 'llm', 'audit.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2)
  })

  it('calls an OpenAI-compatible server by --base-url', async () => {
    const server = await startOpenAiCompatibleServer()
    try {
      const run = await runInProcess(['llm', 'test', '--db', temporary.db, '--model', 'openai-compatible:qwen2.5', '--base-url', server.url, '--json'])
      expect(run.stderr).toBe('')
      expect(JSON.parse(run.stdout)).toMatchObject({ modelId: 'openai-compatible:qwen2.5', usage: { inputTokens: 120, outputTokens: 24 }, object: { entities: [{ name: 'Ada Lovelace', type: 'person' }, { name: 'London', type: 'place' }] } })
      expect(server.requests).toHaveLength(1)
      expect((server.requests[0] as { model: string }).model).toBe('qwen2.5')
      const human = await runInProcess(['llm', 'test', '--db', temporary.db, '--model', 'openai-compatible:qwen2.5', '--base-url', server.url])
      expect(human.stdout).toContain('cost:     unknown')
      expect(server.requests).toHaveLength(2)
    } finally {
      await server.close()
    }
  })

  it('fails with exit 1 and a typed error for an unknown provider', async () => {
    const run = await runInProcess(['llm', 'test', '--db', temporary.db, '--model', 'nosuch:model', '--json'])
    expect(run.exitCode).toBe(1)
    expect(jsonError(run).code).toBe('MODEL_CONFIG_INVALID')
  })
})

describe('livingdb audit and llm budget', () => {
  it('report an empty state before any model call without creating files', async () => {
    expect((await runInProcess(['audit', 'verify', '--db', temporary.db])).stdout).toContain('no model calls recorded yet')
    expect((await runInProcess(['audit', 'tail', '--db', temporary.db])).stdout).toContain('no model calls recorded')
    expect((await runInProcess(['llm', 'budget', '--db', temporary.db])).stdout).toContain('no model spend recorded')
    expect(JSON.parse((await runInProcess(['audit', 'tail', '--db', temporary.db, '--json'])).stdout)).toEqual([])
    expect(existsSync(temporary.db)).toBe(false)
  })

  it('tail, verify and budget the calls made by llm test, and catch an edited record', async () => {
    for (let index = 0; index < 3; index++) expect((await runInProcess(['llm', 'test', '--db', temporary.db])).exitCode).toBe(0)

    const tail = await runInProcess(['audit', 'tail', '--db', temporary.db, '--limit', '2'])
    expect(tail.stdout.trim().split('\n')).toHaveLength(2)
    expect(tail.stdout).toMatch(/^#1 {2}\S+ {2}cli\/model-check {2}offline:\S+ {2}generate {2}ok {2}\d+\+\d+ tokens/)
    const records = JSON.parse((await runInProcess(['audit', 'tail', '--db', temporary.db, '--json'])).stdout)
    expect(records.map((record: { seq: number }) => record.seq)).toEqual([0, 1, 2])

    const verified = await runInProcess(['audit', 'verify', '--db', temporary.db, '--json'])
    expect(verified.exitCode).toBe(0)
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, records: 3 })

    const budget = await runInProcess(['llm', 'budget', '--db', temporary.db, '--json'])
    const rows = JSON.parse(budget.stdout).rows as { scope: string; period: string; tokens: number }[]
    expect(rows.map(row => row.period)).toEqual(['minute', 'hour', 'day', 'month'])
    expect(rows.every(row => row.scope === 'cli' && row.tokens === records.reduce((sum: number, record: { inputTokens: number; outputTokens: number }) => sum + record.inputTokens + record.outputTokens, 0))).toBe(true)
    expect((await runInProcess(['llm', 'budget', '--db', temporary.db])).stdout).toMatch(/^scope +period +window +tokens +cost\ncli +minute /)

    const file = join(temporary.db, 'llm', 'audit.jsonl')
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    lines[1] = lines[1]!.replace(/"latencyMs":[\d.]+/, '"latencyMs":1')
    writeFileSync(file, `${lines.join('\n')}\n`)
    const damaged = await runInProcess(['audit', 'verify', '--db', temporary.db])
    expect(damaged.exitCode).toBe(1)
    expect(damaged.stdout).toContain('DAMAGED at record 1')
    expect(damaged.stdout).toContain('edited')
  })
})
