import nlp from 'compromise/two'

/**
 * Word lists the offline analyser uses: compromise's lexicon (about 24,000 words
 * tagged as names, places, organisations, verb forms...) plus small hand-kept lists.
 * compromise is used only as a dictionary and a verb conjugator here: its full
 * parser costs ~1.3 ms per short note, too slow for the 2,000 notes/s target.
 */

interface CompromiseModel {
  readonly one: { readonly lexicon: Readonly<Record<string, string | readonly string[]>> }
  readonly two: { readonly orgWords: Readonly<Record<string, unknown>>; readonly placeWords: Readonly<Record<string, unknown>> }
}
interface CompromiseMethods {
  readonly two: { readonly transform: { readonly verb: { toInfinitive(word: string, model: CompromiseModel, tense: string): string } } }
}

const model = nlp.model() as unknown as CompromiseModel
const methods = nlp.methods() as unknown as CompromiseMethods

/** The compromise tags of a lowercase word, or undefined when it is not in the lexicon. */
export function lexiconTags(lowercaseWord: string): string | readonly string[] | undefined {
  return Object.hasOwn(model.one.lexicon, lowercaseWord) ? model.one.lexicon[lowercaseWord] : undefined
}

/** True when `tags` (from {@link lexiconTags}) contains any of `wanted`. */
export function hasTag(tags: string | readonly string[] | undefined, wanted: ReadonlySet<string>): boolean {
  if (tags === undefined) return false
  if (typeof tags === 'string') return wanted.has(tags)
  for (const tag of tags) if (wanted.has(tag)) return true
  return false
}

/** compromise tags that mark a person's first name or a person. */
export const PERSON_TAGS: ReadonlySet<string> = new Set(['FirstName', 'MaleName', 'FemaleName', 'Person'])
/** compromise tag of surnames. */
export const LAST_NAME_TAGS: ReadonlySet<string> = new Set(['LastName'])
/** compromise tags of cities, countries, regions and other places. */
export const PLACE_TAGS: ReadonlySet<string> = new Set(['City', 'Country', 'Region', 'Place'])
/** compromise tags of organisations (companies, institutions, sports teams). */
export const ORGANIZATION_TAGS: ReadonlySet<string> = new Set(['Organization', 'SportsTeam'])
/** compromise tags of verb forms. */
export const VERB_TAGS: ReadonlySet<string> = new Set(['PastTense', 'PresentTense', 'Infinitive', 'Verb', 'Participle', 'PhrasalVerb', 'Gerund'])
/** Tags of ordinary (non-proper) words: a capitalised sentence-initial word with one of these is not a name. */
export const COMMON_TAGS: ReadonlySet<string> = new Set([
  'Adjective', 'Singular', 'Plural', 'Uncountable', 'Noun', 'Adverb', 'Preposition', 'Conjunction', 'Determiner',
  'Pronoun', 'Expression', 'Comparative', 'Superlative', 'Actor', 'Unit', 'Duration', 'Modal', 'QuestionWord',
  'Cardinal', 'Ordinal', 'TextValue', 'Copula', 'Negative', 'Condition', 'Imperative', 'Reflexive', 'Possessive',
  ...VERB_TAGS,
])

/** Last words that make a capitalised sequence an organisation (plus compromise's orgWords). */
const ORGANIZATION_SUFFIXES = new Set([
  'inc', 'ltd', 'llc', 'llp', 'gmbh', 'corp', 'corporation', 'co', 'plc', 'ag', 'sa', 'sas', 'bv', 'nv', 'oy', 'ab', 'kg',
  'group', 'labs', 'lab', 'technologies', 'technology', 'systems', 'software', 'solutions', 'partners', 'holdings',
  'ventures', 'capital', 'bank', 'university', 'foundation', 'institute', 'agency', 'studios', 'networks', 'industries',
  'consulting', 'analytics', 'media', 'pharma', 'energy', 'logistics', 'insurance', 'motors', 'airlines', 'telecom',
  'company', 'enterprises', 'associates', 'council', 'ministry', 'department', 'committee', 'hospital', 'college',
])
for (const word of Object.keys(model.two.orgWords)) ORGANIZATION_SUFFIXES.add(word)
/** True when `lowercaseWord` is a typical last word of an organisation name. */
export function isOrganizationSuffix(lowercaseWord: string): boolean {
  return ORGANIZATION_SUFFIXES.has(lowercaseWord.replace(/\.$/, ''))
}

const PLACE_SUFFIXES = new Set(['street', 'st', 'avenue', 'ave', 'road', 'rd', 'square', 'park', 'city', 'county', 'province', 'valley', 'island', 'islands', 'river', 'lake', 'mountains', 'airport', 'station'])
for (const word of Object.keys(model.two.placeWords)) PLACE_SUFFIXES.add(word)
/** True when `lowercaseWord` is a typical last word of a place name (street, river, bay...). */
export function isPlaceSuffix(lowercaseWord: string): boolean {
  return PLACE_SUFFIXES.has(lowercaseWord)
}

/** Honorifics that introduce a person's name (dropped from the name). */
export const HONORIFICS: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'professor', 'sir', 'dame', 'mx'])

/** Well-known software and hardware products (lowercase; matched on whole capitalised tokens). */
export const PRODUCTS: ReadonlySet<string> = new Set([
  'iphone', 'ipad', 'macbook', 'macos', 'ios', 'android', 'windows', 'linux', 'ubuntu', 'debian', 'kubernetes', 'docker',
  'postgres', 'postgresql', 'mysql', 'sqlite', 'redis', 'kafka', 'elasticsearch', 'mongodb', 'terraform', 'jenkins',
  'github', 'gitlab', 'jira', 'confluence', 'slack', 'zoom', 'excel', 'outlook', 'photoshop', 'figma', 'notion',
  'chrome', 'firefox', 'safari', 'node', 'node.js', 'react', 'vue', 'angular', 'typescript',
  'python', 'java', 'rust', 'golang', 'graphql', 'nginx', 'grafana', 'prometheus',
  'aws', 's3', 'ec2', 'lambda', 'bigquery', 'tableau', 'playstation', 'xbox', 'kindle', 'alexa', 'chatgpt',
  'claude', 'gemini', 'copilot', 'vscode', 'xcode', 'webpack', 'vite', 'airflow', 'spark', 'hadoop', 'openshift', 'ansible',
])

/** Upper-case words that are not organisations (so the acronym rule skips them). */
export const NON_ENTITY_ACRONYMS: ReadonlySet<string> = new Set([
  'i', 'a', 'ok', 'okay', 'api', 'apis', 'ui', 'ux', 'qa', 'pr', 'prs', 'ci', 'cd', 'ceo', 'cto', 'cfo', 'coo', 'vp', 'hr',
  'it', 'eta', 'eod', 'eow', 'fyi', 'asap', 'tbd', 'todo', 'faq', 'pdf', 'csv', 'json', 'xml', 'html', 'css', 'sql', 'url',
  'id', 'ids', 'db', 'tl', 'dr', 'am', 'pm', 'us', 'uk', 'eu', 'usd', 'eur', 'gbp', 'kpi', 'okr', 'okrs', 'sla', 'slas',
  'mvp', 'poc', 'rfc', 'sdk', 'cli', 'gpu', 'cpu', 'ram', 'ssd', 'os', 'vm', 'dns', 'tls', 'ssl', 'http', 'https', 'rest',
  'utc', 'gmt', 'cet', 'cest', 'pst', 'pdt', 'est', 'edt', 'nda', 'sow', 'msa', 'roi', 'arr', 'mrr', 'b2b', 'saas', 'q1', 'q2', 'q3', 'q4', 'h1', 'h2', 'fy', 'n/a', 'na', 'no', 'yes', 'p0', 'p1', 'p2', 'p3', 'sev1', 'sev2', 'rca', 'ooo',
])

/**
 * English stopwords: function words and very common verbs/adverbs that never make
 * a keyphrase on their own.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(`a about above after again against all also am an and any are aren't as at be
because been before being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each either else ever every few for from further get gets got had hadn't has hasn't have haven't having he he'd he'll
he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself
just let's like may me might more most much must mustn't my myself neither no nor not now of off on once only or other ought
our ours ourselves out over own per please quite rather really same shall shan't she she'd she'll she's should shouldn't so
some still such than that that's the their theirs them themselves then there there's these they they'd they'll they're
they've this those though through thus to too under until up upon us very via was wasn't we we'd we'll we're we've were
weren't what what's when when's where where's whether which while who who's whom whose why why's will with within without
won't would wouldn't yet you you'd you'll you're you've your yours yourself yourselves hi hello hey thanks thank ok okay yes
one two three four five six seven eight nine ten new next last first second many lot lots etc e.g i.e re fw fwd cc
already around back even going gonna maybe need needs needed see seems soon sure want wants wanted way well make makes made
said says say tell told think thought know known use used using today tomorrow yesterday week weeks month months year years
day days time times thing things something anything everything nothing someone anyone everyone`.split(/\s+/))

/** Pronouns: never kept as the subject or object of a relationship. */
export const PRONOUNS: ReadonlySet<string> = new Set(['i', 'you', 'he', 'she', 'it', 'we', 'they', 'me', 'him', 'her', 'us', 'them', 'this', 'that', 'these', 'those', 'who', 'which', 'what', 'there', 'here', 'everyone', 'someone', 'nobody'])

const lemmaCache = new Map<string, string>()
const LEMMA_CACHE_LIMIT = 20_000

/**
 * The infinitive of a verb form (`approved` → `approve`, `works` → `work`, `built` → `build`),
 * using compromise's conjugation model. Cached; unknown words come back unchanged.
 */
export function verbLemma(lowercaseWord: string): string {
  const cached = lemmaCache.get(lowercaseWord)
  if (cached !== undefined) return cached
  const tags = lexiconTags(lowercaseWord)
  const tense = hasTag(tags, INFINITIVE_TAGS) ? undefined
    : lowercaseWord.endsWith('ing') ? 'Gerund'
    : lowercaseWord.endsWith('s') && !lowercaseWord.endsWith('ss') ? 'PresentTense' : 'PastTense'
  let lemma = lowercaseWord
  if (tense !== undefined) {
    try {
      const converted = methods.two.transform.verb.toInfinitive(lowercaseWord, model, tense)
      if (typeof converted === 'string' && converted.length > 0) lemma = converted
    } catch {
      lemma = lowercaseWord
    }
  }
  if (lemmaCache.size >= LEMMA_CACHE_LIMIT) lemmaCache.clear()
  lemmaCache.set(lowercaseWord, lemma)
  return lemma
}
const INFINITIVE_TAGS: ReadonlySet<string> = new Set(['Infinitive'])

/** Tags of words that never head a keyphrase: finite verbs, function words, adverbs. */
export const FINITE_OR_FUNCTION_TAGS: ReadonlySet<string> = new Set([
  'PastTense', 'PresentTense', 'Modal', 'Copula', 'Adverb', 'Preposition', 'Conjunction', 'Determiner', 'Pronoun',
  'Expression', 'QuestionWord', 'Negative', 'Condition', 'Reflexive', 'Possessive',
])
