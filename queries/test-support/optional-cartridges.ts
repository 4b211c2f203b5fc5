import { createEntitiesCartridge } from '../../cartridges/entities/index.js'
import type { Cartridge } from '../../cartridges/spec/index.js'
import { createRelationshipsCartridge } from '../../cartridges/relationships/index.js'
import { createVectorsCartridge } from '../../cartridges/vectors/index.js'
import type { Database } from '../../core/index.js'
import { embedCommits } from '../../plugins/builtin/embedder/embed-commits.js'
import { embedderConfigSchema } from '../../plugins/builtin/embedder/embedder-config.js'
import type { JsonValue, PluginCommit, PluginModelClient } from '../../plugins/spec/index.js'

/** The keyspace the embedder plugin writes and the vectors cartridge reads. */
export const EMBEDDINGS_KEYSPACE = 'embeddings'

/**
 * The entities and relationships cartridges (extracting inline with the offline model,
 * as a database without a plugin host does) and the vectors cartridge over the
 * embedder's keyspace.
 */
export function optionalCartridges(): Cartridge[] {
  return [createEntitiesCartridge({ input: { kind: 'inline' } }), createRelationshipsCartridge({ input: { kind: 'inline' } }), createVectorsCartridge({ source: { keyspace: EMBEDDINGS_KEYSPACE } })]
}

/**
 * Runs the embedder plugin's own batch logic (offline hashing embedder) over every
 * commit of the default keyspace and writes its output to the embeddings keyspace, as
 * the plugin host would after delivering those commits.
 */
export async function embedAllRecords(db: Database): Promise<void> {
  const commits: PluginCommit[] = []
  const head = db.txnId
  for await (const commit of db.commits({ from: 1 })) {
    commits.push({
      txnId: commit.txnId,
      timestamp: commit.timestamp,
      origin: commit.origin,
      operations: commit.ops.filter((operation) => typeof operation.key === 'string').map((operation) => ({ type: operation.type, keyspace: operation.keyspace, key: operation.key as string, ...(operation.value === undefined ? {} : { value: operation.value as JsonValue }) })),
    })
    if (commit.txnId >= head) break
  }
  const read = {
    get: async ({ keyspace, key }: { keyspace: string; key: string }) => db.read((snapshot) => snapshot.keyspace(keyspace).get(key) as JsonValue | undefined),
    scan: async () => [],
  }
  const unused = {} as PluginModelClient
  const writes = await embedCommits({ commits, config: embedderConfigSchema.parse({}), outputKeyspace: EMBEDDINGS_KEYSPACE, read, model: unused })
  await db.write((transaction) => {
    for (const write of writes) {
      if (write.type === 'put') transaction.keyspace(write.keyspace).put(write.key, write.value as JsonValue)
      else transaction.keyspace(write.keyspace).delete(write.key)
    }
  }, { origin: 'plugin:embedder' })
}
