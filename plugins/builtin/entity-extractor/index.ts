/** The entity-extractor plugin (default export of `entity-extractor.ts`) and its building blocks. */
export { default, ENTITY_EXTRACTOR_VERSION, entityExtractorPlugin } from './entity-extractor.js'
export { entityExtractorConfigSchema, type EntityExtractorConfig } from './entity-extractor-config.js'
export { extractCommits, pluginExtractionCall } from './extract-commits.js'
