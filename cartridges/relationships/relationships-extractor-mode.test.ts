import { runExtractorModeSuite } from '../entities/test-support/extractor-mode-suite.js'
import { createRelationshipsCartridge } from './create-relationships-cartridge.js'

runExtractorModeSuite({
  name: 'relationships',
  createCartridge: () => createRelationshipsCartridge(),
  sampleQueries: [
    { name: 'neighbours', input: { entityId: 'person:dana whitfield' } },
    { name: 'history', input: { entityId: 'person:lee park', predicate: 'work at' } },
    { name: 'traverse', input: { entityId: 'organization:acme', depth: 3 } },
  ],
})
