import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pageLimits } from '../codec/limits.js'
import type { Database } from './database.js'
import { open } from './open.js'
import type { ScanOptions } from './read-api.js'

const SEED = Number(process.env.LIVINGDB_TEST_SEED ?? 20261124)
const STEPS = Number(process.env.LIVINGDB_TEST_STEPS ?? 400)
const directories: string[] = []
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })))

function random(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4294967296
  }
}

type ModelEntry = { key: string | Uint8Array; json: string }
type Model = Map<string, Map<string, ModelEntry>>
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const keyHex = (key: string | Uint8Array): string => hex(typeof key === 'string' ? Buffer.from(key, 'utf8') : key)
const show = (value: unknown): string => (value instanceof Uint8Array ? `bytes:${hex(value)}` : JSON.stringify(value))

function copyModel(model: Model): Model {
  return new Map([...model].map(([name, entries]) => [name, new Map(entries)]))
}

function expectedScan(entries: Map<string, ModelEntry> | undefined, options: ScanOptions): string[] {
  const all = [...(entries ?? new Map<string, ModelEntry>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const bound = (key: string | Uint8Array | undefined) => (key === undefined ? undefined : keyHex(key))
  const gt = bound(options.gt)
  const gte = bound(options.gte)
  const lt = bound(options.lt)
  const lte = bound(options.lte)
  const prefix = bound(options.prefix)
  let rows = all.filter(([key]) => (gt === undefined || key > gt) && (gte === undefined || key >= gte) && (lt === undefined || key < lt) && (lte === undefined || key <= lte) && (prefix === undefined || key.startsWith(prefix)))
  if (options.reverse) rows = rows.reverse()
  if (options.limit !== undefined) rows = rows.slice(0, options.limit)
  return rows.map(([, entry]) => `${typeof entry.key === 'string' ? 's' : 'b'}:${keyHex(entry.key)}=${entry.json}`)
}

function actualRows(rows: Iterable<{ key: string | Uint8Array; value: unknown }>): string[] {
  return [...rows].map((row) => `${typeof row.key === 'string' ? 's' : 'b'}:${keyHex(row.key)}=${show(row.value)}`)
}

interface Config {
  readonly name: string
  readonly pageSize: number
  readonly disk: boolean
  /** A tiny cache forces evictions and reloads from pages. */
  readonly cacheBytes?: number
}

const CONFIGS: Config[] = [
  { name: 'memory, 512-byte pages', pageSize: 512, disk: false },
  { name: 'memory, 4 KiB pages', pageSize: 4096, disk: false },
  { name: 'disk, 512-byte pages, 64 KiB cache', pageSize: 512, disk: true, cacheBytes: 64 * 1024 },
  { name: 'disk, 1 KiB pages', pageSize: 1024, disk: true },
  { name: 'disk, 4 KiB pages', pageSize: 4096, disk: true },
]

describe('database against a reference model', () => {
  CONFIGS.forEach((config, configIndex) => {
    it(`${config.name} (seed ${SEED})`, async () => {
      const seed = SEED + configIndex * 7919
      const next = random(seed)
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
      const limits = pageLimits(config.pageSize)
      const directory = config.disk ? mkdtempSync(path.join(tmpdir(), 'livingdb-random-')) : undefined
      if (directory) directories.push(directory)
      const openDb = () => open({ path: directory, durability: 'none', pageSize: config.pageSize, cacheBytes: config.cacheBytes, checkpointBytes: 20_000, checkpointIntervalMs: 0, timeTravelTxns: 8 })
      let db: Database = await openDb()
      const model: Model = new Map()
      const history: Model[] = [copyModel(model)]
      const alphabet = ['a', 'b', 'c', 'é', '/', '\u0000']
      const randomKey = (): string | Uint8Array => {
        const long = next() < 0.05
        const length = 1 + Math.floor(next() * (long ? limits.maxKeyBytes / 2 : 4))
        if (next() < 0.3) return Uint8Array.from({ length: Math.min(length, limits.maxKeyBytes) }, () => Math.floor(next() * 4) * 60)
        let key = ''
        while (Buffer.byteLength(key) < length) key += pick(alphabet)
        while (Buffer.byteLength(key) > limits.maxKeyBytes) key = key.slice(1)
        return key
      }
      const randomValue = (step: number): unknown => {
        const roll = next()
        if (roll < 0.1) return Uint8Array.from({ length: Math.floor(next() * 40) }, (_, index) => (index * 7 + step) & 0xff)
        if (roll < 0.15) return { big: 'x'.repeat(Math.floor(next() * config.pageSize * 3)), step }
        if (roll < 0.2) return null
        return { step, text: 'v'.repeat(Math.floor(next() * 30)), list: [step, roll > 0.5] }
      }
      const randomRange = (): ScanOptions => {
        const options: Record<string, unknown> = {}
        for (const name of ['gt', 'gte', 'lt', 'lte', 'prefix']) if (next() < 0.2) options[name] = name === 'prefix' ? (next() < 0.5 ? 'a' : Uint8Array.of(60)) : randomKey()
        if (next() < 0.5) options.reverse = true
        if (next() < 0.3) options.limit = Math.floor(next() * 10)
        return options as ScanOptions
      }
      const compareAll = (label: string, target: Database = db) => {
        for (const name of new Set([...model.keys(), ...target.keyspaces()])) {
          const handle = name === 'default' ? target : target.keyspace(name)
          expect(actualRows(handle.scan()), `${label}: keyspace ${name}`).toEqual(expectedScan(model.get(name), {}))
        }
      }
      try {
        for (let step = 0; step < STEPS; step++) {
          const roll = next()
          if (roll < 0.04 && config.disk) {
            await db.close()
            db = await openDb()
            compareAll(`after reopen at step ${step}`)
            continue
          }
          if (roll < 0.06 && directory) {
            // A copy of the files as they are now is what a kill -9 leaves: every commit logged, the tail after the last checkpoint not in the page file. Opening it replays that tail.
            const crashed = mkdtempSync(path.join(tmpdir(), 'livingdb-random-crash-'))
            directories.push(crashed)
            cpSync(directory, crashed, { recursive: true, filter: (source) => path.basename(source) !== 'LOCK' })
            const recovered = await open({ path: crashed, durability: 'none', pageSize: config.pageSize, cacheBytes: config.cacheBytes, checkpointIntervalMs: 0 })
            try {
              expect(recovered.txnId).toBe(db.txnId)
              recovered.checkValid()
              compareAll(`after recovery of a copy at step ${step}`, recovered)
            } finally {
              await recovered.close()
            }
            continue
          }
          if (roll < 0.08) {
            await expect(
              db.write((tx) => {
                tx.put(randomKey(), 1)
                throw new Error('rolled back on purpose')
              }),
            ).rejects.toThrow('rolled back on purpose')
            continue
          }
          if (roll < 0.11 && config.disk) await db.checkpoint()
          const pending = copyModel(model)
          const operations = 1 + Math.floor(next() * (next() < 0.1 ? 60 : 5))
          const { txnId } = await db.write((tx) => {
            for (let index = 0; index < operations; index++) {
              const name = next() < 0.7 ? 'default' : 'second'
              const target = name === 'default' ? tx : tx.keyspace(name)
              const key = randomKey()
              const entries = pending.get(name) ?? new Map<string, ModelEntry>()
              pending.set(name, entries)
              if (next() < 0.65) {
                const value = randomValue(step)
                target.put(key, value as never)
                entries.set(keyHex(key), { key, json: show(value) })
              } else {
                target.delete(key)
                entries.delete(keyHex(key))
              }
              const probe = randomKey()
              expect(show(target.get(probe))).toBe(entries.has(keyHex(probe)) ? entries.get(keyHex(probe))!.json : show(undefined))
            }
          })
          model.clear()
          for (const [name, entries] of pending) model.set(name, entries)
          history[txnId] = copyModel(model)
          expect(db.txnId).toBe(txnId)
          db.checkValid()
          for (let probe = 0; probe < 3; probe++) {
            const key = randomKey()
            const want = model.get('default')?.get(keyHex(key))
            expect(show(db.get(key))).toBe(want ? want.json : show(undefined))
          }
          const range = randomRange()
          const name = next() < 0.5 ? 'default' : 'second'
          expect(actualRows(name === 'default' ? db.scan(range) : db.keyspace(name).scan(range)), `scan ${JSON.stringify(range)}`).toEqual(expectedScan(model.get(name), range))
          if (next() < 0.1) {
            const past = Math.floor(next() * (txnId + 1))
            const expected = history[past] ?? history.slice(0, past + 1).reverse().find(Boolean)!
            db.readAt(past, (snapshot) => {
              for (const keyspace of ['default', 'second']) {
                const reader = keyspace === 'default' ? snapshot : snapshot.keyspace(keyspace)
                expect(actualRows(reader.scan()), `readAt ${past} keyspace ${keyspace}`).toEqual(expectedScan(expected.get(keyspace), {}))
              }
            })
          }
        }
        compareAll('final')
        await db.close()
        if (config.disk) {
          db = await openDb()
          db.checkValid()
          compareAll('final reopen')
          expect(db.verify().problems).toEqual([])
          await db.close()
        }
      } catch (error) {
        console.error(`randomized database test "${config.name}" failed; reproduce with LIVINGDB_TEST_SEED=${SEED}`)
        await db.close().catch(() => undefined)
        throw error
      }
    })
  })
})
