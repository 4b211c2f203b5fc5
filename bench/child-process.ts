import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { LivingDbError } from '../errors/index.js'

/** Marker that starts the line a benchmark child prints its JSON result on. */
export const RESULT_MARKER = 'BENCH_RESULT '

/** Arguments of {@link startBenchChild}. */
export interface StartBenchChildArgs {
  /** A TypeScript file next to this one, run with `node --expose-gc --import tsx`. */
  readonly script: string
  /** Passed to the child as one JSON argument. */
  readonly input: unknown
  /** Called with the parsed JSON of each result line. */
  readonly onResult: (result: unknown, child: ChildProcess) => void
  readonly timeoutMs: number
}

/** How a benchmark child ended. */
export interface BenchChildExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
}

/**
 * Runs a benchmark child (a separate process, so its peak RSS or its crash is its own)
 * and resolves when it exits. Each stdout line starting with {@link RESULT_MARKER} is
 * parsed as JSON and handed to `onResult`. The child is killed at the timeout.
 */
export function startBenchChild(args: StartBenchChildArgs): Promise<BenchChildExit> {
  const scriptPath = fileURLToPath(new URL(args.script, import.meta.url))
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', scriptPath, JSON.stringify(args.input)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdoutBuffer = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdoutBuffer += chunk
    let newline = stdoutBuffer.indexOf('\n')
    while (newline >= 0) {
      const line = stdoutBuffer.slice(0, newline)
      stdoutBuffer = stdoutBuffer.slice(newline + 1)
      if (line.startsWith(RESULT_MARKER)) args.onResult(JSON.parse(line.slice(RESULT_MARKER.length)), child)
      newline = stdoutBuffer.indexOf('\n')
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000)
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new LivingDbError('UNEXPECTED_ERROR', `Benchmark child ${args.script} did not finish within ${args.timeoutMs} ms; stderr: ${stderr.trim()}`))
    }, args.timeoutMs)
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stderr })
    })
  })
}

/** Prints a result line for the parent (used by the child scripts). */
export function printBenchResult(result: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`)
}
