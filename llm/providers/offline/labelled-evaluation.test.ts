import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type LabelledNote, type Score, evaluateLabelledNotes, loadLabelledNotes } from './labelled-evaluation.js'

function report(label: string, score: Score): void {
  console.log(`${label}: precision ${score.precision.toFixed(3)} recall ${score.recall.toFixed(3)} (${score.truePositives} correct of ${score.predicted} predicted, ${score.expected} labelled)`)
  if (score.falsePositives.length > 0) console.log(`  false positives: ${score.falsePositives.join('; ')}`)
  if (score.falseNegatives.length > 0) console.log(`  missed: ${score.falseNegatives.join('; ')}`)
}

describe('offline extraction quality on hand-labelled notes', () => {
  it('reaches the precision/recall floors on the development set (~40 notes)', () => {
    const notes = loadLabelledNotes()
    expect(notes.length).toBeGreaterThanOrEqual(40)
    const { entities, relationships } = evaluateLabelledNotes(notes)
    report('development entities', entities)
    report('development relationships', relationships)
    expect(entities.precision).toBeGreaterThanOrEqual(0.93)
    expect(entities.recall).toBeGreaterThanOrEqual(0.92)
    expect(relationships.precision).toBeGreaterThanOrEqual(0.9)
    expect(relationships.recall).toBeGreaterThanOrEqual(0.9)
  })

  it('reaches lower floors on the held-out set the extractor was never tuned on', () => {
    const notes = (JSON.parse(readFileSync(new URL('./__fixtures__/held-out-notes.json', import.meta.url), 'utf8')) as { notes: LabelledNote[] }).notes
    expect(notes.length).toBeGreaterThanOrEqual(20)
    const { entities, relationships } = evaluateLabelledNotes(notes)
    report('held-out entities', entities)
    report('held-out relationships', relationships)
    expect(entities.precision).toBeGreaterThanOrEqual(0.8)
    expect(entities.recall).toBeGreaterThanOrEqual(0.8)
    expect(relationships.precision).toBeGreaterThanOrEqual(0.75)
    expect(relationships.recall).toBeGreaterThanOrEqual(0.7)
  })
})
