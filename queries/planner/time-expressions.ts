/** A half-open date range on record date fields: gte <= date < lt (ISO dates, `YYYY-MM-DD`). */
export interface DateRange {
  readonly gte?: string
  readonly gt?: string
  readonly lt?: string
  readonly lte?: string
}

/** What the time words of a question ask for. */
export interface TimeExpressions {
  /** Records whose date field falls in this range ("last week", "since March", "before 2026-02-01"). */
  readonly range?: DateRange
  /** Read the database as of a txn id or a time ("as of txn 12", "as of 2026-03-01"). */
  readonly asOf?: { readonly txnId: number } | { readonly time: string }
  /** Records changed since a txn id or time ("changed since txn 15"). */
  readonly changedSince?: { readonly txnId: number } | { readonly time: string }
  /** The question with the time words removed. */
  readonly rest: string
  /** The phrases that were understood, for explain. */
  readonly phrases: readonly string[]
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']
const MONTH_PATTERN = `(${MONTHS.join('|')}|${MONTHS.map((month) => month.slice(0, 3)).join('|')})\\.?`
const DAY = 86_400_000

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10)
}

function startOfDay(time: number): number {
  return Math.floor(time / DAY) * DAY
}

/** Monday 00:00 UTC of the week containing `time`. */
function startOfWeek(time: number): number {
  const day = startOfDay(time)
  const weekday = (new Date(day).getUTCDay() + 6) % 7
  return day - weekday * DAY
}

function monthIndex(word: string): number {
  const lower = word.toLowerCase().replace('.', '')
  return MONTHS.findIndex((month) => month === lower || month.slice(0, 3) === lower)
}

function monthStart(year: number, month: number): string {
  return isoDay(Date.UTC(year, month, 1))
}

/** A date phrase ("2026-03-01", "March 3", "3 March 2026", "March", "March 2026") as a [start, end) day range. */
function dateSpan(phrase: string, now: number): { start: string; end: string } | undefined {
  const text = phrase.trim().toLowerCase()
  const year = new Date(now).getUTCFullYear()
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match !== null) {
    const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
    return Number.isNaN(start) ? undefined : { start: isoDay(start), end: isoDay(start + DAY) }
  }
  match = /^(\d{4})-(\d{2})$/.exec(text)
  if (match !== null) return { start: monthStart(Number(match[1]), Number(match[2]) - 1), end: monthStart(Number(match[1]), Number(match[2])) }
  match = new RegExp(`^${MONTH_PATTERN}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?$`).exec(text) ?? new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH_PATTERN}(?:,?\\s+(\\d{4}))?$`).exec(text)
  if (match !== null) {
    const monthFirst = monthIndex(match[1]!) >= 0
    const month = monthIndex(monthFirst ? match[1]! : match[2]!)
    const day = Number(monthFirst ? match[2] : match[1])
    const start = Date.UTC(match[3] === undefined ? year : Number(match[3]), month, day)
    return { start: isoDay(start), end: isoDay(start + DAY) }
  }
  match = new RegExp(`^${MONTH_PATTERN}(?:\\s+(\\d{4}))?$`).exec(text)
  if (match !== null) {
    const month = monthIndex(match[1]!)
    const inYear = match[2] === undefined ? year : Number(match[2])
    return { start: monthStart(inYear, month), end: monthStart(inYear, month + 1) }
  }
  match = /^(\d{4})$/.exec(text)
  if (match !== null) return { start: `${match[1]}-01-01`, end: `${Number(match[1]) + 1}-01-01` }
  return undefined
}

const DATE_PHRASE = `(\\d{4}-\\d{2}-\\d{2}|\\d{4}-\\d{2}|${MONTH_PATTERN}\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?|\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH_PATTERN}(?:\\s+\\d{4})?|${MONTH_PATTERN}(?:\\s+\\d{4})?|\\d{4})`

/** Relative phrases: [pattern, range from now]. */
function relativeRange(phrase: string, now: number): DateRange | undefined {
  const today = startOfDay(now)
  const week = startOfWeek(now)
  const date = new Date(now)
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth()
  switch (phrase) {
    case 'today':
      return { gte: isoDay(today), lt: isoDay(today + DAY) }
    case 'yesterday':
      return { gte: isoDay(today - DAY), lt: isoDay(today) }
    case 'this week':
      return { gte: isoDay(week), lt: isoDay(week + 7 * DAY) }
    case 'last week':
    case 'past week':
    case 'previous week':
      return { gte: isoDay(week - 7 * DAY), lt: isoDay(week) }
    case 'this month':
      return { gte: monthStart(year, month), lt: monthStart(year, month + 1) }
    case 'last month':
    case 'past month':
    case 'previous month':
      return { gte: monthStart(year, month - 1), lt: monthStart(year, month) }
    case 'this year':
      return { gte: `${year}-01-01`, lt: `${year + 1}-01-01` }
    case 'last year':
      return { gte: `${year - 1}-01-01`, lt: `${year}-01-01` }
    default: {
      const days = /^(?:last|past) (\d{1,3}) days$/.exec(phrase)
      if (days !== null) return { gte: isoDay(today - (Number(days[1]) - 1) * DAY), lt: isoDay(today + DAY) }
      return undefined
    }
  }
}

function merge(range: DateRange | undefined, next: DateRange): DateRange {
  return { ...range, ...next }
}

/**
 * Finds the time words of a question, relative to `now` (ms): record-date ranges
 * ("last week", "in March", "since 2026-02-01", "before February", "between March 1
 * and March 15", "on March 3"), as-of reads ("as of txn 12", "as of 2026-03-01") and
 * change windows ("changed since txn 15"). A month without a year is in now's year.
 */
export function parseTimeExpressions(question: string, now: number): TimeExpressions {
  let rest = ` ${question} `
  const phrases: string[] = []
  let range: DateRange | undefined
  let asOf: TimeExpressions['asOf']
  let changedSince: TimeExpressions['changedSince']
  const take = (pattern: RegExp, use: (match: RegExpExecArray) => boolean): void => {
    for (;;) {
      const match = pattern.exec(rest)
      if (match === null || !use(match)) return
      phrases.push(match[0].trim())
      rest = `${rest.slice(0, match.index)} ${rest.slice(match.index + match[0].length)}`
    }
  }
  take(/\b(?:changed|modified|updated|edited|touched)\s+(?:since|after)\s+(?:txn|transaction|commit)\s*#?(\d+)/i, (match) => ((changedSince = { txnId: Number(match[1]) + 1 }), true))
  take(new RegExp(`\\b(?:changed|modified|updated|edited)\\s+(?:since|after)\\s+${DATE_PHRASE}`, 'i'), (match) => {
    const span = dateSpan(match[1]!, now)
    if (span === undefined) return false
    changedSince = { time: `${span.start}T00:00:00.000Z` }
    return true
  })
  take(/\b(?:as of|as at|at)\s+(?:txn|transaction|commit)\s*#?(\d+)/i, (match) => ((asOf = { txnId: Number(match[1]) }), true))
  take(new RegExp(`\\b(?:as of|as at)\\s+${DATE_PHRASE}`, 'i'), (match) => {
    const span = dateSpan(match[1]!, now)
    if (span === undefined) return false
    asOf = { time: `${span.end}T00:00:00.000Z` }
    return true
  })
  take(new RegExp(`\\bbetween\\s+${DATE_PHRASE}\\s+and\\s+${DATE_PHRASE}`, 'i'), (match) => {
    const parts = match[0].replace(/^between\s+/i, '').split(/\s+and\s+/i)
    const from = dateSpan(parts[0]!, now)
    const to = dateSpan(parts[1]!, now)
    if (from === undefined || to === undefined) return false
    range = merge(range, { gte: from.start, lt: to.end })
    return true
  })
  take(new RegExp(`\\b(since|after|from|before|until|till|by|in|on|during)\\s+(?:the\\s+)?${DATE_PHRASE}(?![\\w-])`, 'i'), (match) => {
    const span = dateSpan(match[2]!, now)
    if (span === undefined) return false
    const word = match[1]!.toLowerCase()
    if (word === 'since' || word === 'from') range = merge(range, { gte: span.start })
    else if (word === 'after') range = merge(range, { gte: span.end })
    else if (word === 'before') range = merge(range, { lt: span.start })
    else if (word === 'until' || word === 'till' || word === 'by') range = merge(range, { lt: span.end })
    else range = merge(range, { gte: span.start, lt: span.end })
    return true
  })
  take(/\b(today|yesterday|(?:this|last|past|previous) (?:week|month|year)|(?:last|past) \d{1,3} days)\b/i, (match) => {
    const relative = relativeRange(match[1]!.toLowerCase(), now)
    if (relative === undefined) return false
    range = merge(range, relative)
    return true
  })
  return { ...(range === undefined ? {} : { range }), ...(asOf === undefined ? {} : { asOf }), ...(changedSince === undefined ? {} : { changedSince }), rest: rest.replace(/\s+/g, ' ').trim(), phrases }
}
