import type { Catalog } from '../catalog/catalog-types.js'

/** A small hand-written catalog: tasks and people, a topics cartridge, txns 1..20. */
export function smallCatalog(overrides: Partial<Catalog> = {}): Catalog {
  return {
    txnId: 20,
    keyspaces: [
      {
        name: 'default',
        count: 7,
        countIsExact: true,
        prefixes: [
          {
            prefix: 'tasks/',
            count: 5,
            countIsExact: true,
            sampled: 5,
            nameField: 'title',
            fields: [
              { path: 'title', types: ['string'], present: 5, examples: ['Fix login'] },
              { path: 'status', types: ['string'], present: 5, examples: ['open'], values: ['open', 'done', 'in_progress'] },
              { path: 'priority', types: ['string'], present: 5, examples: ['high'], values: ['high', 'low'] },
              { path: 'assignee', types: ['key'], present: 5, examples: ['people/ada'], refersTo: ['people/'] },
              { path: 'createdOn', types: ['date'], present: 5, examples: ['2026-03-01'], min: '2026-01-02', max: '2026-03-10' },
              { path: 'estimate', types: ['number'], present: 5, examples: [3], min: 1, max: 8 },
            ],
          },
          {
            prefix: 'people/',
            count: 2,
            countIsExact: true,
            sampled: 2,
            nameField: 'name',
            fields: [
              { path: 'name', types: ['string'], present: 2, examples: ['Ada Lovelace'] },
              { path: 'team', types: ['string'], present: 2, examples: ['core'], values: ['core'] },
            ],
          },
        ],
      },
    ],
    cartridges: [{ name: 'topics', version: '1.0.0', keyspaces: ['topics'], sources: [{ keyspace: 'default', prefix: '' }], role: 'topics', queries: [] }],
    timeRange: { firstTxnId: 1, lastTxnId: 20, firstCommitTime: 1_700_000_000_000, lastCommitTime: 1_700_000_100_000, earliestDate: '2026-01-02', latestDate: '2026-03-10' },
    ...overrides,
  }
}
