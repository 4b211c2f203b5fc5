import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jsonError, runInProcess, useTemporaryDatabase } from '../test-support/run-in-process.js'

const temporary = useTemporaryDatabase({ beforeEach, afterEach })

describe('livingdb tokens', () => {
  it('creates, lists and revokes tokens', async () => {
    const created = await runInProcess(['tokens', 'create', '--scope', 'write', '--name', 'ci', '--db', temporary.db, '--json'])
    expect(created.exitCode).toBe(0)
    const token = JSON.parse(created.stdout) as { id: string; token: string; scope: string }
    expect(token.scope).toBe('write')
    expect(token.token).toMatch(/^ldb_/)
    const human = await runInProcess(['tokens', 'create', '--scope', 'read', '--db', temporary.db])
    expect(human.stdout.trim()).toMatch(/^ldb_[0-9a-f]{12}_\S+$/)
    expect(human.stderr).toContain('shown only now')
    const listed = await runInProcess(['tokens', 'list', '--db', temporary.db])
    expect(listed.stdout).toContain(token.id)
    expect(listed.stdout).not.toContain(token.token)
    expect((await runInProcess(['tokens', 'revoke', 'ci', '--db', temporary.db])).stdout).toContain(`revoked ${token.id}`)
    const again = await runInProcess(['tokens', 'revoke', 'ci', '--db', temporary.db, '--json'])
    expect(again.exitCode).toBe(1)
    expect(jsonError(again).code).toBe('TOKEN_NOT_FOUND')
  })

  it('needs a valid --scope', async () => {
    const run = await runInProcess(['tokens', 'create', '--scope', 'root', '--db', temporary.db, '--json'])
    expect(run.exitCode).toBe(2)
    expect(jsonError(run).code).toBe('CLI_USAGE')
  })
})

describe('livingdb serve', () => {
  it('serves the database and its questions until interrupted, accepting tokens created while it runs', async () => {
    expect((await runInProcess(['kv', 'put', 'notes/1', '{"text": "hello"}', '--db', temporary.db])).exitCode).toBe(0)
    const controller = new AbortController()
    let announce: (url: string) => void = () => {}
    const started = new Promise<string>(resolve => {
      announce = resolve
    })
    let printed = ''
    const running = runInProcess(['serve', '--port', '0', '--db', temporary.db, '--json'], {
      signal: controller.signal,
      onStdout: text => {
        printed += text
        if (printed.trim().endsWith('}')) announce((JSON.parse(printed) as { url: string }).url)
      },
    })
    const url = await started
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const token = (JSON.parse((await runInProcess(['tokens', 'create', '--scope', 'read', '--db', temporary.db, '--json'])).stdout) as { token: string }).token
    const response = await fetch(`${url}/v1/kv/notes/1`, { headers: { authorization: `Bearer ${token}` } })
    expect(await response.json()).toMatchObject({ key: 'notes/1', value: { text: 'hello' } })
    expect((await fetch(`${url}/v1/kv/notes/1`)).status).toBe(401)
    const asked = await fetch(`${url}/v1/ask`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ question: 'hello', limit: 3 }) })
    expect(asked.status).toBe(200)
    const answer = (await asked.json()) as { plan: unknown; results: { key: string }[] }
    expect(answer.plan).toBeDefined()
    expect(answer.results.map(result => result.key)).toContain('notes/1')
    controller.abort()
    const run = await running
    expect(run.exitCode).toBe(0)
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow()
  })
})
