import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import { type CartridgeV1, defineCartridge, defineCartridgeQuery } from '../spec/index.js'
import { applyTopics, type TopicsForwardRecord } from './apply-topics.js'
import { type Bm25Parameters, DEFAULT_BM25 } from './bm25.js'
import type { TextFields } from './extract-text.js'
import { searchTopics } from './search-topics.js'
import { topicsKeys } from './topics-keys.js'

/** Options of {@link createTopicsCartridge}. */
export interface TopicsCartridgeOptions {
  /** Cartridge name (default `topics`); also its keyspace unless `keyspace` is given. */
  readonly name?: string
  readonly keyspace?: string
  /** The records to index (default: every key of the default keyspace). */
  readonly source?: { readonly keyspace?: string; readonly prefix?: string }
  /** Which fields are text (default `'all'` string fields). */
  readonly fields?: TextFields
  /** Postings per segment (default 96: a segment stays inline in a 4 KiB page). */
  readonly segmentSize?: number
  /** Query-time BM25 parameters (default k1 = 1.2, b = 0.75). */
  readonly bm25?: Bm25Parameters
}

/** The version recorded in provenance (`topics@<version>`). */
export const TOPICS_CARTRIDGE_VERSION = '1.0.0'

const hitSchema = z.object({ key: z.string(), score: z.number() })

/**
 * A BM25 inverted index over text fields of records under a prefix, with segmented
 * postings (adding a document is O(1) in the size of any posting list). Query:
 * `search({ query, limit, prefix? })` → `[{ key, score }]`, best first.
 *
 * @example
 * const topics = await openCartridge({ db, cartridge: createTopicsCartridge({ source: { prefix: 'notes/' }, fields: ['title', 'body'] }) })
 * topics.query('search', { query: 'winter in oslo', limit: 10 })
 */
export function createTopicsCartridge(options: TopicsCartridgeOptions = {}): CartridgeV1 {
  const name = options.name ?? 'topics'
  const keyspace = options.keyspace ?? name
  const source = { keyspace: options.source?.keyspace ?? 'default', prefix: options.source?.prefix ?? '' }
  const fields = options.fields ?? 'all'
  const segmentSize = options.segmentSize ?? 96
  const parameters = options.bm25 ?? DEFAULT_BM25
  if (!Number.isSafeInteger(segmentSize) || segmentSize < 1 || segmentSize > 100_000) {
    throw new LivingDbError('CARTRIDGE_INVALID', `Topics option segmentSize must be an integer from 1 to 100,000, got ${String(segmentSize)}.`, { details: { option: 'segmentSize' } })
  }
  if (!(parameters.k1 >= 0) || !(parameters.b >= 0 && parameters.b <= 1)) {
    throw new LivingDbError('CARTRIDGE_INVALID', `Topics option bm25 needs k1 >= 0 and 0 <= b <= 1, got ${JSON.stringify(parameters)}.`, { details: { option: 'bm25' } })
  }
  const search = defineCartridgeQuery({
    name: 'search',
    description: 'Full-text BM25 search over the indexed text fields; returns the best-matching record keys with scores, best first.',
    input: z.object({ query: z.string().max(10_000), limit: z.number().int().min(0).max(10_000).default(10), prefix: z.string().optional() }),
    output: z.array(hitSchema),
    run: ({ input, reader }) => searchTopics({ keyspace: reader.keyspace(keyspace), query: input.query, limit: input.limit, prefix: input.prefix, parameters }),
  })
  return defineCartridge({
    specificationVersion: 'v1',
    name,
    version: TOPICS_CARTRIDGE_VERSION,
    formatVersion: 1,
    modelId: null,
    fingerprint: { source, fields: fields === 'all' ? 'all' : [...fields], segmentSize, tokenizer: 'words-stopwords-plural-v1' },
    recipe: { kind: 'topics', options: { name, keyspace, source, fields: fields === 'all' ? 'all' : [...fields], segmentSize, bm25: { k1: parameters.k1, b: parameters.b } } },
    keyspaces: [keyspace],
    sources: [source],
    apply: (args) => applyTopics({ keyspace, fields, segmentSize }, args),
    queries: [search],
    stats({ reader }) {
      const stats = reader.keyspace(keyspace).get(topicsKeys.stats) as [number, number, number] | undefined
      const [documents, totalLength] = stats ?? [0, 0]
      return { documents, totalLength, averageLength: documents === 0 ? 0 : totalLength / documents, segmentSize }
    },
    *listFacts({ reader }) {
      for (const entry of reader.keyspace(keyspace).scan({ prefix: topicsKeys.forwardPrefix })) {
        yield { keyspace, key: entry.key as string, provenance: (entry.value as unknown as TopicsForwardRecord).provenance }
      }
    },
  })
}
