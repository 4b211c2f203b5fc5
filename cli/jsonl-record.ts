import { LivingDbError } from '../errors/index.js'
import type { JsonValue, Value } from '../index.js'

/** A key or value as the engine stores it. */
export type StoredKey = string | Uint8Array

/**
 * One line of the import/export format. Keys and values are plain JSON; binary
 * ones are base64 text flagged by `keyEncoding`/`valueEncoding: "base64"`.
 *
 * @example
 * {"key":"notes/1","value":{"text":"hi"}}
 * {"key":"blobs/logo","value":"iVBORw0KGgo=","valueEncoding":"base64"}
 */
export interface JsonlRecord {
  readonly key: string
  readonly value: unknown
  readonly keyEncoding?: 'base64'
  readonly valueEncoding?: 'base64'
}

/** A decoded import line, ready for `tx.put`. */
export interface DecodedRecord {
  readonly key: StoredKey
  readonly value: Value
}

const FIELDS = new Set(['key', 'value', 'keyEncoding', 'valueEncoding'])

/** The export line for one stored record. */
export function encodeRecord(key: StoredKey, value: unknown): JsonlRecord {
  const keyPart = typeof key === 'string' ? { key } : { key: toBase64(key), keyEncoding: 'base64' as const }
  if (value instanceof Uint8Array) return { ...keyPart, value: toBase64(value), valueEncoding: 'base64' }
  return { ...keyPart, value }
}

/**
 * Parses one import line. Any problem is an `IMPORT_INVALID` error naming the
 * line number and what to fix; nothing is silently dropped or coerced.
 */
export function decodeRecordLine(args: { readonly text: string; readonly lineNumber: number; readonly file: string }): DecodedRecord {
  const where = `${args.file} line ${args.lineNumber}`
  let parsed: unknown
  try {
    parsed = JSON.parse(args.text)
  } catch (error) {
    throw invalid(`${where} is not valid JSON (${(error as Error).message}). Each line must be one object like {"key": "notes/1", "value": {...}}.`, args)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid(`${where} is ${Array.isArray(parsed) ? 'an array' : `a ${parsed === null ? 'null' : typeof parsed}`}, not an object. Each line must be {"key": "...", "value": ...}.`, args)
  }
  const record = parsed as Record<string, unknown>
  const unknownField = Object.keys(record).find(field => !FIELDS.has(field))
  if (unknownField !== undefined) {
    throw invalid(`${where} has an unexpected field "${unknownField}". Only "key", "value", "keyEncoding" and "valueEncoding" are allowed; move extra data inside "value".`, args)
  }
  if (typeof record.key !== 'string' || record.key.length === 0) {
    throw invalid(`${where} needs a non-empty string "key" (got ${describe(record.key)}).`, args)
  }
  if (!('value' in record)) throw invalid(`${where} has no "value". Add one; use null for an empty value.`, args)
  return {
    key: decodeField({ text: record.key, encoding: record.keyEncoding, field: 'key', where, args }),
    value: record.valueEncoding === undefined ? (record.value as JsonValue) : decodeField({ text: record.value, encoding: record.valueEncoding, field: 'value', where, args }),
  }
}

function decodeField(input: { readonly text: unknown; readonly encoding: unknown; readonly field: string; readonly where: string; readonly args: { readonly lineNumber: number; readonly file: string } }): string | Uint8Array {
  if (input.encoding === undefined && typeof input.text === 'string') return input.text
  if (input.encoding !== 'base64') {
    throw invalid(`${input.where} has ${input.field}Encoding ${JSON.stringify(input.encoding)}; the only supported encoding is "base64".`, input.args)
  }
  if (typeof input.text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(input.text) || input.text.length % 4 !== 0) {
    throw invalid(`${input.where} says its ${input.field} is base64 but it is not valid base64 text.`, input.args)
  }
  return new Uint8Array(Buffer.from(input.text, 'base64'))
}

function invalid(message: string, args: { readonly lineNumber: number; readonly file: string }): LivingDbError {
  return new LivingDbError('IMPORT_INVALID', message, { details: { line: args.lineNumber, file: args.file } })
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return 'an empty string'
  return JSON.stringify(value) ?? typeof value
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/** A key as a person reads it: the string itself, or `0x…` hex for binary keys. */
export function formatKey(key: StoredKey): string {
  return typeof key === 'string' ? key : `0x${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')}`
}

/** A value as a person reads it: compact JSON, or `<N bytes>` with base64 for binary values. */
export function formatValue(value: unknown): string {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes base64:${toBase64(value)}>`
  return JSON.stringify(value) ?? String(value)
}
