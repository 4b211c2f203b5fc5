import { createEntitiesCartridge } from './create-entities-cartridge.js'
import { runExtractorModeSuite } from './test-support/extractor-mode-suite.js'

runExtractorModeSuite({
  name: 'entities',
  createCartridge: () => createEntitiesCartridge(),
  sampleQueries: [
    { name: 'lookup', input: { name: 'acme' } },
    { name: 'listByType', input: { type: 'person' } },
    { name: 'mentions', input: { id: 'person:dana whitfield', limit: 5 } },
  ],
})
