/**
 * Informal benchmark of the offline provider (not part of the test suite).
 * Run: node --import tsx bench/llm-offline.bench.ts [--notes 5000] [--seed 7]
 *
 * Generates short work notes (~300 characters) from templates with a seeded
 * generator, then measures notes per second on one core (median wall-clock and
 * CPU-time rates and the best of 500-note rounds, after a 1,000-note warm-up) for: the full analysis (entities +
 * topics + relationships in one pass), entities alone, embeddings (384
 * dimensions), summaries, and doGenerate with an extraction schema; and the time
 * of a few pathological 100 KB inputs (to show the regexes stay linear).
 */
import { analyzeText, createOfflineEmbeddingModel, createOfflineLanguageModel, extractEntities, summarize } from '../llm/providers/offline/index.js'

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

const PEOPLE = ['Dana Whitfield', 'Priya Raman', 'Marcus Chen', 'Alice', 'Jordan Lee', 'Nina Petrova', 'Carlos Mendez', 'Sophie Martin']
const ORGANIZATIONS = ['Acme Corp', 'Initech', 'Globex Corporation', 'Beta Corp', 'Northwind Traders', 'Umbrella Corp', 'Siemens AG']
const PLACES = ['Berlin', 'London', 'Madrid', 'Chicago', 'Toronto', 'Seoul']
const PRODUCTS = ['Postgres', 'Kubernetes', 'Redis', 'Grafana', 'Slack']
const VERBS = ['approved', 'reviewed', 'rejected', 'signed', 'fixed', 'shipped', 'deployed', 'migrated']
const OBJECTS = ['the billing migration', 'the Q3 budget', 'the new pricing page', 'the vendor contract', 'the login bug', 'the onboarding flow']
const TAILS = [
  'Ticket OPS-{n} tracks the rollout; contact ops@acme.io if it slips past Friday.',
  'Budget is ${n},000 and version 2.{n}.1 ships next week with the {product} upgrade.',
  'See https://wiki.example.com/pages/{n} for the design notes and the open questions.',
  'The team in {place} will review the {product} dashboards on 2025-03-{day} before the launch.',
]

function makeNote(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  const fill = (template: string): string => template
    .replaceAll('{n}', String(100 + Math.floor(random() * 9000)))
    .replaceAll('{product}', pick(PRODUCTS))
    .replaceAll('{place}', pick(PLACES))
    .replaceAll('{day}', String(10 + Math.floor(random() * 18)))
  let note = `${pick(PEOPLE)} ${pick(VERBS)} ${pick(OBJECTS)} for ${pick(ORGANIZATIONS)} in ${pick(PLACES)}.`
  while (note.length < 280) note += ` ${fill(pick(TAILS))}`
  return note.slice(0, 340)
}

/**
 * Runs `work` over all notes in rounds of `ROUND` notes after a warm-up and prints
 * the median wall-clock rate, the best round, and the median rate per CPU-second
 * of this process (`process.cpuUsage`): on a shared, loaded machine the CPU-time
 * rate is the steadier measure of what one core does.
 */
async function measure(label: string, notes: readonly string[], work: (note: string) => unknown | Promise<unknown>): Promise<void> {
  for (const note of notes.slice(0, 1000)) await work(note)
  const rates: number[] = []
  const cpuRates: number[] = []
  for (let offset = 0; offset + ROUND <= notes.length; offset += ROUND) {
    const started = performance.now()
    const cpuStarted = process.cpuUsage()
    for (let index = offset; index < offset + ROUND; index++) await work(notes[index])
    const cpu = process.cpuUsage(cpuStarted)
    rates.push(ROUND / ((performance.now() - started) / 1000))
    cpuRates.push(ROUND / ((cpu.user + cpu.system) / 1e6))
  }
  const median = (values: number[]): number => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]
  const wall = median(rates)
  console.log(`${label.padEnd(44)} ${wall.toFixed(0).padStart(6)} notes/s wall (${(1e6 / wall).toFixed(0).padStart(4)} µs)   best ${Math.max(...rates).toFixed(0).padStart(6)}   per CPU-second ${median(cpuRates).toFixed(0).padStart(6)}`)
}

const ROUND = 500
const count = argument('notes', 5000)
const seed = argument('seed', 7)
const random = seededRandom(seed)
const notes = Array.from({ length: count }, () => makeNote(random))
const averageLength = notes.reduce((sum, note) => sum + note.length, 0) / notes.length
console.log(`offline provider benchmark: ${count} notes, average ${averageLength.toFixed(0)} characters, seed ${seed}, node ${process.version}`)

const embeddingModel = createOfflineEmbeddingModel({ dimensions: 384 })
const languageModel = createOfflineLanguageModel()
const schema = {
  type: 'object',
  properties: {
    entities: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, type: { type: 'string' } }, required: ['name', 'type'] } },
    relationships: { type: 'array', items: { type: 'object', properties: { subject: { type: 'string' }, predicate: { type: 'string' }, object: { type: 'string' } }, required: ['subject', 'predicate', 'object'] } },
  },
  required: ['entities', 'relationships'],
}

await measure('analyzeText (entities+topics+relationships)', notes, (note) => analyzeText(note))
await measure('extractEntities', notes, (note) => extractEntities(note))
await measure('summarize (2 sentences)', notes, (note) => summarize(note, { sentences: 2 }))
await measure('embed (384 dimensions)', notes, (note) => embeddingModel.doEmbed({ values: [note] }))
const adversarial = ['1.'.repeat(50_000), '1,'.repeat(50_000), 'a.'.repeat(50_000) + '@', 'Aa '.repeat(33_000), '+1 (2) '.repeat(14_000)]
for (const text of adversarial) {
  const started = performance.now()
  analyzeText(text)
  console.log(`${`adversarial ${JSON.stringify(text.slice(0, 6))}… (${text.length} chars)`.padEnd(44)} ${(performance.now() - started).toFixed(0).padStart(7)} ms`)
}
await measure('doGenerate with an extraction schema', notes, (note) => languageModel.doGenerate({
  messages: [{ role: 'user', content: note }], responseSchema: { name: 'extraction', schema },
}))
