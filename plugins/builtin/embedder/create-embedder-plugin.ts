import { definePlugin, type PluginDefinition, type PluginReadGrant } from '../../spec/index.js'
import { embedCommits } from './embed-commits.js'
import { type EmbedderConfig, embedderConfigSchema } from './embedder-config.js'

/** Options of {@link createEmbedderPlugin}: what the plugin is granted (fixed at definition time). */
export interface EmbedderPluginOptions {
  /** Plugin name (default `embedder`). */
  readonly name?: string
  /** What it may read, i.e. whose commits it sees (default: the whole `default` keyspace). */
  readonly read?: readonly PluginReadGrant[]
  /** The keyspace it writes embeddings to (default `embeddings`, the vectors cartridge's default source). */
  readonly outputKeyspace?: string
  /** Ask for the host's model (with this token budget) for `model: 'host'` configs; default: no model access. */
  readonly modelBudget?: { readonly maxTokens?: number; readonly maxCostUsd?: number }
  /** Commits per batch (default 512) and per-batch timeout (default 60 s). */
  readonly maxCommitsPerBatch?: number
  readonly timeoutMs?: number
}

/** The embedder plugin's version (recorded as provenance `embedder@<version>`). */
export const EMBEDDER_PLUGIN_VERSION = '1.0.0'

/**
 * Defines an embedder plugin: it embeds the text fields of records (a key prefix, JSON
 * paths or all string fields) and writes one embedding record per source key to its
 * keyspace, which the vectors cartridge indexes. Export the result from a module and
 * register that module with the plugin host.
 *
 * @example
 * // my-embedder.ts
 * export default createEmbedderPlugin({ read: [{ keyspace: 'default', prefix: 'notes/' }] })
 * // host registration
 * createPluginHost({ db, plugins: [{ module: './my-embedder.ts', config: { prefix: 'notes/', fields: ['title', 'body'] } }] })
 */
export function createEmbedderPlugin(options: EmbedderPluginOptions = {}): PluginDefinition<EmbedderConfig> {
  const outputKeyspace = options.outputKeyspace ?? 'embeddings'
  return definePlugin<EmbedderConfig>({
    name: options.name ?? 'embedder',
    version: EMBEDDER_PLUGIN_VERSION,
    apiVersion: 1,
    description: 'Embeds the text fields of records (offline hashing embedder by default) for the vectors cartridge.',
    configSchema: embedderConfigSchema,
    permissions: {
      read: options.read ?? [{ keyspace: 'default' }],
      write: [outputKeyspace],
      ...(options.modelBudget === undefined ? {} : { model: { budget: options.modelBudget } }),
      network: false,
    },
    hooks: {
      onCommit: {
        batch: { maxCommits: options.maxCommitsPerBatch ?? 512, maxWaitMs: 10 },
        timeoutMs: options.timeoutMs ?? 60_000,
        handler: async ({ commits, config, read, model }) => ({ writes: await embedCommits({ commits, config, outputKeyspace, read, model }) }),
      },
    },
  })
}
