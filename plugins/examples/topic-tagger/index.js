// topic-tagger: a livingdb plugin (spec v1) that assigns topic tags to records through
// the host's guarded model client (budget, rate limit, ledger and audit apply; the
// offline model answers when no other model is configured). It keeps
//   records/<key>      = { tags, txnId }
//   tags/<tag>/<key>   = txnId            (an index from tag to records)
// in its own keyspace.
import { parseTopics, recordText } from './parse-topics.js'

const KEYSPACE = 'topic-tagger'
const SYSTEM = [
  'task: topics',
  'You assign topic tags to a database record. Reply with JSON only: {"topics": ["tag", ...]},',
  'at most the number of tags asked for, each a short lower-case noun phrase.',
].join('\n')

/** Config: `{ maxTags?: number (1-20, default 5), minLength?: number (default 20 characters) }`. */
const configSchema = {
  safeParse(value) {
    const config = value ?? {}
    const maxTags = config.maxTags ?? 5
    const minLength = config.minLength ?? 20
    if (!Number.isInteger(maxTags) || maxTags < 1 || maxTags > 20) return { success: false, error: { message: 'maxTags must be an integer from 1 to 20' } }
    if (!Number.isInteger(minLength) || minLength < 0) return { success: false, error: { message: 'minLength must be a non-negative integer' } }
    return { success: true, data: { maxTags, minLength } }
  },
}

const recordKey = (key) => `records/${key}`
const tagKey = (tag, key) => `tags/${tag}/${key}`

export default {
  name: 'topic-tagger',
  version: '1.0.0',
  apiVersion: 1,
  description: 'Tags records with their topics through the guarded model client.',
  configSchema,
  permissions: {
    read: [{ keyspace: 'default' }],
    write: [KEYSPACE],
    model: { budget: { maxTokens: 500000 } },
    network: false,
  },
  hooks: {
    onCommit: {
      batch: { maxCommits: 50, maxWaitMs: 20 },
      timeoutMs: 60_000,
      async handler({ commits, config, read, model }) {
        const latest = new Map()
        for (const commit of commits) for (const operation of commit.operations) latest.set(operation.key, { commit, operation })
        const writes = []
        for (const [key, { commit, operation }] of latest) {
          const previous = await read.get({ keyspace: KEYSPACE, key: recordKey(key) })
          const oldTags = Array.isArray(previous?.tags) ? previous.tags : []
          let tags = []
          const text = operation.type === 'put' ? recordText(operation.value).trim() : ''
          if (text.length >= config.minLength) {
            const reply = await model.generateText({
              system: SYSTEM,
              prompt: `Give at most ${config.maxTags} topic tags for this record:\n<document>${text.slice(0, 8_000)}</document>`,
              task: 'extraction',
              maxOutputTokens: 400,
            })
            tags = parseTopics(reply.text, config.maxTags)
          }
          for (const tag of oldTags) if (!tags.includes(tag)) writes.push({ type: 'delete', keyspace: KEYSPACE, key: tagKey(tag, key) })
          for (const tag of tags) writes.push({ type: 'put', keyspace: KEYSPACE, key: tagKey(tag, key), value: commit.txnId })
          if (tags.length === 0) {
            if (previous !== undefined) writes.push({ type: 'delete', keyspace: KEYSPACE, key: recordKey(key) })
          } else writes.push({ type: 'put', keyspace: KEYSPACE, key: recordKey(key), value: { tags, txnId: commit.txnId } })
        }
        return { writes }
      },
    },
  },
}
