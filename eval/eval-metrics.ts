import type { AskResult } from '../queries/index.js'

/** One question of eval/questions.json. */
export interface EvalQuestion {
  readonly id: string
  readonly question: string
  /** The kind of question (`entity`, `about`, `count+filter`, `time`, `similar`, `combo`, `as-of`...). */
  readonly shape: string
  /** Record keys a good answer retrieves. */
  readonly expected: readonly string[]
  /** For "how many": the count. */
  readonly expectedCount?: number
  /** For "how many ... per <field>": the count of each group. */
  readonly expectedGroups?: Readonly<Record<string, number>>
}

/** What one question scored. */
export interface EvalScore {
  readonly id: string
  readonly shape: string
  readonly question: string
  /** Null when the question has no expected keys (a count-only question). */
  readonly recallAt10: number | null
  readonly reciprocalRank: number | null
  /** Null when the question expects no count. */
  readonly countCorrect: boolean | null
  readonly planValid: boolean
  readonly planner: string
  readonly milliseconds: number
  readonly retrieved: readonly string[]
  readonly missed: readonly string[]
  readonly error?: string
}

/**
 * The keys a result retrieved, in rank order. For aggregate rows (a count), the records
 * each row was counted from: a count is only as good as the records behind it.
 */
export function retrievedKeys(result: AskResult): string[] {
  const aggregate = result.results.length > 0 && result.results.every((item) => item.keyspace === '(aggregate)')
  if (!aggregate) return result.results.map((item) => item.key)
  return [...new Set(result.results.flatMap((item) => item.citations.map((citation) => citation.key)))]
}

/** Recall of `expected` within the first `k` retrieved keys (all of them for aggregates). */
export function recallAt(expected: readonly string[], retrieved: readonly string[], k: number): number {
  const top = new Set(retrieved.slice(0, k))
  return expected.filter((key) => top.has(key)).length / expected.length
}

/** 1 / rank of the first expected key, 0 when none was retrieved. */
export function reciprocalRank(expected: readonly string[], retrieved: readonly string[]): number {
  const wanted = new Set(expected)
  const index = retrieved.findIndex((key) => wanted.has(key))
  return index < 0 ? 0 : 1 / (index + 1)
}

/** Whether an aggregate result has the expected count (or group counts). */
export function countCorrect(question: EvalQuestion, result: AskResult): boolean | null {
  if (question.expectedCount === undefined && question.expectedGroups === undefined) return null
  const rows = result.results.filter((item) => item.keyspace === '(aggregate)')
  if (question.expectedCount !== undefined) return rows.length === 1 && (rows[0]!.value as { count?: number }).count === question.expectedCount
  const groups: Record<string, number> = {}
  for (const row of rows) {
    const value = row.value as Record<string, unknown>
    const label = Object.entries(value).find(([name]) => name !== 'count' && name !== 'records')?.[1]
    groups[String(label)] = value.count as number
  }
  const expected = question.expectedGroups!
  return Object.keys(expected).length === Object.keys(groups).length && Object.entries(expected).every(([label, count]) => groups[label] === count)
}

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((left, right) => left - right)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** Averages of the scores: recall@10 and MRR over questions with expected keys, count accuracy, validity, latency. */
export function summarize(scores: readonly EvalScore[]): { questions: number; recallAt10: number | null; mrr: number | null; countAccuracy: number | null; planValidity: number; latencyP50Ms: number; latencyP95Ms: number } {
  const withKeys = scores.filter((score) => score.recallAt10 !== null)
  const withCounts = scores.filter((score) => score.countCorrect !== null)
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length
  const meanOrNull = (values: number[]): number | null => (values.length === 0 ? null : mean(values))
  const latencies = scores.map((score) => score.milliseconds)
  return {
    questions: scores.length,
    recallAt10: meanOrNull(withKeys.map((score) => score.recallAt10!)),
    mrr: meanOrNull(withKeys.map((score) => score.reciprocalRank!)),
    countAccuracy: meanOrNull(withCounts.map((score) => (score.countCorrect ? 1 : 0))),
    planValidity: mean(scores.map((score) => (score.planValid ? 1 : 0))),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
  }
}
