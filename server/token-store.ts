import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, fsyncSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { LivingDbError } from '../errors/index.js'

/** What a token may do: `read` (get, scan, ask, commits), `write` (+ put, delete), `admin` (+ the sys keyspace and token management). */
export type TokenScope = 'read' | 'write' | 'admin'

/** Every scope, weakest first. */
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'write', 'admin']

/** True when a token of scope `held` may do what `needed` allows. */
export function scopeAllows(held: TokenScope, needed: TokenScope): boolean {
  return TOKEN_SCOPES.indexOf(held) >= TOKEN_SCOPES.indexOf(needed)
}

/** One stored token. The secret itself is never stored, only its SHA-256. */
export interface TokenRecord {
  /** Public id (`tok_` + 12 hex digits), shown by `tokens list` and used by `tokens revoke`. */
  readonly id: string
  readonly name: string
  readonly scope: TokenScope
  /** ISO time of creation. */
  readonly createdAt: string
}

/** What {@link TokenStore.create} returns: the record and the secret token, shown once. */
export interface CreatedToken {
  readonly record: TokenRecord
  /** `ldb_<id hex>_<secret>`: the value of `Authorization: Bearer …`. */
  readonly token: string
}

const storedTokenSchema = z.object({
  id: z.string().regex(/^tok_[0-9a-f]{12}$/),
  name: z.string(),
  scope: z.enum(['read', 'write', 'admin']),
  createdAt: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})
const tokenFileSchema = z.object({ version: z.literal(1), tokens: z.array(storedTokenSchema) })
type StoredToken = z.infer<typeof tokenFileSchema>['tokens'][number]

const TOKEN_PATTERN = /^ldb_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/
const LOCK_WAIT_MS = 5_000
const NAME_PATTERN = /^[A-Za-z0-9._@:-]{1,64}$/

/** The token file of a database directory: `<db>/server/tokens.json`. */
export function tokenFilePath(databasePath: string): string {
  return join(databasePath, 'server', 'tokens.json')
}

/**
 * The API tokens of one database, kept in `<db>/server/tokens.json` next to
 * the database files (not inside the database, so `livingdb tokens` works
 * while `livingdb serve` holds the database lock, and a revoked token stops
 * working on the server's next request). Only a SHA-256 hash of each token is
 * stored; tokens carry 256 random bits, so a fast hash is enough. Writes go to
 * a temporary file that is fsynced and renamed, under a lock file.
 *
 * @example
 * const store = new TokenStore({ databasePath: './data' })
 * const { token } = store.create({ scope: 'read', name: 'dashboard' })
 * store.verify(token)?.scope // 'read'
 */
export class TokenStore {
  readonly file: string
  #cache: { readonly stamp: string; readonly tokens: readonly StoredToken[] } | undefined

  constructor(args: { readonly databasePath: string }) {
    this.file = tokenFilePath(args.databasePath)
  }

  /** Creates a token; the returned secret is not stored and cannot be shown again. */
  create(args: { readonly scope: TokenScope; readonly name?: string; readonly now?: Date }): CreatedToken {
    if (!TOKEN_SCOPES.includes(args.scope)) {
      throw new LivingDbError('INVALID_ARGUMENT', `Token scope must be read, write or admin, got ${JSON.stringify(args.scope)}.`, { details: { scope: args.scope } })
    }
    const name = args.name ?? `${args.scope}-token`
    if (!NAME_PATTERN.test(name)) {
      throw new LivingDbError('INVALID_ARGUMENT', `Token name ${JSON.stringify(name)} must be 1 to 64 letters, digits or . _ @ : - characters.`, { details: { name } })
    }
    const idHex = randomBytes(6).toString('hex')
    const token = `ldb_${idHex}_${randomBytes(32).toString('base64url')}`
    const record: TokenRecord = { id: `tok_${idHex}`, name, scope: args.scope, createdAt: (args.now ?? new Date()).toISOString() }
    this.#update(tokens => {
      if (tokens.some(stored => stored.name === name)) {
        throw new LivingDbError('INVALID_ARGUMENT', `A token named ${JSON.stringify(name)} exists already. Pick another --name, or revoke the old one first.`, { details: { name } })
      }
      return [...tokens, { ...record, sha256: hashToken(token) }]
    })
    return { record, token }
  }

  /** Every token, oldest first (without hashes). */
  list(): TokenRecord[] {
    return this.#load().map(publicRecord)
  }

  /** Revokes the token with this id or name; `TOKEN_NOT_FOUND` when there is none. */
  revoke(idOrName: string): TokenRecord {
    let removed: StoredToken | undefined
    this.#update(tokens => {
      removed = tokens.find(stored => stored.id === idOrName || stored.name === idOrName)
      if (removed === undefined) {
        throw new LivingDbError('TOKEN_NOT_FOUND', `No API token has the id or name ${JSON.stringify(idOrName)}. \`livingdb tokens list\` shows them.`, { details: { token: idOrName } })
      }
      return tokens.filter(stored => stored !== removed)
    })
    return publicRecord(removed!)
  }

  /** The record of a presented bearer token, or undefined when it is malformed, unknown or revoked. */
  verify(token: string): TokenRecord | undefined {
    const match = TOKEN_PATTERN.exec(token)
    if (match === null) return undefined
    const stored = this.#load().find(candidate => candidate.id === `tok_${match[1]}`)
    if (stored === undefined) return undefined
    const presented = Buffer.from(hashToken(token), 'hex')
    return timingSafeEqual(presented, Buffer.from(stored.sha256, 'hex')) ? publicRecord(stored) : undefined
  }

  /** Reads the file again only when it changed (size, mtime or inode), so each request costs one stat. */
  #load(): readonly StoredToken[] {
    const stat = statSync(this.file, { throwIfNoEntry: false })
    if (stat === undefined) return []
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`
    if (this.#cache?.stamp === stamp) return this.#cache.tokens
    const tokens = this.#parse(readFileSync(this.file, 'utf8'))
    this.#cache = { stamp, tokens }
    return tokens
  }

  #parse(text: string): readonly StoredToken[] {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw this.#damaged('is not valid JSON')
    }
    const result = tokenFileSchema.safeParse(parsed)
    if (!result.success) throw this.#damaged(`does not match the token file format (${result.error.issues[0]?.message ?? 'invalid'})`)
    return result.data.tokens
  }

  #damaged(problem: string): LivingDbError {
    return new LivingDbError('TOKEN_STORE_INVALID', `The API token file ${this.file} ${problem}. Restore it from a backup, or delete it and create new tokens with \`livingdb tokens create\`.`, { details: { file: this.file } })
  }

  /** Read-modify-write under `<file>.lock`, then an atomic replace. */
  #update(change: (tokens: readonly StoredToken[]) => readonly StoredToken[]): void {
    mkdirSync(join(this.file, '..'), { recursive: true })
    const lock = `${this.file}.lock`
    const descriptor = acquireLock(lock)
    try {
      const current = (() => {
        const stat = statSync(this.file, { throwIfNoEntry: false })
        return stat === undefined ? [] : this.#parse(readFileSync(this.file, 'utf8'))
      })()
      const next = change(current)
      const temporary = `${this.file}.${process.pid}.tmp`
      writeFileSync(temporary, `${JSON.stringify({ version: 1, tokens: next }, null, 2)}\n`, { mode: 0o600 })
      const handle = openSync(temporary, 'r')
      try {
        fsyncSync(handle)
      } finally {
        closeSync(handle)
      }
      renameSync(temporary, this.file)
      this.#cache = undefined
    } finally {
      closeSync(descriptor)
      unlinkSync(lock)
    }
  }
}

function acquireLock(lock: string): number {
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      return openSync(lock, 'wx', 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (Date.now() > deadline) {
        throw new LivingDbError('WRITE_BUSY', `The API token file is locked by ${lock}. If no other \`livingdb tokens\` command is running, delete that lock file and retry.`, { details: { lock } })
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
    }
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

function publicRecord(stored: StoredToken): TokenRecord {
  return { id: stored.id, name: stored.name, scope: stored.scope, createdAt: stored.createdAt }
}
