import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LivingDbError } from '../errors/index.js'
import { RateLimiter } from './rate-limiter.js'
import { scopeAllows, TokenStore } from './token-store.js'

let directory: string
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'livingdb-tokens-'))
})
afterEach(() => rmSync(directory, { recursive: true, force: true }))

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    return LivingDbError.isInstance(error) ? error.code : 'not a LivingDbError'
  }
  return undefined
}

describe('TokenStore', () => {
  it('creates, verifies, lists and revokes tokens, storing only hashes', () => {
    const store = new TokenStore({ databasePath: directory })
    const { token, record } = store.create({ scope: 'write', name: 'ci' })
    expect(token).toMatch(/^ldb_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/)
    expect(store.verify(token)).toEqual(record)
    expect(readFileSync(store.file, 'utf8')).not.toContain(token.slice(18))
    expect(new TokenStore({ databasePath: directory }).list()).toEqual([record])
    expect(store.verify(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeUndefined()
    expect(store.verify('Bearer nonsense')).toBeUndefined()
    store.revoke('ci')
    expect(store.verify(token)).toBeUndefined()
    expect(codeOf(() => store.revoke('ci'))).toBe('TOKEN_NOT_FOUND')
  })

  it('sees tokens another process created or revoked (the server rereads a changed file)', () => {
    const server = new TokenStore({ databasePath: directory })
    const cli = new TokenStore({ databasePath: directory })
    const { token } = cli.create({ scope: 'read' })
    expect(server.verify(token)?.scope).toBe('read')
    cli.revoke(cli.list()[0]!.id)
    expect(server.verify(token)).toBeUndefined()
  })

  it('refuses bad scopes, bad or duplicate names, and a damaged file', () => {
    const store = new TokenStore({ databasePath: directory })
    expect(codeOf(() => store.create({ scope: 'root' as 'read' }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => store.create({ scope: 'read', name: 'has space' }))).toBe('INVALID_ARGUMENT')
    store.create({ scope: 'read', name: 'one' })
    expect(codeOf(() => store.create({ scope: 'admin', name: 'one' }))).toBe('INVALID_ARGUMENT')
    writeFileSync(store.file, '{"version": 1, "tokens": [{"id": 3}]}')
    expect(codeOf(() => store.list())).toBe('TOKEN_STORE_INVALID')
    writeFileSync(store.file, 'not json')
    expect(codeOf(() => store.verify('ldb_000000000000_' + 'a'.repeat(43)))).toBe('TOKEN_STORE_INVALID')
  })

  it('orders scopes read < write < admin', () => {
    expect(scopeAllows('admin', 'write')).toBe(true)
    expect(scopeAllows('write', 'read')).toBe(true)
    expect(scopeAllows('read', 'write')).toBe(false)
    expect(scopeAllows('write', 'admin')).toBe(false)
  })
})

describe('RateLimiter', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let now = 0
    const limiter = new RateLimiter({ limit: { requestsPerSecond: 2, burst: 3 }, now: () => now })
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true])
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 })
    expect(limiter.take('b').allowed).toBe(true)
    now += 500
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(false)
  })

  it('refuses a nonsensical limit', () => {
    expect(codeOf(() => new RateLimiter({ limit: { requestsPerSecond: 0, burst: 1 } }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => new RateLimiter({ limit: { requestsPerSecond: 1, burst: 0.5 } }))).toBe('INVALID_ARGUMENT')
  })
})
