import { createEmbedderPlugin } from './create-embedder-plugin.js'

/**
 * The built-in embedder as a plugin module (register this file with the plugin host):
 * reads the whole `default` keyspace (narrow it with the `prefix` config), writes the
 * `embeddings` keyspace, and uses the offline hashing embedder unless configured with
 * `model: 'host'` (then register your own module with `createEmbedderPlugin({ modelBudget })`).
 */
export default createEmbedderPlugin()
