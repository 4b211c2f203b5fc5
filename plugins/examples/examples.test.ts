import { describe, expect, it } from 'vitest'

// The examples are plain JavaScript packages (what the sandbox runs); load them as such.
type Hook = (args: Record<string, unknown>) => Promise<{ writes: { type: string; keyspace: string; key: string; value?: unknown }[] }> | { writes: { type: string; keyspace: string; key: string; value?: unknown }[] }
interface ExamplePlugin {
  name: string
  configSchema: { safeParse(value: unknown): { success: boolean; data?: unknown } }
  hooks: { onCommit: { handler: Hook } }
}
const load = async <T>(path: string): Promise<T> => (await import(new URL(path, import.meta.url).href)) as T
const pii = (await load<{ default: ExamplePlugin }>('./pii-scanner/index.js')).default
const { scanValue } = await load<{ scanValue: (value: unknown, kinds: readonly string[]) => { counts: Record<string, number>; fields: string[] } }>('./pii-scanner/detect-personal-data.js')
const tagger = (await load<{ default: ExamplePlugin }>('./topic-tagger/index.js')).default
const { parseTopics, recordText } = await load<{ parseTopics: (reply: string, limit: number) => string[]; recordText: (value: unknown) => string }>('./topic-tagger/parse-topics.js')

const ALL = ['email', 'phone', 'payment-card', 'us-ssn', 'iban', 'ip-address']
const commit = (txnId: number, operations: unknown[]) => ({ txnId, timestamp: 0, origin: 'app', operations })

describe('pii-scanner', () => {
  it('finds each kind of personal data, validated, and reports only kinds and paths', () => {
    const scan = scanValue(
      {
        contact: { email: 'dana@example.com', phone: '+1 415 555 0100' },
        billing: ['card 4111 1111 1111 1111', 'iban DE89 3704 0044 0532 0130 00'],
        ssn: '123-45-6789',
        seen: 'from 192.168.10.7',
      },
      ALL,
    )
    expect(scan.counts).toEqual({ email: 1, phone: 1, 'payment-card': 1, iban: 1, 'us-ssn': 1, 'ip-address': 1 })
    expect(scan.fields).toEqual(['$.contact.email', '$.contact.phone', '$.billing[0]', '$.billing[1]', '$.ssn', '$.seen'])
  })

  it('does not flag ordinary text, dates, versions or numbers that fail the checksums', () => {
    const scan = scanValue({ text: 'Release 1.4.2 ships on 2026-11-24 with 3 fixes; order 4111 1111 1111 1112; code 666-12-3456', count: 12345678 }, ALL)
    expect(scan.counts).toEqual({})
  })

  it('writes a flag per record with personal data and deletes it when the data goes', async () => {
    const config = pii.configSchema.safeParse({}).data
    const result = await pii.hooks.onCommit.handler({
      config,
      commits: [
        commit(1, [{ type: 'put', keyspace: 'default', key: 'people/1', value: { email: 'dana@example.com' } }]),
        commit(2, [{ type: 'put', keyspace: 'default', key: 'notes/1', value: 'nothing personal here' }]),
        commit(3, [{ type: 'delete', keyspace: 'default', key: 'people/2' }]),
      ],
    })
    expect(result.writes).toEqual([
      { type: 'put', keyspace: 'pii-scanner', key: 'flags/default/people/1', value: { keyspace: 'default', key: 'people/1', kinds: { email: 1 }, fields: ['$.email'], txnId: 1 } },
      { type: 'delete', keyspace: 'pii-scanner', key: 'flags/default/notes/1' },
      { type: 'delete', keyspace: 'pii-scanner', key: 'flags/default/people/2' },
    ])
    expect(JSON.stringify(result.writes)).not.toContain('dana@example.com')
    expect(pii.configSchema.safeParse({ kinds: ['email', 'dna'] }).success).toBe(false)
  })
})

describe('topic-tagger', () => {
  it('reads tags from JSON topics, arrays or plain lists, normalised and capped', () => {
    expect(parseTopics('{"topics":[{"phrase":"Plugin Sandbox","weight":2},{"phrase":"release"}]}', 5)).toEqual(['plugin sandbox', 'release'])
    expect(parseTopics('["Alpha", "beta", "alpha", "x"]', 5)).toEqual(['alpha', 'beta'])
    expect(parseTopics('databases, storage engines\nB+trees!', 2)).toEqual(['databases', 'storage engines'])
    expect(recordText({ title: 'Title', body: 'Body', other: 'ignored' })).toBe('Title\n\nBody')
    expect(recordText({ nested: { deep: ['a', 'b'] } })).toBe('a\n\nb')
  })

  it('asks the guarded model for tags and keeps the tag index in step with rewrites', async () => {
    const prompts: string[] = []
    const model = {
      async generateText(args: { prompt: string; system: string }) {
        prompts.push(args.prompt)
        expect(args.system).toContain('task: topics')
        return { text: '{"topics":["storage","replication"]}', usage: { inputTokens: 10, outputTokens: 5 } }
      },
    }
    const own = new Map<string, unknown>([['records/notes/1', { tags: ['storage', 'old topic'], txnId: 1 }]])
    const read = { get: async ({ key }: { key: string }) => own.get(key) }
    const config = tagger.configSchema.safeParse({}).data
    const result = await tagger.hooks.onCommit.handler({
      config,
      model,
      read,
      commits: [commit(7, [{ type: 'put', keyspace: 'default', key: 'notes/1', value: { text: 'Storage engines and their replication protocols.' } }, { type: 'put', keyspace: 'default', key: 'notes/2', value: 'short' }])],
    })
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toContain('<document>Storage engines and their replication protocols.</document>')
    expect(result.writes).toEqual([
      { type: 'delete', keyspace: 'topic-tagger', key: 'tags/old topic/notes/1' },
      { type: 'put', keyspace: 'topic-tagger', key: 'tags/storage/notes/1', value: 7 },
      { type: 'put', keyspace: 'topic-tagger', key: 'tags/replication/notes/1', value: 7 },
      { type: 'put', keyspace: 'topic-tagger', key: 'records/notes/1', value: { tags: ['storage', 'replication'], txnId: 7 } },
    ])
    expect(tagger.configSchema.safeParse({ maxTags: 0 }).success).toBe(false)
  })
})
