export { encodeKey, decodeKey, decodeKeyGuess, encodeKeyInto, type Key } from './key-codec.js'
export { encodeValue, decodeValue, keyWasString, KEY_IS_STRING_FLAG, VALUE_KIND_JSON, VALUE_KIND_BYTES, type JsonValue, type Value } from './value-codec.js'
export * from './limits.js'
