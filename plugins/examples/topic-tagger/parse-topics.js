// Turning a record into text for the model, and the model's reply into tags. No imports:
// this runs inside the untrusted sandbox.

const TEXT_FIELDS = ['title', 'subject', 'text', 'body', 'content', 'summary', 'description', 'notes']

/**
 * The text of a record: a string value as is; for an object its usual text fields
 * (title, text, body...) or else all of its strings, joined by blank lines.
 * @param {unknown} value
 * @returns {string}
 */
export function recordText(value) {
  if (typeof value === 'string') return value
  if (value === null || typeof value !== 'object' || Array.isArray(value) || '$base64' in value) return ''
  const named = TEXT_FIELDS.map((field) => value[field]).filter((field) => typeof field === 'string')
  if (named.length > 0) return named.join('\n\n')
  const strings = []
  const visit = (node, depth) => {
    if (depth > 8 || strings.length > 200) return
    if (typeof node === 'string') strings.push(node)
    else if (Array.isArray(node)) node.forEach((item) => visit(item, depth + 1))
    else if (node !== null && typeof node === 'object') Object.values(node).forEach((item) => visit(item, depth + 1))
  }
  visit(value, 0)
  return strings.join('\n\n')
}

/** A tag: lower-case words joined by single spaces, at most 40 characters. */
export function normalizeTag(text) {
  return String(text).toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 40).trim()
}

/**
 * The tags in a model reply: `{"topics": [...]}` (strings or `{ phrase }` / `{ name }` /
 * `{ label }` objects), a JSON array, or else comma- or line-separated text.
 * @param {string} reply
 * @param {number} limit
 * @returns {string[]}
 */
export function parseTopics(reply, limit) {
  let items
  try {
    const parsed = JSON.parse(reply)
    items = Array.isArray(parsed) ? parsed : Array.isArray(parsed?.topics) ? parsed.topics : Array.isArray(parsed?.tags) ? parsed.tags : undefined
  } catch {
    items = undefined
  }
  if (items === undefined) items = reply.split(/[,\n]/)
  const tags = []
  for (const item of items) {
    const text = typeof item === 'string' ? item : (item?.phrase ?? item?.name ?? item?.label ?? item?.topic)
    if (typeof text !== 'string') continue
    const tag = normalizeTag(text)
    if (tag.length >= 2 && !tags.includes(tag)) tags.push(tag)
    if (tags.length >= limit) break
  }
  return tags
}
