import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jsonError, jsonLines, runInProcess, useTemporaryDatabase } from './test-support/run-in-process.js'

const temporary = useTemporaryDatabase({ beforeEach, afterEach })

const kv = (...argv: string[]) => runInProcess(['kv', ...argv, '--db', temporary.db])

describe('livingdb kv', () => {
  it('puts JSON and raw strings, gets them back in human and JSON form', async () => {
    const put = await kv('put', 'notes/1', '{"text": "hi", "n": 2}')
    expect(put.exitCode).toBe(0)
    expect(put.stdout).toMatch(/^put notes\/1 \(txn \d+\)\n$/)
    const putJson = await kv('put', 'settings/theme', 'dark mode', '--string', '--json')
    expect(putJson.exitCode).toBe(0)
    expect(JSON.parse(putJson.stdout)).toMatchObject({ key: 'settings/theme', txnId: expect.any(Number) })

    const get = await kv('get', 'notes/1')
    expect(get.exitCode).toBe(0)
    expect(JSON.parse(get.stdout)).toEqual({ text: 'hi', n: 2 })
    const getJson = await kv('get', 'settings/theme', '--json')
    expect(JSON.parse(getJson.stdout)).toEqual({ key: 'settings/theme', value: 'dark mode' })
  })

  it('refuses a value that is not JSON without --string (exit 2)', async () => {
    const run = await kv('put', 'a', 'not json')
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('--string')
  })

  it('exits 1 with KEY_NOT_FOUND for a missing key', async () => {
    await kv('put', 'notes/1', '1')
    const human = await kv('get', 'notes/2')
    expect(human.exitCode).toBe(1)
    expect(human.stderr).toContain('KEY_NOT_FOUND')
    expect(human.stderr).toContain('kv scan --prefix notes/')
    const json = await kv('get', 'notes/2', '--json')
    expect(json.exitCode).toBe(1)
    expect(jsonError(json).code).toBe('KEY_NOT_FOUND')
  })

  it('refuses to read a database directory that does not exist, without creating it', async () => {
    const run = await kv('get', 'a', '--json')
    expect(run.exitCode).toBe(1)
    expect(jsonError(run)).toMatchObject({ code: 'DB_NOT_FOUND' })
    const again = await kv('scan')
    expect(again.stderr).toContain('DB_NOT_FOUND')
  })

  it('deletes keys and reports keys that held nothing', async () => {
    await kv('put', 'a', '1')
    const deleted = await kv('del', 'a', '--json')
    expect(JSON.parse(deleted.stdout)).toMatchObject({ key: 'a', deleted: true, txnId: expect.any(Number) })
    const again = await kv('del', 'a')
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toContain('nothing deleted')
    expect((await kv('get', 'a')).exitCode).toBe(1)
  })

  it('scans with prefix, ranges, reverse, limit and keys-only', async () => {
    for (const key of ['a/1', 'a/2', 'a/3', 'b/1']) await kv('put', key, JSON.stringify({ key }))
    const all = await kv('scan')
    expect(all.stdout.trim().split('\n')).toEqual(['a/1\t{"key":"a/1"}', 'a/2\t{"key":"a/2"}', 'a/3\t{"key":"a/3"}', 'b/1\t{"key":"b/1"}'])
    const prefixed = await kv('scan', '--prefix', 'a/', '--reverse', '--limit', '2', '--json')
    expect(jsonLines(prefixed.stdout)).toEqual([{ key: 'a/3', value: { key: 'a/3' } }, { key: 'a/2', value: { key: 'a/2' } }])
    const ranged = await kv('scan', '--gt', 'a/1', '--lte', 'a/3', '--keys-only')
    expect(ranged.stdout).toBe('a/2\na/3\n')
    const none = await kv('scan', '--prefix', 'zzz')
    expect(none.stdout).toBe('')
    expect(none.stderr).toContain('no records match')
    const conflicting = await kv('scan', '--gt', 'a', '--gte', 'b')
    expect(conflicting.exitCode).toBe(2)
  })

  it('works on a named keyspace with --keyspace, separate from the default one', async () => {
    await kv('put', 'a', '1')
    await kv('put', 'a', '"tagged"', '--keyspace', 'tags')
    expect(JSON.parse((await kv('get', 'a', '--keyspace', 'tags', '--json')).stdout)).toEqual({ key: 'a', value: 'tagged' })
    expect((await kv('get', 'a')).stdout.trim()).toBe('1')
    expect((await kv('scan', '--keyspace', 'tags')).stdout).toBe('a\t"tagged"\n')
    const exported = await runInProcess(['export', '--db', temporary.db, '--keyspace', 'tags'])
    expect(jsonLines(exported.stdout)).toEqual([{ key: 'a', value: 'tagged' }])
    const stats = JSON.parse((await runInProcess(['stats', '--db', temporary.db, '--json'])).stdout)
    expect(stats.keyspaces).toMatchObject({ default: 1, tags: 1 })
    expect((await kv('del', 'a', '--keyspace', 'tags')).exitCode).toBe(0)
    expect((await kv('get', 'a', '--keyspace', 'tags')).exitCode).toBe(1)
    const invalid = await kv('get', 'a', '--keyspace', '', '--json')
    expect(jsonError(invalid).code).toBe('KEYSPACE_INVALID')
  })

  it('reads an earlier version with --at (get, scan and export)', async () => {
    const first = JSON.parse((await kv('put', 'tasks/1', '{"status": "blocked"}', '--json')).stdout).txnId as number
    await kv('put', 'tasks/2', '"new"')
    await kv('put', 'tasks/1', '{"status": "done"}')
    expect(JSON.parse((await kv('get', 'tasks/1', '--at', String(first))).stdout)).toEqual({ status: 'blocked' })
    expect(JSON.parse((await kv('get', 'tasks/1')).stdout)).toEqual({ status: 'done' })
    expect((await kv('scan', '--at', String(first), '--keys-only')).stdout).toBe('tasks/1\n')
    const exported = await runInProcess(['export', '--db', temporary.db, '--at', String(first)])
    expect(jsonLines(exported.stdout)).toEqual([{ key: 'tasks/1', value: { status: 'blocked' } }])
    const missing = await kv('get', 'tasks/2', '--at', String(first))
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain(`as of txn ${first}`)
    const future = await kv('get', 'tasks/1', '--at', '99', '--json')
    expect(jsonError(future).code).toBe('TXN_NOT_FOUND')
  })
})
