/** The outcome of reading a model's reply as JSON. */
export type JsonReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string }

/**
 * Reads a reply as JSON, tolerating what models commonly wrap around it: a
 * ```json fence, or prose before the first `{` / `[` and after the last `}` / `]`.
 */
export function parseJsonReply(text: string): JsonReply {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, problem: 'the reply was empty; expected a JSON value' }
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed)
  const candidates = [trimmed]
  if (fenced?.[1] !== undefined) candidates.push(fenced[1].trim())
  const start = trimmed.search(/[{[]/)
  const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'))
  if (start >= 0 && end > start) candidates.push(trimmed.slice(start, end + 1))
  let firstError = ''
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) as unknown }
    } catch (error) {
      if (firstError === '') firstError = error instanceof Error ? error.message : String(error)
    }
  }
  return { ok: false, problem: `the reply is not valid JSON (${firstError})` }
}
