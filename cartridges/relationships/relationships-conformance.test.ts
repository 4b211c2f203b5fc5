import { runCartridgeConformance } from '../conformance/index.js'
import { createCountingLedger } from '../entities/test-support/counting-ledger-guards.js'
import { generateEntityNotes } from '../entities/test-support/generate-entity-notes.js'
import { createRelationshipsCartridge } from './create-relationships-cartridge.js'

const ledger = createCountingLedger()

runCartridgeConformance({
  name: 'relationships (inline extraction)',
  createCartridge: ({ ledgerMode }) => ({
    cartridge: createRelationshipsCartridge({ input: { kind: 'inline', records: { prefix: 'notes/', fields: ['title', 'body'] }, guards: ledger.guards(ledgerMode), batching: { recordsPerCall: 2 } } }),
    tokensUsed: ledger.tokensUsed,
  }),
  generateCommits: generateEntityNotes,
  commitCount: 80,
  sampleQueries: [
    { name: 'neighbours', input: { entityId: 'person:dana whitfield' } },
    { name: 'history', input: { entityId: 'person:lee park', predicate: 'work at' } },
    { name: 'traverse', input: { entityId: 'organization:acme', depth: 3 } },
    { name: 'shortestPath', input: { from: 'person:dana whitfield', to: 'organization:initech' } },
    { name: 'shortestPath', input: { from: 'person:dana whitfield', to: 'place:oslo' } },
    { name: 'neighbours', input: { entityId: 'person:alice moreau', asOfTxn: 20 } },
  ],
})
