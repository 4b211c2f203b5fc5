import type { WritableText } from './command.js'

/** A progress indicator; the no-op one is used off a terminal and with `--json`. */
export interface ProgressBar {
  /** Sets the amount done (and the total, when it becomes known). */
  update(done: number, total?: number): void
  /** Clears the bar from the terminal. Safe to call more than once. */
  finish(): void
}

/** Arguments of {@link createProgressBar}. */
export interface CreateProgressBarArgs {
  /** Where the bar is drawn (stderr). */
  readonly stream: WritableText
  /** Text before the bar (`import`). */
  readonly label: string
  /** The amount that means 100%; omit when unknown (a counter is shown instead). */
  readonly total?: number
  /** How to show amounts (`bytes` as KiB/MiB, `items` as plain counts). Default `items`. */
  readonly unit?: 'bytes' | 'items'
  /** False disables drawing entirely (not a terminal, or `--json`). */
  readonly enabled: boolean
}

const REDRAW_INTERVAL_MS = 80
const BAR_WIDTH = 28

/**
 * A single-line progress bar redrawn in place with `\r` on a terminal's stderr.
 * Redraws at most every 80 ms so a hot loop does not flood the terminal.
 *
 * @example
 * const bar = createProgressBar({ stream: process.stderr, label: 'import', total: size, unit: 'bytes', enabled: true })
 * bar.update(bytesRead); bar.finish()
 */
export function createProgressBar(args: CreateProgressBarArgs): ProgressBar {
  if (!args.enabled) return { update() {}, finish() {} }
  let total = args.total
  let lastDraw = 0
  let drawn = false
  const format = (amount: number): string => (args.unit === 'bytes' ? formatBytes(amount) : amount.toLocaleString('en-US'))
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal
      const now = Date.now()
      if (now - lastDraw < REDRAW_INTERVAL_MS && !(total !== undefined && done >= total)) return
      lastDraw = now
      drawn = true
      if (total === undefined || total <= 0) {
        args.stream.write(`\r\x1b[K${args.label} ${format(done)}`)
        return
      }
      const fraction = Math.min(1, done / total)
      const filled = Math.round(fraction * BAR_WIDTH)
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled)
      const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
      args.stream.write(`\r\x1b[K${args.label} ${bar} ${percent} ${format(done)}/${format(total)}`)
    },
    finish() {
      if (drawn) args.stream.write('\r\x1b[K')
      drawn = false
    },
  }
}

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`
}
