import { definePlugin } from '../../spec/index.js'
import { DEFAULT_EXTRACTION_KEYSPACE } from '../../../cartridges/entities/index.js'
import { entityExtractorConfigSchema } from './entity-extractor-config.js'
import { extractCommits, pluginExtractionCall } from './extract-commits.js'

/** The version recorded in every extraction record (`entity-extractor@<version>`). */
export const ENTITY_EXTRACTOR_VERSION = '1.0.0'

/**
 * The entity-extractor plugin: reads app records (key prefix and fields from its
 * config), asks the host's guarded model (the offline model unless another is
 * configured) for entities, topics and relationships with `generateObject` — several
 * records per call — and writes one extraction record per source record to its keyspace
 * `entity-extractor` (`x/<keyspace>/<key>`). The entities and relationships cartridges
 * consume those records, so they rebuild from the commit stream without model calls.
 *
 * @example
 * const host = await createPluginHost({ db, models: createLlmModelAccess(), plugins: [{ module: 'livingdb/plugins/builtin/entity-extractor', config: { keyPrefix: 'notes/', fields: ['title', 'body'] } }] })
 */
export const entityExtractorPlugin = definePlugin({
  name: 'entity-extractor',
  version: ENTITY_EXTRACTOR_VERSION,
  apiVersion: 1,
  description: 'Extracts entities, topics and relationships from records for the entities and relationships cartridges.',
  configSchema: entityExtractorConfigSchema,
  permissions: {
    read: [{ keyspace: 'default' }],
    write: [DEFAULT_EXTRACTION_KEYSPACE],
    model: { budget: { maxTokens: 50_000_000 } },
    network: false,
  },
  hooks: {
    onCommit: {
      batch: { maxCommits: 64, maxWaitMs: 20 },
      timeoutMs: 120_000,
      async handler({ commits, config, model, plugin }) {
        const writes = await extractCommits({ commits, config, call: pluginExtractionCall(model), plugin: `${plugin.name}@${plugin.version}` })
        return { writes }
      },
    },
  },
})

export default entityExtractorPlugin
