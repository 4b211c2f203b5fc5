import { createEmbedderPlugin } from '../create-embedder-plugin.js'

/** The embedder with access to the host's model (for tests of `model: 'host'`). */
export default createEmbedderPlugin({ read: [{ keyspace: 'default', prefix: 'notes/' }], modelBudget: { maxTokens: 10_000_000 } })
