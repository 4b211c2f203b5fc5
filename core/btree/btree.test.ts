import { describe, expect, it } from 'vitest'
import { pageLimits } from '../codec/limits.js'
import { checkTree } from './check-valid.js'
import { type Node, compareBytes } from './node.js'
import { TreeCursor } from './tree-cursor.js'
import { type MutationContext, treeGet, treePut, treeRemove } from './tree-mutation.js'

const SEED = Number(process.env.LIVINGDB_TEST_SEED ?? 1234)

function random(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4294967296
  }
}

function context(pageSize: number, generation: number): MutationContext {
  return {
    limits: pageLimits(pageSize),
    generation,
    loadNode: () => {
      throw new Error('no pages in this test')
    },
    loadValue: () => {
      throw new Error('no pages in this test')
    },
    freePage: () => {},
    freeValue: () => {},
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

describe('copy-on-write B+tree', () => {
  for (const [pageSize, variant] of [512, 1024, 4096].flatMap((size) => [0, 1, 2].map((variant) => [size, variant] as const))) {
    it(`matches a sorted-map model with ${pageSize}-byte pages (seed ${SEED}, variant ${variant})`, () => {
      const next = random(SEED + pageSize * 3 + variant)
      const model = new Map<string, Uint8Array>()
      let root: Node | null = null
      const snapshots: { root: Node | null; entries: [string, string][] }[] = []
      const maxKey = pageLimits(pageSize).maxKeyBytes
      try {
        for (let step = 0; step < 3000; step++) {
          const ctx = context(pageSize, step + 1)
          const key = new Uint8Array(1 + Math.floor(next() * (next() < 0.1 ? maxKey : Math.min(maxKey, 12))))
          for (let index = 0; index < key.length; index++) key[index] = Math.floor(next() * 6)
          if (next() < 0.6) {
            const value = new Uint8Array(Math.floor(next() * (next() < 0.1 ? 400 : 30)))
            value.fill(step & 0xff)
            root = treePut(ctx, root, key, value).root
            model.set(hex(key), value)
          } else {
            root = treeRemove(ctx, root, key).root
            model.delete(hex(key))
          }
          checkTree(ctx, root, 'test', model.size)
          if (step % 500 === 0) snapshots.push({ root, entries: [...model.entries()].map(([k, v]) => [k, hex(v)]) })
        }
        const ctx = context(pageSize, 0)
        const sorted = [...model.keys()].sort((a, b) => compareBytes(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')))
        expect([...new TreeCursor(ctx, root)].map((entry) => hex(entry.key))).toEqual(sorted)
        expect([...new TreeCursor(ctx, root, { reverse: true })].map((entry) => hex(entry.key))).toEqual([...sorted].reverse())
        for (const key of sorted.slice(0, 50)) expect(treeGet(ctx, root, Buffer.from(key, 'hex'))).toEqual(model.get(key))
        for (const snapshot of snapshots) {
          const got = [...new TreeCursor(ctx, snapshot.root)].map((entry) => [hex(entry.key), hex(entry.value as Uint8Array)])
          const want = snapshot.entries.sort((a, b) => compareBytes(Buffer.from(a[0], 'hex'), Buffer.from(b[0], 'hex')))
          expect(got).toEqual(want)
        }
      } catch (error) {
        console.error(`btree randomized test failed with LIVINGDB_TEST_SEED=${SEED}`)
        throw error
      }
    })
  }
})
