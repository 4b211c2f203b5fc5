import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import { embedText } from '../../llm/providers/offline/offline-embedding-model.js'
import { type CartridgeReader, type CartridgeV1, canonicalFingerprint, defineCartridge, defineCartridgeQuery } from '../spec/index.js'
import { applyVectors, type StoredForwardRecord, type VectorsConfig } from './apply-vectors.js'
import { searchVectors, type VectorSearchResult } from './search-vectors.js'
import { type VectorFilter, vectorFilterSchema } from './vector-filter.js'
import { type VectorMetric, VECTOR_METRICS } from './vector-math.js'
import { floatsFromBytes } from './vector-record.js'
import { readVectorsState } from './vectors-state.js'
import { vectorsKeys } from './vectors-keys.js'

/** Options of {@link createVectorsCartridge}. */
export interface VectorsCartridgeOptions {
  /** Cartridge name (default `vectors`); also its keyspace unless `keyspace` is given. */
  readonly name?: string
  readonly keyspace?: string
  /** The records holding vectors (default: the `embeddings` keyspace the embedder plugin writes). */
  readonly source?: { readonly keyspace?: string; readonly prefix?: string }
  /** Default `cosine`. The graph is built for this metric; searches with another one are exact. */
  readonly metric?: VectorMetric
  /** Neighbours per node (default 16; layer 0 keeps 2·m). */
  readonly m?: number
  /** Candidate list size while inserting (default 128). */
  readonly efConstruction?: number
  /** Default candidate list size of searches (default 64; a query may pass `ef`). */
  readonly efSearch?: number
  /** Fixed vector length (default: set by the first vector). */
  readonly dimensions?: number
  /** JSON path of the vector in a record (default `vector`). */
  readonly vectorField?: string
  /** Metadata for filters: the record's `metadata` object (default) or a list of JSON paths. */
  readonly metadataFields?: 'metadata' | readonly string[]
  /** The embedding model that made the vectors (`provider:model`); a change rebuilds the index. Default null (offline hashing embedder). */
  readonly modelId?: string | null
  /**
   * Embeds the text of a `search({ text })` synchronously. Default: the offline hashing
   * embedder when `modelId` is null or `offline:*`; otherwise text queries need this.
   */
  readonly embedQuery?: (text: string, dimensions: number) => ArrayLike<number>
}

/** The version recorded in provenance (`vectors@<version>`). */
export const VECTORS_CARTRIDGE_VERSION = '1.0.0'

const hitSchema = z.object({ key: z.string(), score: z.number(), distance: z.number(), metadata: z.record(z.string(), z.unknown()) })
const resultSchema = z.object({ hits: z.array(hitSchema), strategy: z.enum(['hnsw', 'hnsw-filtered', 'exact', 'exact-filtered']), txnId: z.number().int() })
const vectorSchema = z.array(z.number()).min(1).max(8192)

function positiveInteger(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new LivingDbError('CARTRIDGE_INVALID', `Vectors option ${name} must be an integer from 1 to ${max}, got ${String(value)}.`, { details: { option: name } })
  }
  return value
}

/**
 * An approximate nearest-neighbour index (HNSW) over vectors in records, stored in the
 * database's pages (vectors, neighbour lists per layer, entry point) with an in-memory
 * graph cache for query speed; exact search as fallback; cosine, dot and L2 metrics;
 * metadata filters. Queries: `search`, `similar`, `get`.
 *
 * @example
 * const vectors = await openCartridge({ db, cartridge: createVectorsCartridge({ source: { keyspace: 'embeddings' } }) })
 * vectors.query('search', { text: 'billing migration', k: 5, filter: { field: 'team', eq: 'billing' } })
 */
export function createVectorsCartridge(options: VectorsCartridgeOptions = {}): CartridgeV1 {
  const name = options.name ?? 'vectors'
  const keyspace = options.keyspace ?? name
  const source = { keyspace: options.source?.keyspace ?? 'embeddings', prefix: options.source?.prefix ?? '' }
  const metric = options.metric ?? 'cosine'
  if (!VECTOR_METRICS.includes(metric)) throw new LivingDbError('CARTRIDGE_INVALID', `Vectors option metric must be one of ${VECTOR_METRICS.join(', ')}, got ${JSON.stringify(metric)}.`, { details: { option: 'metric' } })
  const m = positiveInteger('m', options.m ?? 16, 64)
  if (m < 2) throw new LivingDbError('CARTRIDGE_INVALID', 'Vectors option m must be at least 2.', { details: { option: 'm' } })
  const efConstruction = positiveInteger('efConstruction', options.efConstruction ?? 128, 4096)
  const efSearch = positiveInteger('efSearch', options.efSearch ?? 64, 10_000)
  const dimensions = options.dimensions === undefined ? undefined : positiveInteger('dimensions', options.dimensions, 8192)
  const fields = { vectorField: options.vectorField ?? 'vector', metadataFields: options.metadataFields ?? 'metadata' } as const
  const modelId = options.modelId ?? null
  const fingerprint = { source, metric, m, efConstruction, dimensions: dimensions ?? null, vectorField: fields.vectorField, metadataFields: fields.metadataFields === 'metadata' ? 'metadata' : [...fields.metadataFields] }
  const config: VectorsConfig = {
    keyspace,
    parameters: { metric, m, efConstruction },
    ...(dimensions === undefined ? {} : { dimensions }),
    fields,
    cacheId: `${name}/${keyspace}/${canonicalFingerprint(fingerprint)}`,
  }
  const embedQuery = options.embedQuery ?? (modelId === null || modelId.startsWith('offline:') ? (text: string, size: number) => embedText(text, size) : undefined)

  const queryVector = (input: { vector?: number[]; text?: string }, reader: CartridgeReader): ArrayLike<number> => {
    if (input.vector !== undefined) return input.vector
    if (embedQuery === undefined) {
      throw new LivingDbError('CARTRIDGE_QUERY_INVALID', `Cartridge "${name}" holds vectors of ${String(modelId)} and cannot embed query text itself. Pass \`vector\` (embed the text with that model first) or configure embedQuery.`, { details: { cartridge: name } })
    }
    const stored = readVectorsState(reader.keyspace(keyspace)).dimensions ?? dimensions ?? 384
    return embedQuery(input.text ?? '', stored)
  }

  const search = defineCartridgeQuery({
    name: 'search',
    description: 'Nearest records to a vector or a text (embedded like the records): HNSW, exact for another metric or very selective metadata filters. Returns keys with scores (higher is closer), best first.',
    input: z
      .object({
        vector: vectorSchema.optional(),
        text: z.string().max(100_000).optional(),
        k: z.number().int().min(0).max(1000).default(10),
        metric: z.enum(VECTOR_METRICS).optional(),
        filter: vectorFilterSchema.optional(),
        prefix: z.string().min(1).optional().describe('Only records whose key starts with this prefix (a `$key` prefix filter).'),
        ef: z.number().int().min(1).max(10_000).optional(),
        exact: z.boolean().optional(),
      })
      .strict()
      .refine((input) => (input.vector === undefined) !== (input.text === undefined), 'give exactly one of vector or text'),
    output: resultSchema,
    run: ({ input, reader }): VectorSearchResult => {
      const byPrefix: VectorFilter | undefined = input.prefix === undefined ? undefined : { field: '$key', prefix: input.prefix }
      const filter = byPrefix === undefined ? input.filter : input.filter === undefined ? byPrefix : { and: [input.filter, byPrefix] }
      return searchVectors({
        config,
        keyspace: reader.keyspace(keyspace),
        txnId: reader.txnId,
        vector: queryVector(input, reader),
        k: input.k,
        ef: input.ef ?? efSearch,
        ...(input.metric === undefined ? {} : { metric: input.metric }),
        ...(filter === undefined ? {} : { filter }),
        ...(input.exact === undefined ? {} : { exact: input.exact }),
      })
    },
  })

  const similar = defineCartridgeQuery({
    name: 'similar',
    description: 'Records nearest to an indexed record (more like this), excluding the record itself.',
    input: z.object({ key: z.string().min(1), k: z.number().int().min(0).max(1000).default(10), filter: vectorFilterSchema.optional(), ef: z.number().int().min(1).max(10_000).optional() }).strict(),
    output: resultSchema,
    run: ({ input, reader }): VectorSearchResult => {
      const space = reader.keyspace(keyspace)
      const record = space.get(vectorsKeys.forward(input.key)) as unknown as StoredForwardRecord | undefined
      if (record === undefined) return { hits: [], strategy: 'hnsw', txnId: reader.txnId }
      const vector = floatsFromBytes(space.get(vectorsKeys.vector(record.node)) as Uint8Array)
      const notItself = { not: { field: '$key', eq: input.key } }
      const filter = input.filter === undefined ? notItself : { and: [input.filter, notItself] }
      return searchVectors({ config, keyspace: space, txnId: reader.txnId, vector, k: input.k, ef: input.ef ?? efSearch, filter })
    },
  })

  const get = defineCartridgeQuery({
    name: 'get',
    description: 'The indexed vector and metadata of one record key, or null when it is not indexed.',
    input: z.object({ key: z.string().min(1) }).strict(),
    output: z.object({ key: z.string(), vector: z.array(z.number()), metadata: z.record(z.string(), z.unknown()) }).nullable(),
    run: ({ input, reader }) => {
      const space = reader.keyspace(keyspace)
      const record = space.get(vectorsKeys.forward(input.key)) as unknown as StoredForwardRecord | undefined
      if (record === undefined) return null
      return { key: record.key, vector: Array.from(floatsFromBytes(space.get(vectorsKeys.vector(record.node)) as Uint8Array)), metadata: { ...record.metadata } }
    },
  })

  return defineCartridge({
    specificationVersion: 'v1',
    name,
    version: VECTORS_CARTRIDGE_VERSION,
    formatVersion: 1,
    modelId,
    fingerprint,
    keyspaces: [keyspace],
    sources: [source],
    apply: (args) => applyVectors(config, args),
    queries: [search, similar, get],
    stats({ reader }) {
      const state = readVectorsState(reader.keyspace(keyspace))
      return { vectors: state.live, nodes: state.nodes, tombstones: state.nodes - state.live, rejected: state.rejected, dimensions: state.dimensions, metric, m, efConstruction, efSearch, maxLevel: state.maxLevel }
    },
    *listFacts({ reader }) {
      for (const prefix of [vectorsKeys.forwardPrefix, vectorsKeys.rejectedPrefix]) {
        for (const entry of reader.keyspace(keyspace).scan({ prefix })) yield { keyspace, key: entry.key as string, provenance: (entry.value as unknown as StoredForwardRecord).provenance }
      }
    },
  })
}
