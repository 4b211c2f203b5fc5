import { z } from 'zod'

/**
 * Config of the entity-extractor plugin: which records it reads (keyspace, key prefix,
 * fields as JSON paths or `'all'` string fields) and how it batches model calls.
 */
export const entityExtractorConfigSchema = z
  .object({
    /** Keyspace of the records (must be inside the plugin's read grant; default `default`). */
    keyspace: z.string().min(1).default('default'),
    /** Only keys starting with this prefix (default: every key). */
    keyPrefix: z.string().default(''),
    /** JSON paths of the text fields (`title`, `meta.summary`) or `'all'` string fields. */
    fields: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
    /** Records per model call (default 8). */
    recordsPerCall: z.number().int().min(1).max(256).default(8),
    /** Characters of record text per model call before a new call starts (default 12,000). */
    maxCharactersPerCall: z.number().int().min(100).default(12_000),
    /** Entities and relationships below this confidence are dropped (default 0.5). */
    minConfidence: z.number().min(0).max(1).default(0.5),
    /**
     * `delivery` (default): records of a whole delivered batch share model calls (fewest
     * tokens). `commit`: only records of one commit share a call, so the requests do not
     * depend on how the host cut batches and a re-run with the ledger in replay mode finds
     * every answer.
     */
    grouping: z.enum(['delivery', 'commit']).default('delivery'),
    /** Model calls in flight at once (default 4). */
    maxConcurrentCalls: z.number().int().min(1).max(64).default(4),
  })
  .strict()

/** The parsed config. */
export type EntityExtractorConfig = z.infer<typeof entityExtractorConfigSchema>
