import type { Database } from '../../core/index.js'
import { seededRandom } from './seeded-random.js'

/** A dataset with a hot and a cold key range, and the values written (the reference model). */
export interface HotColdDataset {
  readonly hotKeys: readonly string[]
  readonly coldKeys: readonly string[]
  readonly model: Map<string, unknown>
  readonly seed: number
}

const WORDS = ['invoice', 'shipment', 'oslo', 'ferry', 'contract', 'renewal', 'pending', 'approved', 'warehouse', 'customer', 'meeting', 'quarterly', 'budget', 'review']

/** A JSON record of roughly `bytes` bytes made of repetitive words (compressible like real text). */
export function sampleRecord(random: () => number, index: number, bytes: number): Record<string, unknown> {
  const words: string[] = []
  while (words.join(' ').length < bytes - 80) words.push(WORDS[Math.floor(random() * WORDS.length)]!)
  return { id: index, status: random() < 0.3 ? 'open' : 'done', amount: Math.round(random() * 10_000) / 100, text: words.join(' ') }
}

/** Writes `hot` + `cold` records (`hot/NNNN`, `cold/NNNN`) in batches; returns the model. */
export async function writeHotColdDataset(args: { readonly db: Database; readonly hot: number; readonly cold: number; readonly bytes: number; readonly seed?: number }): Promise<HotColdDataset> {
  const random = seededRandom(args.seed)
  const model = new Map<string, unknown>()
  const hotKeys = Array.from({ length: args.hot }, (_, index) => `hot/${String(index).padStart(5, '0')}`)
  const coldKeys = Array.from({ length: args.cold }, (_, index) => `cold/${String(index).padStart(5, '0')}`)
  const all = [...hotKeys, ...coldKeys]
  for (let start = 0; start < all.length; start += 200) {
    await args.db.write((transaction) => {
      for (const key of all.slice(start, start + 200)) {
        const value = key.startsWith('cold/') && random.next() < 0.1 ? new Uint8Array(Buffer.from(sampleRecord(random.next, start, args.bytes).text as string)) : sampleRecord(random.next, start, args.bytes)
        transaction.put(key, value as never)
        model.set(key, value)
      }
    })
  }
  return { hotKeys, coldKeys, model, seed: random.seed }
}
