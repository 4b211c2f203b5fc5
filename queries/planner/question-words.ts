/** Words that carry no search meaning in a question. */
export const QUESTION_STOPWORDS = new Set([
  'a', 'about', 'above', 'after', 'again', 'all', 'also', 'am', 'an', 'and', 'any', 'anything', 'are', 'as', 'at', 'be', 'been', 'being', 'by', 'can', 'could',
  'did', 'do', 'does', 'doing', 'done', 'each', 'else', 'every', 'everything', 'find', 'for', 'from', 'get', 'give', 'had', 'has', 'have', 'having', 'he', 'her',
  'here', 'him', 'his', 'how', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'just', 'know', 'let', 'list', 'many', 'me', 'more', 'most', 'much', 'my', 'no', 'not',
  'now', 'of', 'on', 'or', 'other', 'our', 'out', 'please', 'related', 'regarding', 'say', 'said', 'see', 'she', 'should', 'show', 'so', 'some', 'still', 'tell',
  'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'to', 'up', 'us', 'was', 'we', 'were', 'what', 'whats', 'when',
  'where', 'which', 'who', 'whom', 'whose', 'why', 'will', 'with', 'would', 'you', 'your', 'concerning', 'around', 'made', 'happened', 'happen', 'currently',
  'something', 'anyone', 'someone', 'ones', 'one', 'stuff', 'things', 'thing', 'info', 'information', 'details', 'me', 'via', 'per', 'count', 'number', 'total',
])

/** Verbs that name a field in other words (`assigned` → `assignee`, `written` → `author`, `decide` → `decidedBy`). */
export const FIELD_ALIASES: Readonly<Record<string, readonly string[]>> = {
  decide: ['decidedby'],
  decided: ['decidedby'],
  decides: ['decidedby'],
  decision: ['decidedby'],
  wrote: ['author'],
  written: ['author'],
  write: ['author'],
  authored: ['author'],
  own: ['owner'],
  owns: ['owner'],
  owned: ['owner'],
  assigned: ['assignee'],
  assign: ['assignee'],
  manages: ['manager'],
  managed: ['manager'],
  due: ['dueon'],
  created: ['createdon'],
  opened: ['openedon'],
  started: ['startedon'],
}

/** Nouns that name a kind of record in other words (`employees` → `people`, `clients` → `customers`). */
export const NOUN_ALIASES: Readonly<Record<string, readonly string[]>> = {
  person: ['people'],
  persons: ['people'],
  employee: ['people'],
  employees: ['people'],
  staff: ['people'],
  colleague: ['people'],
  colleagues: ['people'],
  client: ['customer'],
  clients: ['customers'],
  account: ['customer'],
  accounts: ['customers'],
  meetings: ['meeting'],
  todo: ['task'],
  todos: ['tasks'],
  issue: ['ticket'],
  issues: ['tickets'],
}

/** A word of the question with its position in the original text. */
export interface QuestionWord {
  readonly text: string
  /** Lower case, without `'s`, accents or punctuation. */
  readonly lower: string
  readonly capitalized: boolean
  readonly index: number
}

/** Splits a question into words, keeping ids (`T-1004`), handles and `&`-joined names as separate words. */
export function questionWords(question: string): QuestionWord[] {
  const words: QuestionWord[] = []
  for (const match of question.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)) {
    const text = match[0].replace(/['’]s$/i, '').replace(/['’-]+$/, '')
    const lower = text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    words.push({ text, lower, capitalized: /^\p{Lu}/u.test(text), index: words.length })
  }
  return words
}

/** Singular form of a plural English word (`tasks` → `task`, `people` stays, `policies` → `policy`). */
export function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`
  if (word.length > 4 && /(?:ches|shes|sses|xes)$/.test(word)) return word.slice(0, -2)
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1)
  return word
}

/** A crude stem for matching verbs to field names (`assigned` ~ `assignee`, `owned` ~ `owner`). */
export function stemWord(word: string): string {
  const lower = word.toLowerCase()
  for (const suffix of ['ings', 'ing', 'edby', 'ed', 'ee', 'er', 'es', 's', 'e']) {
    if (lower.length - suffix.length >= 3 && lower.endsWith(suffix)) return lower.slice(0, -suffix.length)
  }
  return lower
}

/** `in_progress` / `customer-call` → `in progress` / `customer call`. */
export function valueWords(value: string): string {
  return value.toLowerCase().replace(/[_\-/]+/g, ' ').replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim()
}
