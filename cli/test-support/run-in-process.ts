import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { runCli } from '../run-cli.js'

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** Options of {@link runInProcess}. */
export interface RunInProcessOptions {
  /** Pretend stderr is a terminal (to exercise progress bars). */
  readonly tty?: boolean
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly signal?: AbortSignal
  /** Text the command reads as standard input. */
  readonly stdin?: string
  /** Called with each stdout chunk as it is written. */
  readonly onStdout?: (text: string) => void
}

/** Runs `livingdb <argv>` in this process with captured stdout/stderr. */
export async function runInProcess(argv: readonly string[], options: RunInProcessOptions = {}): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const exitCode = await runCli({
    argv,
    io: {
      stdout: {
        write(text) {
          stdout += text
          options.onStdout?.(text)
          return true
        },
      },
      stderr: {
        isTTY: options.tty === true,
        write(text) {
          stderr += text
          return true
        },
      },
      env: options.env ?? {},
      signal: options.signal,
      ...(options.stdin === undefined ? {} : { stdin: Readable.from([options.stdin]) }),
    },
  })
  return { exitCode, stdout, stderr }
}

/** Parses the `{"error": {code, message}}` line a failing `--json` run prints on stderr. */
export function jsonError(run: CliRun): { code: string; message: string } {
  return (JSON.parse(run.stderr.trim()) as { error: { code: string; message: string } }).error
}

/** A fresh temporary directory and a function that removes it. */
export function temporaryDirectory(prefix = 'livingdb-cli-'): { readonly path: string; readonly remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Parses JSON-lines output. */
export function jsonLines(text: string): unknown[] {
  return text.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as unknown)
}

/**
 * Registers beforeEach/afterEach hooks that give each test a fresh temporary
 * directory; `db` is a database path inside it that does not exist yet.
 */
export function useTemporaryDatabase(hooks: { readonly beforeEach: (run: () => void) => void; readonly afterEach: (run: () => void) => void }): { readonly directory: string; readonly db: string } {
  let current: ReturnType<typeof temporaryDirectory> | undefined
  hooks.beforeEach(() => {
    current = temporaryDirectory()
  })
  hooks.afterEach(() => current?.remove())
  return {
    get directory() {
      return current!.path
    },
    get db() {
      return join(current!.path, 'db')
    },
  }
}
