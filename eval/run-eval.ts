// `npm run eval` (node --import tsx eval/run-eval.ts [--json] [--verbose] [--model provider:model]):
// asks every question of eval/questions.json against the sample dataset (examples/) with
// every available cartridge built, and reports recall@10, MRR, count accuracy, plan
// validity rate and latency, overall and per question shape.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { LivingDbError } from '../errors/index.js'
import { type AskResult, ask } from '../queries/index.js'
import { openSampleDatabase, type SampleUpdate } from '../queries/test-support/sample-database.js'
import { type EvalQuestion, type EvalScore, countCorrect, recallAt, reciprocalRank, retrievedKeys, summarize } from './eval-metrics.js'

interface QuestionSet {
  readonly now: string
  readonly setup: { readonly batchSize: number; readonly updates: readonly SampleUpdate[] }
  readonly questions: readonly EvalQuestion[]
}

/** Runs the question set and returns every score (the runner's core, also used by its test). */
export async function runEval(args: { readonly model?: string; readonly passes?: number } = {}): Promise<EvalScore[]> {
  const set = JSON.parse(readFileSync(fileURLToPath(new URL('./questions.json', import.meta.url)), 'utf8')) as QuestionSet
  const { db, cartridges } = await openSampleDatabase({ batchSize: set.setup.batchSize, updates: set.setup.updates })
  try {
    let scores: EvalScore[] = []
    // The first pass builds the per-version caches (catalog, names, references); the last pass is measured.
    for (let pass = 0; pass < (args.passes ?? 2); pass++) {
      scores = []
      for (const question of set.questions) {
        const started = performance.now()
        let result: AskResult | undefined
        let error: string | undefined
        try {
          result = await ask({ db, cartridges, question: question.question, ...(args.model === undefined ? {} : { model: args.model }), options: { now: set.now, limit: 10 } })
        } catch (caught) {
          error = LivingDbError.isInstance(caught) ? `${caught.code}: ${caught.message}` : String(caught)
        }
        const milliseconds = performance.now() - started
        const retrieved = result === undefined ? [] : retrievedKeys(result)
        const aggregate = result !== undefined && result.results.some((item) => item.keyspace === '(aggregate)')
        const hasKeys = question.expected.length > 0
        const k = aggregate ? Math.max(10, retrieved.length) : 10
        scores.push({
          id: question.id,
          shape: question.shape,
          question: question.question,
          recallAt10: hasKeys ? recallAt(question.expected, retrieved, k) : null,
          reciprocalRank: hasKeys ? reciprocalRank(question.expected, retrieved) : null,
          countCorrect: result === undefined ? (question.expectedCount === undefined && question.expectedGroups === undefined ? null : false) : countCorrect(question, result),
          planValid: result !== undefined,
          planner: result?.plan.planner ?? 'none',
          milliseconds,
          retrieved: retrieved.slice(0, k),
          missed: question.expected.filter((key) => !retrieved.slice(0, k).includes(key)),
          ...(error === undefined ? {} : { error }),
        })
      }
    }
    return scores
  } finally {
    await db.close()
  }
}

function formatReport(scores: readonly EvalScore[], verbose: boolean): string {
  const lines: string[] = []
  const row = (label: string, subset: readonly EvalScore[]): string => {
    const summary = summarize(subset)
    const count = summary.countAccuracy === null ? '-' : `${(summary.countAccuracy * 100).toFixed(0)}%`
    const figure = (value: number | null): string => (value === null ? '-' : value.toFixed(3)).padStart(6)
    return `${label.padEnd(18)} ${String(summary.questions).padStart(3)}  ${figure(summary.recallAt10)}  ${figure(summary.mrr)}  ${count.padStart(6)}  ${(summary.planValidity * 100).toFixed(0).padStart(5)}%  ${summary.latencyP50Ms.toFixed(2).padStart(7)}  ${summary.latencyP95Ms.toFixed(2).padStart(7)}`
  }
  lines.push(`${'shape'.padEnd(18)}   n  rec@10     MRR   count  valid   p50 ms   p95 ms`)
  for (const shape of [...new Set(scores.map((score) => score.shape))].sort()) lines.push(row(shape, scores.filter((score) => score.shape === shape)))
  lines.push(row('ALL', scores))
  if (verbose) {
    lines.push('')
    for (const score of scores) {
      const flag = score.error !== undefined ? 'ERROR' : score.recallAt10 !== null && score.recallAt10 < 1 ? 'miss ' : score.countCorrect === false ? 'count' : 'ok   '
      lines.push(`${flag} ${score.id} ${score.question}  recall=${score.recallAt10?.toFixed(2) ?? '-'}${score.missed.length > 0 ? ` missed ${score.missed.join(', ')}` : ''}${score.error === undefined ? '' : ` ${score.error}`}`)
    }
  }
  return lines.join('\n')
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2)
  const modelIndex = argv.indexOf('--model')
  const scores = await runEval(modelIndex >= 0 ? { model: argv[modelIndex + 1]! } : {})
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ summary: summarize(scores), scores }, null, 2)}\n`)
  else process.stdout.write(`${formatReport(scores, argv.includes('--verbose'))}\n`)
}
