import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { crc32c } from '../checksum/crc32c.js'
import { pageLimits } from '../codec/limits.js'
import { Node, SHARED_GENERATION } from '../btree/node.js'
import { decodeMeta, encodeMeta, type Meta } from './meta-page.js'
import { decodeChainPage, decodeFreelistPage, decodeNode, encodeChainPage, encodeFreelistPage, encodeNode } from './node-codec.js'
import { PageType } from './page-format.js'

const SEED = Number(process.env.LIVINGDB_TEST_SEED ?? 424242)
const limits = pageLimits(512)
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

function sampleLeaf(): Node {
  return Node.leaf([bytes('apple'), bytes('banana'), bytes('cherry')], [bytes('\u0001{"a":1}'), { page: 9, length: 5000 }, bytes('\u0002xyz')], 5, limits.maxEntryBytes)
}

function sampleBranch(): Node {
  return Node.branch([bytes('m'), bytes('t')], [3, 4, 5], 5)
}

const META: Meta = { pageSize: 512, sequence: 7, checkpointTxnId: 1234, catalogPage: 6, freelistPage: 8, pageCount: 20, timestamp: 1_700_000_000_000 }

/** Re-seals the CRC so mutations reach the structural decoder instead of stopping at the checksum. */
function reseal(page: Uint8Array, checksumEnd = page.length): void {
  new DataView(page.buffer, page.byteOffset).setUint32(0, crc32c(page, 4, checksumEnd), true)
}

const decoders: Record<string, (page: Uint8Array) => unknown> = {
  leaf: (page) => decodeNode(page, 10, limits, 20),
  branch: (page) => decodeNode(page, 11, limits, 20),
  meta: (page) => decodeMeta(page, 1),
  freelist: (page) => decodeFreelistPage(page, 12, 20),
  overflow: (page) => decodeChainPage(PageType.OVERFLOW, page, 13, 20),
}

const samples: Record<string, () => Uint8Array> = {
  leaf: () => encodeNode(sampleLeaf(), 10, limits),
  branch: () => encodeNode(sampleBranch(), 11, limits),
  meta: () => encodeMeta(META),
  freelist: () => encodeFreelistPage([2, 3, 19], 12, 0, 512),
  overflow: () => encodeChainPage(PageType.OVERFLOW, bytes('hello overflow'), 13, 14, 512),
}

describe('page encoding', () => {
  it('round-trips leaf, branch, meta, freelist and chain pages', () => {
    const leaf = decodeNode(samples.leaf!(), 10, limits, 20)
    expect(leaf.leaf).toBe(true)
    expect(leaf.generation).toBe(SHARED_GENERATION)
    expect(leaf.keys).toEqual(sampleLeaf().keys)
    expect(leaf.values).toEqual(sampleLeaf().values)
    expect(leaf.bytes).toBe(sampleLeaf().bytes)
    const branch = decodeNode(samples.branch!(), 11, limits, 20)
    expect(branch.children).toEqual([3, 4, 5])
    expect(branch.keys).toEqual(sampleBranch().keys)
    expect(decodeMeta(encodeMeta(META), 1)).toEqual(META)
    expect(decodeFreelistPage(samples.freelist!(), 12, 20)).toEqual({ pages: [2, 3, 19], next: 0 })
    const chain = decodeChainPage(PageType.OVERFLOW, samples.overflow!(), 13, 20)
    expect(new TextDecoder().decode(chain.data)).toBe('hello overflow')
    expect(chain.next).toBe(14)
  })

  it('rejects a page written to the wrong place and a meta in the wrong slot', () => {
    expect(() => decodeNode(samples.leaf!(), 11, limits, 20)).toThrow(/misdirected/)
    expect(() => decodeMeta(encodeMeta(META), 0)).toThrow(LivingDbError)
  })

  for (const [name, decode] of Object.entries(decoders)) {
    it(`${name} decoder gives only typed errors on mutated bytes (seed ${SEED})`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(511), fc.nat(255)), { minLength: 1, maxLength: 6 }),
          fc.boolean(),
          fc.nat(512),
          (mutations, keepChecksumValid, truncateTo) => {
            let page = samples[name]!()
            for (const [offset, value] of mutations) page[offset] = value
            if (truncateTo < 40) page = page.subarray(0, truncateTo + 100)
            if (keepChecksumValid && page.length >= 128) reseal(page, name === 'meta' ? 128 : page.length)
            try {
              decode(page)
            } catch (error) {
              if (!LivingDbError.isInstance(error)) throw error
              expect(['CORRUPT_PAGE', 'FORMAT_UNSUPPORTED']).toContain(error.code)
            }
          },
        ),
        { seed: SEED, numRuns: 600 },
      )
    })
  }
})
