import { LivingDbError } from '../errors/index.js'
import type { CliIo, WritableText } from './command.js'
import { createProgressBar, type ProgressBar } from './progress-bar.js'

/** Arguments of {@link Output.progress}. */
export interface ProgressArgs {
  readonly label: string
  readonly total?: number
  readonly unit?: 'bytes' | 'items'
}

/**
 * How commands print. Human text and JSON both go to stdout; notes, progress
 * bars and errors go to stderr. With `--json` the notes and bars are silent so
 * stdout holds exactly one JSON document (or JSON lines for streams).
 */
export class Output {
  readonly #io: CliIo
  readonly #json: boolean

  constructor(args: { readonly io: CliIo; readonly json: boolean }) {
    this.#io = args.io
    this.#json = args.json
  }

  /** Prints one line of human output on stdout. */
  line(text = ''): void {
    this.#io.stdout.write(`${text}\n`)
  }

  /** Prints a value as indented JSON on stdout (the `--json` result of a command). */
  json(value: unknown): void {
    this.#io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  }

  /** Prints a value as one compact JSON line on stdout (for streams: `log`, `export`). */
  async jsonLine(value: unknown): Promise<void> {
    await this.write(`${JSON.stringify(value)}\n`)
  }

  /** Writes text to stdout, waiting for `drain` when the stream asks for it. */
  async write(text: string): Promise<void> {
    await writeWithBackpressure(this.#io.stdout, text)
  }

  /** A human note on stderr; silent with `--json`. */
  note(text: string): void {
    if (!this.#json) this.#io.stderr.write(`${text}\n`)
  }

  /** A progress bar on stderr, drawn only on a terminal and never with `--json`. */
  progress(args: ProgressArgs): ProgressBar {
    return createProgressBar({ ...args, stream: this.#io.stderr, enabled: !this.#json && this.#io.stderr.isTTY === true })
  }

  /**
   * Prints an error on stderr and returns its exit code: 2 for usage errors,
   * 1 otherwise. LivingDbError messages print without a stack trace; anything
   * else is a bug, printed with its stack when `LIVINGDB_DEBUG` is set.
   */
  error(error: unknown): number {
    const known = LivingDbError.isInstance(error)
    const system = !known && isSystemError(error)
    const code = known ? error.code : system ? 'IO_ERROR' : 'UNEXPECTED_ERROR'
    const message = known
      ? error.message
      : system
        ? `${error.message}. Check that the path exists and that you may read and write it.`
        : `${error instanceof Error ? error.message : String(error)} (this is a bug in livingdb; rerun with LIVINGDB_DEBUG=1 for the stack trace and report it)`
    if (this.#json) {
      this.#io.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`)
    } else {
      this.#io.stderr.write(`livingdb: error ${code}: ${message}\n`)
      if (!known && !system && this.#io.env.LIVINGDB_DEBUG && error instanceof Error && error.stack) this.#io.stderr.write(`${error.stack}\n`)
    }
    return known && error.code === 'CLI_USAGE' ? 2 : 1
  }
}

/** Writes to a stream and resolves once it has room again. */
export async function writeWithBackpressure(stream: WritableText, text: string): Promise<void> {
  if (stream.write(text) || stream.once === undefined) return
  await new Promise<void>(resolve => stream.once!('drain', resolve))
}

/** An operating-system error from node:fs and friends (`ENOENT`, `EACCES`, `ENOSPC`...). */
function isSystemError(error: unknown): error is NodeJS.ErrnoException & Error {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string'
}
