import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../errors/index.js'
import { attributeExtraction } from './attribute-extraction.js'
import { chunkSources, type ExtractionCall, extractRecords, resolveBatching, type SourceText } from './extract-records.js'

const source = (key: string, text: string): SourceText => ({ keyspace: 'default', key, txnId: 1, timestamp: 0, text })

/** Answers with every "Name Surname" pair of the prompt as a person, after a delay that reverses completion order. */
function scriptedCall(): { call: ExtractionCall; prompts: string[] } {
  const prompts: string[] = []
  let pending = 5
  return {
    prompts,
    call: async ({ prompt }) => {
      prompts.push(prompt)
      await new Promise((resolve) => setTimeout(resolve, 5 * pending--))
      const names = [...new Set([...prompt.matchAll(/[A-Z][a-z]+ [A-Z][a-z]+/g)].map((match) => match[0]))]
      return { object: { entities: names.map((name) => ({ name, type: 'person', confidence: 0.8 })), topics: [], relationships: [] }, ledgerEntryId: null, modelId: null }
    },
  }
}

describe('extractRecords', () => {
  it('gives the same records whatever the number of calls in flight', async () => {
    const sources = Array.from({ length: 10 }, (_, index) => source(`notes/${index}`, `Note ${index}: Dana Whitfield met Lee Park${index % 2 === 0 ? ' and Omar Haddad' : ''}.`))
    const sequential = await extractRecords({ sources, call: scriptedCall().call, plugin: 'x@1.0.0', batching: { recordsPerCall: 3, maxConcurrentCalls: 1 } })
    const parallel = scriptedCall()
    const concurrent = await extractRecords({ sources, call: parallel.call, plugin: 'x@1.0.0', batching: { recordsPerCall: 3, maxConcurrentCalls: 4 } })
    expect(parallel.prompts).toHaveLength(4)
    expect(concurrent).toEqual(sequential)
    expect(concurrent[1]!.entities.map((entity) => entity.name)).toEqual(['Dana Whitfield', 'Lee Park'])
    expect(concurrent[2]!.entities.map((entity) => entity.name)).toEqual(['Dana Whitfield', 'Lee Park', 'Omar Haddad'])
  })

  it('closes a call before its text exceeds maxCharactersPerCall and sends a long record alone', () => {
    const batching = resolveBatching({ recordsPerCall: 10, maxCharactersPerCall: 100 })
    const chunks = chunkSources([source('a', 'x'.repeat(60)), source('b', 'x'.repeat(30)), source('c', 'x'.repeat(30)), source('d', 'x'.repeat(500)), source('e', 'x')], batching)
    expect(chunks.map((chunk) => chunk.map((item) => item.key).join(''))).toEqual(['ab', 'c', 'd', 'e'])
  })

  it('refuses bad batching options with INVALID_ARGUMENT', () => {
    for (const bad of [{ recordsPerCall: 0 }, { maxCharactersPerCall: 10 }, { minConfidence: 2 }, { maxConcurrentCalls: 0 }]) {
      expect(() => resolveBatching(bad), JSON.stringify(bad)).toThrow(LivingDbError)
    }
  })
})

describe('attributeExtraction', () => {
  it('gives each record the entities it names (not inside a longer name), drops what no record says, and types relationship ends', () => {
    const texts = ['Dana Whitfield works at Acme Corp.', 'Dana met Lee. Acme approved the plan.']
    const facts = attributeExtraction({
      texts,
      minConfidence: 0.5,
      output: {
        entities: [
          { name: 'Dana Whitfield', type: 'person', confidence: 0.9 },
          { name: 'Acme Corp', type: 'organization', confidence: 0.9 },
          { name: 'Dana', type: 'person', confidence: 0.75 },
          { name: 'Acme', type: 'organization', confidence: 0.4 },
          { name: 'Lee', type: 'person', confidence: 0.75 },
          { name: 'Zed', type: 'person', confidence: 0.9 },
        ],
        topics: [{ phrase: 'plan', weight: 0.5 }],
        relationships: [
          { subject: 'Dana Whitfield', predicate: 'work at', object: 'Acme Corp', confidence: 0.85 },
          { subject: 'Dana', predicate: 'meet', object: 'Lee', confidence: 0.85 },
          { subject: 'Acme', predicate: 'approve', object: 'plan', confidence: 0.6 },
        ],
      },
    })
    expect(facts[0]!.entities.map((entity) => entity.name)).toEqual(['Dana Whitfield', 'Acme Corp'])
    expect(facts[0]!.relationships).toEqual([{ subject: 0, predicate: 'work at', object: 1, confidence: 0.85 }])
    expect(facts[1]!.entities).toEqual([
      { name: 'Dana', type: 'person', confidence: 0.75 },
      { name: 'Lee', type: 'person', confidence: 0.75 },
      { name: 'Acme', type: 'organization', confidence: 0.4 },
      { name: 'plan', type: 'concept', confidence: 0.6 },
    ])
    expect(facts[1]!.relationships.map((edge) => edge.predicate)).toEqual(['meet', 'approve'])
    expect(facts[1]!.topics).toEqual([{ phrase: 'plan', weight: 1 }])
  })
})
