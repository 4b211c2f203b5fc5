/**
 * A reusable wake-up: `wait()` returns a promise that settles at the next `wake()`.
 * The runner loop sleeps on it while idle; close, disable, enable, flush and schedule
 * requests wake it.
 */
export class WakeSignal {
  #resolve: (() => void) | undefined
  #promise: Promise<void> | undefined

  /** A promise settled by the next {@link wake}. */
  wait(): Promise<void> {
    this.#promise ??= new Promise<void>((resolve) => (this.#resolve = resolve))
    return this.#promise
  }

  /** Settles the current wait, if any. */
  wake(): void {
    const resolve = this.#resolve
    this.#promise = undefined
    this.#resolve = undefined
    resolve?.()
  }
}
