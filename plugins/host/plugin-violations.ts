/** One refused attempt of a sandboxed plugin. */
export interface PluginViolation {
  /** What was tried, e.g. `net.connect`, `fs.readFileSync`, `process.env`. */
  readonly action: string
  readonly message: string
  /** Wall-clock time, ms since the epoch. */
  readonly at: number
}

/** Counts and keeps the latest refused attempts of one sandboxed plugin (for `status()`). */
export class PluginViolations {
  /** How many recent violations are kept. */
  static readonly KEEP = 20
  #count = 0
  readonly #recent: PluginViolation[] = []

  /** Notes one refused attempt. */
  record(violation: { readonly action: string; readonly message: string }): PluginViolation {
    const entry = { action: violation.action.slice(0, 200), message: violation.message.slice(0, 1_000), at: Date.now() }
    this.#count++
    this.#recent.push(entry)
    if (this.#recent.length > PluginViolations.KEEP) this.#recent.shift()
    return entry
  }

  /** Attempts refused since the host started. */
  get count(): number {
    return this.#count
  }

  /** The latest refused attempts, oldest first. */
  get recent(): readonly PluginViolation[] {
    return [...this.#recent]
  }
}
