import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The llm benchmark scripts (issue 3), written and owned by the llm helpers. */
export const LLM_BENCH_SCRIPTS = ['llm-offline.bench.ts', 'llm-guards.bench.ts'] as const

/** What one llm benchmark script reported. */
export interface LlmScriptFigures {
  readonly script: string
  readonly exitCode: number | null
  /** The script's JSON output, when it printed JSON. */
  readonly json?: unknown
  /** Its plain-text output otherwise (or stderr when it failed). */
  readonly text?: string
}

/** Figures of every llm benchmark script that exists; a missing script is listed as such. */
export interface LlmFigures {
  readonly scripts: readonly LlmScriptFigures[]
  readonly missing: readonly string[]
}

/** Finds JSON in a script's stdout: the whole output, or else its last line that parses. */
function parseJsonOutput(stdout: string): unknown {
  const whole = stdout.trim()
  try {
    return JSON.parse(whole)
  } catch {
    const lines = whole.split('\n').reverse()
    for (const line of lines) {
      if (!line.trim().startsWith('{')) continue
      try {
        return JSON.parse(line)
      } catch {
        continue
      }
    }
  }
  return undefined
}

/**
 * Runs each llm benchmark script that exists with `--json` in its own process (tsx) and
 * collects its output, so `npm run bench` reports the issue-3 figures next to the storage
 * ones.
 */
export async function runLlmBenchmarks(args: { readonly log: (line: string) => void }): Promise<LlmFigures> {
  const scripts: LlmScriptFigures[] = []
  const missing: string[] = []
  for (const script of LLM_BENCH_SCRIPTS) {
    const path = fileURLToPath(new URL(`./${script}`, import.meta.url))
    if (!existsSync(path)) {
      missing.push(script)
      continue
    }
    args.log(`llm: running ${script}`)
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path, '--json'], { encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 })
    const json = run.status === 0 ? parseJsonOutput(run.stdout) : undefined
    scripts.push({
      script,
      exitCode: run.status,
      ...(json !== undefined ? { json } : { text: (run.status === 0 ? run.stdout : `${run.stdout}\n${run.stderr}`).trim().slice(-8_000) }),
    })
  }
  return { scripts, missing }
}
