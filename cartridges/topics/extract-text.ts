import { readJsonPath } from '../spec/index.js'

/** Which fields of a record are text: `'all'` string fields (recursively) or a list of JSON paths (`title`, `meta.summary`). */
export type TextFields = 'all' | readonly string[]

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value)
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into)
  else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) for (const item of Object.values(value)) collectStrings(item, into)
}

/** The text of a record's fields, joined by newlines ('' when it has none). */
export function extractText(value: unknown, fields: TextFields): string {
  const parts: string[] = []
  if (fields === 'all') collectStrings(value, parts)
  else for (const path of fields) collectStrings(readJsonPath(value, path), parts)
  return parts.join('\n')
}
