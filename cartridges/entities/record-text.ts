import { extractText, type TextFields } from '../topics/index.js'

/**
 * Which records an extractor reads and which of their fields are text: a keyspace,
 * a key prefix, and JSON paths (`title`, `meta.summary`) or `'all'` string fields.
 */
export interface RecordSelector {
  /** Default `default` (the app's records). */
  readonly keyspace?: string
  /** Default '' (every key). */
  readonly prefix?: string
  /** Default `'all'`. */
  readonly fields?: TextFields
}

/** The selector with its defaults filled in. */
export function resolveSelector(selector: RecordSelector | undefined): { readonly keyspace: string; readonly prefix: string; readonly fields: TextFields } {
  return { keyspace: selector?.keyspace ?? 'default', prefix: selector?.prefix ?? '', fields: selector?.fields ?? 'all' }
}

/** The text of a record value per `fields` (a plain string value is its own text). */
export function recordText(value: unknown, fields: TextFields): string {
  if (typeof value === 'string') return fields === 'all' ? value : ''
  return extractText(value, fields).trim()
}
