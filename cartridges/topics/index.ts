/** The topics cartridge: a BM25 inverted index with segmented postings. */
export { createTopicsCartridge, TOPICS_CARTRIDGE_VERSION, type TopicsCartridgeOptions } from './create-topics-cartridge.js'
export { DEFAULT_BM25, bm25Idf, bm25TermScore, type Bm25Parameters } from './bm25.js'
export { tokenize, stem, MAX_TOKEN_LENGTH } from './tokenize.js'
export { ENGLISH_STOPWORDS } from './stopwords.js'
export { extractText, type TextFields } from './extract-text.js'
export { searchTopics, type SearchTopicsArgs, type TopicsHit } from './search-topics.js'
export type { TopicsForwardRecord } from './apply-topics.js'
