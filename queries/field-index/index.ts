/** The field index cartridge: short scalar field values → record keys, for filters that need not scan. */
export { createFieldIndexCartridge, FIELD_INDEX_CARTRIDGE_VERSION, type FieldIndexCartridgeOptions } from './create-field-index-cartridge.js'
export { indexedPairs, MAX_INDEXED_STRING, type FieldIndexForward, type FieldIndexStats } from './apply-field-index.js'
export { fieldIndexKeys, valueComponent, type IndexedValue } from './field-index-keys.js'
