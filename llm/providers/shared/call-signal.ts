/** One call's abort signal: fires on the caller's abort or on the timeout, and says which. */
export interface CallSignal {
  readonly signal: AbortSignal
  /** True once the timeout fired (and the caller had not aborted first). */
  timedOut(): boolean
  /** True once the caller's own signal fired. */
  abortedByCaller(): boolean
  /** Clears the timer; call when the reply has been fully read. */
  dispose(): void
}

/**
 * Combines the caller's abort signal with a timeout that covers the whole call,
 * body included (the official clients' own timeouts stop at the response headers,
 * so a server that stalls mid-body would otherwise hang the call).
 */
export function createCallSignal(args: { readonly timeoutMs: number; readonly abortSignal?: AbortSignal }): CallSignal {
  const controller = new AbortController()
  let timedOut = false
  let abortedByCaller = false
  const onCallerAbort = (): void => {
    if (timedOut) return
    abortedByCaller = true
    controller.abort(args.abortSignal?.reason)
  }
  const timer = setTimeout(() => {
    if (abortedByCaller) return
    timedOut = true
    controller.abort(new Error(`timed out after ${args.timeoutMs} ms`))
  }, args.timeoutMs)
  if (args.abortSignal?.aborted) onCallerAbort()
  else args.abortSignal?.addEventListener('abort', onCallerAbort, { once: true })
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    abortedByCaller: () => abortedByCaller,
    dispose() {
      clearTimeout(timer)
      args.abortSignal?.removeEventListener('abort', onCallerAbort)
    },
  }
}
