// pii-scanner: a livingdb plugin (spec v1) that flags records holding personal data.
// It runs as an untrusted marketplace plugin: plain JavaScript, no imports outside its
// package, capabilities only through the hook context.
import { PERSONAL_DATA_KINDS, scanValue } from './detect-personal-data.js'

const KEYSPACE = 'pii-scanner'

/** Config: `{ kinds?: string[] }`, the kinds to look for (default: all). */
const configSchema = {
  safeParse(value) {
    const config = value ?? {}
    if (typeof config !== 'object' || Array.isArray(config)) return { success: false, error: { message: 'config must be an object' } }
    const kinds = config.kinds ?? PERSONAL_DATA_KINDS
    if (!Array.isArray(kinds) || kinds.some((kind) => !PERSONAL_DATA_KINDS.includes(kind))) {
      return { success: false, error: { message: `kinds must be a list of ${PERSONAL_DATA_KINDS.join(', ')}` } }
    }
    return { success: true, data: { kinds } }
  },
}

/** The key of a record's flag: `flags/<keyspace>/<key>`. */
export function flagKey(keyspace, key) {
  return `flags/${keyspace}/${key}`
}

export default {
  name: 'pii-scanner',
  version: '1.0.0',
  apiVersion: 1,
  description: 'Flags records that contain personal data into its own keyspace.',
  configSchema,
  permissions: {
    read: [{ keyspace: 'default' }],
    write: [KEYSPACE],
    network: false,
  },
  hooks: {
    onCommit: {
      batch: { maxCommits: 500, maxWaitMs: 20 },
      timeoutMs: 10_000,
      handler({ commits, config }) {
        // The last operation on a key in the batch decides its flag.
        const latest = new Map()
        for (const commit of commits) {
          for (const operation of commit.operations) latest.set(flagKey(operation.keyspace, operation.key), { commit, operation })
        }
        const writes = []
        for (const [key, { commit, operation }] of latest) {
          const scan = operation.type === 'put' ? scanValue(operation.value, config.kinds) : undefined
          if (scan === undefined || scan.fields.length === 0) {
            writes.push({ type: 'delete', keyspace: KEYSPACE, key })
            continue
          }
          writes.push({
            type: 'put',
            keyspace: KEYSPACE,
            key,
            value: { keyspace: operation.keyspace, key: operation.key, kinds: scan.counts, fields: scan.fields.slice(0, 50), txnId: commit.txnId },
          })
        }
        return { writes }
      },
    },
  },
}
