/** Exponential backoff settings. */
export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  readonly initialMs: number
  /** Largest delay, ms. */
  readonly maxMs: number
}

/** The delay before retry number `attempt` (1-based): initial * 2^(attempt-1), capped. */
export function backoffDelay(options: BackoffOptions, attempt: number): number {
  return Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, Math.min(30, attempt - 1)))
}

/** Resolves after `ms`, or earlier when `interrupt` settles. */
export function sleep(ms: number, interrupt: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), interrupt.then(() => undefined)]).finally(() => clearTimeout(timer))
}
