/** Anything with a `get(name)` like the Fetch `Headers`. */
export interface HeaderReader {
  get(name: string): string | null
}

/**
 * How long a provider asked us to wait, in milliseconds: `retry-after-ms` (OpenAI)
 * first, then `Retry-After` as seconds or as an HTTP date. Undefined when absent
 * or unreadable; never negative.
 */
export function parseRetryAfterMs(headers: HeaderReader | undefined, now: number = Date.now()): number | undefined {
  if (headers === undefined) return undefined
  const milliseconds = headers.get('retry-after-ms')
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds)
    if (Number.isFinite(value) && value >= 0) return Math.round(value)
  }
  const retryAfter = headers.get('retry-after')
  if (retryAfter === null || retryAfter.trim() === '') return undefined
  const seconds = Number(retryAfter)
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined
  const date = Date.parse(retryAfter)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}
