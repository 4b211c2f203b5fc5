import { readFileSync } from 'node:fs'
import { analyzeText } from './analyze-text.js'

/** One hand-labelled note of `__fixtures__/labelled-notes.json`. */
export interface LabelledNote {
  readonly text: string
  readonly entities: Readonly<Record<string, readonly string[]>>
  readonly relationships: readonly (readonly [string, string, string])[]
}

/** Precision, recall and the counts behind them. */
export interface Score {
  readonly precision: number
  readonly recall: number
  readonly truePositives: number
  readonly predicted: number
  readonly expected: number
  /** Predicted items not in the labels, and labels not predicted (for inspection). */
  readonly falsePositives: readonly string[]
  readonly falseNegatives: readonly string[]
}

/** Reads the labelled notes shipped beside this file. */
export function loadLabelledNotes(): LabelledNote[] {
  const url = new URL('./__fixtures__/labelled-notes.json', import.meta.url)
  return (JSON.parse(readFileSync(url, 'utf8')) as { notes: LabelledNote[] }).notes
}

function score(expected: ReadonlySet<string>, predicted: ReadonlySet<string>, falsePositives: string[], falseNegatives: string[]): [number, number, number] {
  let hits = 0
  for (const item of predicted) if (expected.has(item)) hits++; else falsePositives.push(item)
  for (const item of expected) if (!predicted.has(item)) falseNegatives.push(item)
  return [hits, predicted.size, expected.size]
}

function toScore(totals: [number, number, number], falsePositives: string[], falseNegatives: string[]): Score {
  const [truePositives, predicted, expected] = totals
  return {
    precision: predicted === 0 ? 1 : truePositives / predicted,
    recall: expected === 0 ? 1 : truePositives / expected,
    truePositives, predicted, expected, falsePositives, falseNegatives,
  }
}

/**
 * Scores the offline extractor on labelled notes. An entity counts as correct when
 * its lower-cased name AND type match a label (each distinct name once per note);
 * a relationship when subject, predicate and object all match (case-insensitive).
 */
export function evaluateLabelledNotes(notes: readonly LabelledNote[]): { readonly entities: Score; readonly relationships: Score } {
  const entityTotals: [number, number, number] = [0, 0, 0]
  const relationTotals: [number, number, number] = [0, 0, 0]
  const entityMisses: [string[], string[]] = [[], []]
  const relationMisses: [string[], string[]] = [[], []]
  for (const note of notes) {
    const analysis = analyzeText(note.text)
    const expectedEntities = new Set(Object.entries(note.entities).flatMap(([type, names]) => names.map((name) => `${type}:${name.toLowerCase()}`)))
    const predictedEntities = new Set(analysis.entities.map((entity) => `${entity.type}:${entity.name.toLowerCase()}`))
    const entity = score(expectedEntities, predictedEntities, entityMisses[0], entityMisses[1])
    const expectedRelations = new Set(note.relationships.map((triple) => triple.join(' | ').toLowerCase()))
    const predictedRelations = new Set(analysis.relationships.map((relation) => [relation.subject, relation.predicate, relation.object].join(' | ').toLowerCase()))
    const relation = score(expectedRelations, predictedRelations, relationMisses[0], relationMisses[1])
    for (let index = 0; index < 3; index++) { entityTotals[index] += entity[index]; relationTotals[index] += relation[index] }
  }
  return { entities: toScore(entityTotals, ...entityMisses), relationships: toScore(relationTotals, ...relationMisses) }
}
