import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LivingDbError } from '../../../errors/index.js'
import { analyzeText, extractEntities, extractRelationships, extractTopics, summarize } from './analyze-text.js'

const SEED = Number(process.env.LIVINGDB_TEST_SEED ?? 20261124)

function namesByType(text: string): Record<string, string[]> {
  const result: Record<string, string[]> = {}
  for (const entity of extractEntities(text)) (result[entity.type] ??= []).push(entity.name)
  return result
}

describe('extractEntities', () => {
  it('finds identifiers: emails, URLs, tickets, versions, money, dates, phones, IPs, hashes', () => {
    const text = 'Mail ops@acme.io, see https://acme.io/status. OPS-4412 and #77 block v2.4.1; budget $12,500 or 3,000 EUR. ' +
      'Due 2025-03-01, March 3rd, next Friday and Q3 2024 at 3pm. Call +44 20 7946 0958 from 10.0.0.12 at commit 3f9a2c1.'
    expect(namesByType(text)).toEqual({
      email: ['ops@acme.io'],
      url: ['https://acme.io/status'],
      ticket: ['OPS-4412', '#77'],
      version: ['v2.4.1'],
      money: ['$12,500', '3,000 EUR'],
      date: ['2025-03-01', 'March 3rd', 'next Friday', 'Q3 2024', '3pm'],
      phone: ['+44 20 7946 0958'],
      identifier: ['10.0.0.12', '3f9a2c1'],
    })
  })

  it('classifies people, organisations, places and products', () => {
    const found = namesByType('Dr. Priya Raman met Dana Whitfield of Acme Corp in Berlin to plan the Kubernetes upgrade with Microsoft and Initech LLC.')
    expect(found.person).toEqual(['Priya Raman', 'Dana Whitfield'])
    expect(found.organization).toEqual(['Acme Corp', 'Microsoft', 'Initech LLC'])
    expect(found.place).toEqual(['Berlin'])
    expect(found.product).toEqual(['Kubernetes'])
  })

  it('does not take sentence-initial common words or titles for names', () => {
    const found = extractEntities('Budget is tight. The CEO said Yesterday was fine. Please ping Dana.')
    expect(found.map((entity) => `${entity.type}:${entity.name}`)).toEqual(['date:Yesterday', 'person:Dana'])
  })

  it('reports offsets that slice back to the name, and confidences in [0, 1]', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('Dana', 'approved', 'Acme Corp', 'OPS-12', 'in', 'Berlin', 'on', 'March 3rd', '.', ',', 'the', 'plan', "Acme's", '$5', 'v1.2.3', '\n', 'é', '“quoted”'), { maxLength: 40 }), (words) => {
      const text = words.join(' ')
      for (const entity of extractEntities(text)) {
        expect(text.slice(entity.start, entity.end)).toBe(entity.name)
        expect(entity.confidence).toBeGreaterThan(0)
        expect(entity.confidence).toBeLessThanOrEqual(1)
      }
    }), { seed: SEED, numRuns: 300 })
  })

  it('never throws on arbitrary word sequences (clause edges, dangling verbs and prepositions)', () => {
    const vocabulary = ['Dana', 'Acme Corp', 'is', 'was', 'the', 'CTO', 'of', 'by', 'and', ',', ';', '.', 'approved', 'acquired', 'works', 'at', 'not', 'also', 'two', 'new', 'plan', 'OPS-1', 'March 3rd', 'she', 'from', 'in', 'Berlin', "'s", 'Dr.', '&', 'New', 'York', 'Inc', 'Ping', 'Bank', 'S24', 'iPhone', 'v2.1', '\n', '-', 'was acquired by', 'Alice and Bob']
    fc.assert(fc.property(fc.array(fc.constantFrom(...vocabulary), { maxLength: 25 }), (words) => {
      const text = words.join(' ')
      const analysis = analyzeText(text)
      for (const relation of analysis.relationships) expect(relation.subject.length * relation.predicate.length * relation.object.length).toBeGreaterThan(0)
    }), { seed: SEED, numRuns: 2000 })
    expect(extractRelationships('Dana is')).toEqual([])
    expect(extractRelationships('is')).toEqual([])
  })

  it('never throws on arbitrary strings and is deterministic', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'grapheme' }), (text) => {
      expect(analyzeText(text)).toEqual(analyzeText(text))
    }), { seed: SEED, numRuns: 300 })
  })

  it('rejects non-string and oversized input with INVALID_ARGUMENT', () => {
    expect(() => extractEntities(42 as unknown as string)).toThrow(LivingDbError)
    expect(() => extractTopics('x'.repeat(1_000_001))).toThrow(/split the text/)
  })
})

describe('extractRelationships', () => {
  it('reads active, passive, prepositional, coordinated and copular triples', () => {
    const triples = extractRelationships('Acme acquired Beta Corp. Gamma Inc was acquired by Acme. Alice works at Initech and reports to Bob Stone. ' +
      'Dana and Lee approved the budget. Priya Raman is the CTO of Hooli. Dana did not approve the hiring plan.')
      .map((relation) => [relation.subject, relation.predicate, relation.object])
    expect(triples).toEqual([
      ['Acme', 'acquire', 'Beta Corp'],
      ['Acme', 'acquire', 'Gamma Inc'],
      ['Alice', 'work at', 'Initech'],
      ['Alice', 'report to', 'Bob Stone'],
      ['Dana', 'approve', 'budget'],
      ['Lee', 'approve', 'budget'],
      ['Priya Raman', 'cto of', 'Hooli'],
      ['Dana', 'not approve', 'hiring plan'],
    ])
  })

  it('skips pronoun subjects and date objects', () => {
    expect(extractRelationships('She approved the plan. The release ships Friday.')).toEqual([])
  })
})

describe('extractTopics and summarize', () => {
  it('ranks repeated noun phrases first, with weights in (0, 1]', () => {
    const topics = extractTopics('The billing migration is late. The billing migration needs a rollback plan. Finance asked about the billing migration budget.')
    expect(topics[0]).toEqual({ phrase: 'billing migration', weight: 1, count: 2 })
    expect(topics.every((topic) => topic.weight > 0 && topic.weight <= 1)).toBe(true)
    expect(extractTopics('a b c', { limit: 3 })).toEqual([])
  })

  it('picks the most central sentences in their original order', () => {
    const text = 'Lunch was good. The billing migration failed twice. We will retry the billing migration on Monday. Parking is full.'
    const summary = summarize(text, { sentences: 2 })
    expect(summary.sentences.map((sentence) => sentence.text)).toEqual(['The billing migration failed twice.', 'We will retry the billing migration on Monday.'])
    expect(summary.text).toBe('The billing migration failed twice. We will retry the billing migration on Monday.')
    expect(summarize('', { sentences: 3 })).toEqual({ text: '', sentences: [] })
  })
})
