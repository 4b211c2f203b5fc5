import * as crypto from 'node:crypto'

/**
 * JSON with object keys sorted (recursively), so equal values always serialise to
 * the same string. Follows `JSON.stringify` for everything else: `undefined`,
 * functions and symbols are dropped from objects and become `null` in arrays,
 * non-finite numbers become `null`, `toJSON()` is honoured, symbol keys are ignored.
 * `omitKeys` drops top-level keys (the ledger omits `abortSignal`).
 *
 * @example
 * canonicalJson({ b: 1, a: [true, 'x'] }) // '{"a":[true,"x"],"b":1}'
 */
export function canonicalJson(value: unknown, omitKeys?: ReadonlySet<string>): string {
  return write(value, omitKeys) ?? 'null'
}

function write(value: unknown, omitKeys?: ReadonlySet<string>): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null'
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) {
        let text = '['
        for (let index = 0; index < value.length; index++) {
          if (index > 0) text += ','
          text += write(value[index]) ?? 'null'
        }
        return text + ']'
      }
      const withJson = value as { toJSON?: () => unknown }
      if (typeof withJson.toJSON === 'function') return write(withJson.toJSON())
      const keys = Object.keys(value).sort()
      let text = '{'
      let first = true
      for (const key of keys) {
        if (omitKeys?.has(key)) continue
        const item = write((value as Record<string, unknown>)[key])
        if (item === undefined) continue
        text += (first ? '' : ',') + quoteKey(key) + ':' + item
        first = false
      }
      return text + '}'
    }
    default:
      return undefined
  }
}

const quotedKeys = new Map<string, string>()

/** Object keys repeat across requests and records: quote each once. */
function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key)
  if (quoted === undefined) {
    quoted = JSON.stringify(key)
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted)
  }
  return quoted
}

const OMIT_FROM_HASH: ReadonlySet<string> = new Set(['abortSignal'])

/**
 * The stable identity of a model request: sha256 (hex) over the call kind, provider,
 * model id and the request as canonical JSON without its abort signal. Used as the
 * ledger key and recorded in audit records.
 *
 * @example
 * requestHash({ kind: 'generate', provider: 'openai', modelId: 'gpt-4.1-mini', request })
 */
export function requestHash(args: {
  readonly kind: 'generate' | 'embed'
  readonly provider: string
  readonly modelId: string
  readonly request: object
}): string {
  const text = `livingdb.request.v1\n${args.kind}\n${args.provider}\n${args.modelId}\n${canonicalJson(args.request, OMIT_FROM_HASH)}`
  return sha256Hex(text)
}

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'hex') => string
const oneShotHash = (crypto as unknown as { hash?: OneShotHash }).hash

/** sha256 of a UTF-8 string, hex; uses Node's one-shot `crypto.hash` (2× faster on small inputs) when present. */
export function sha256Hex(text: string): string {
  return oneShotHash !== undefined ? oneShotHash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex')
}
