/** The built-in embedder plugin: embeds record text for the vectors cartridge. */
export { createEmbedderPlugin, EMBEDDER_PLUGIN_VERSION, type EmbedderPluginOptions } from './create-embedder-plugin.js'
export { embedderConfigSchema, embedderModelId, type EmbedderConfig } from './embedder-config.js'
export { embedCommits, type EmbedCommitsArgs, type EmbeddingRecord } from './embed-commits.js'
