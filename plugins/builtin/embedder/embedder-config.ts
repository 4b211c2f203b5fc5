import { z } from 'zod'

/**
 * The embedder's config (given at registration, parsed in the worker).
 *
 * - `sourceKeyspace` / `prefix`: which records to embed (inside the plugin's read grant);
 * - `fields`: `'all'` string fields (recursively) or a list of JSON paths (`title`, `meta.summary`);
 * - `metadataFields`: JSON paths copied into each embedding's `metadata` (what vector filters see);
 * - `model`: `'offline'` (the hashing embedder, in the worker, no model call) or `'host'`
 *   (the host's guarded embedding model: budget, rate limit, ledger, audit);
 * - `modelId`: recorded in every embedding (`host` mode: name the model the host uses);
 * - `batchSize`: texts per embedding call; `maxTextLength`: characters embedded per record;
 * - `skipUnchanged`: do not embed again a record whose text did not change.
 */
export const embedderConfigSchema = z
  .object({
    sourceKeyspace: z.string().min(1).default('default'),
    prefix: z.string().default(''),
    fields: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
    metadataFields: z.array(z.string().min(1)).max(64).default([]),
    model: z.enum(['offline', 'host']).default('offline'),
    dimensions: z.number().int().min(16).max(8192).default(384),
    modelId: z.string().min(1).optional(),
    batchSize: z.number().int().min(1).max(4096).default(256),
    maxTextLength: z.number().int().min(1).max(1_000_000).default(32_000),
    skipUnchanged: z.boolean().default(true),
  })
  .strict()

/** The parsed embedder config. */
export type EmbedderConfig = z.output<typeof embedderConfigSchema>

/** The model id recorded in embeddings made under `config`. */
export function embedderModelId(config: EmbedderConfig): string {
  if (config.model === 'offline') return `offline:hash-${config.dimensions}`
  return config.modelId ?? 'host:default'
}
