import { runCartridgeConformance } from '../conformance/index.js'
import { createEntitiesCartridge } from './create-entities-cartridge.js'
import { createCountingLedger } from './test-support/counting-ledger-guards.js'
import { generateEntityNotes } from './test-support/generate-entity-notes.js'

const ledger = createCountingLedger()

// The cartridge extracts with the offline model itself (input 'inline'), so the suite's
// ledger checks exercise real model calls: read-write on the first build, replay after.
runCartridgeConformance({
  name: 'entities (inline extraction)',
  createCartridge: ({ ledgerMode }) => ({
    cartridge: createEntitiesCartridge({ input: { kind: 'inline', records: { prefix: 'notes/', fields: ['title', 'body'] }, guards: ledger.guards(ledgerMode), batching: { recordsPerCall: 2 } } }),
    tokensUsed: ledger.tokensUsed,
  }),
  generateCommits: generateEntityNotes,
  commitCount: 80,
  sampleQueries: [
    { name: 'lookup', input: { name: 'acme' } },
    { name: 'lookup', input: { name: 'NYC', type: 'place' } },
    { name: 'listByType', input: { type: 'person' } },
    { name: 'mentions', input: { id: 'person:dana whitfield', limit: 5 } },
    { name: 'get', input: { id: 'organization:acme' } },
    { name: 'mentions', input: { id: 'organization:acme', limit: 50 } },
  ],
})
