import { MarketplaceError } from './marketplace-error.js'

/** Arguments of {@link fetchLimited}. */
export interface FetchLimitedArgs {
  readonly url: string
  /** Bodies larger than this are refused with `MARKETPLACE_PACKAGE_TOO_LARGE` (tarballs) or `MARKETPLACE_REGISTRY_INVALID`. */
  readonly maxBytes: number
  readonly what: 'tarball' | 'index'
  /** Whole-request timeout, ms. Default 30,000. */
  readonly timeoutMs?: number
  readonly accept?: string
}

function unreachable(url: string, reason: string, cause?: unknown): MarketplaceError {
  return new MarketplaceError('MARKETPLACE_REGISTRY_UNREACHABLE', `The registry could not be read at ${url}: ${reason}. Check the --registry address and your connection, then retry; nothing was installed.`, {
    details: { url, reason },
    ...(cause === undefined ? {} : { cause }),
  })
}

function overLimit(args: FetchLimitedArgs, size: number): MarketplaceError {
  return args.what === 'tarball'
    ? new MarketplaceError('MARKETPLACE_PACKAGE_TOO_LARGE', `The package at ${args.url} is larger than ${args.maxBytes} bytes (${size} or more). Refused.`, { details: { url: args.url, maxBytes: args.maxBytes } })
    : new MarketplaceError('MARKETPLACE_REGISTRY_INVALID', `The registry answer at ${args.url} is larger than ${args.maxBytes} bytes. Refused; is this a livingdb or npm registry?`, { details: { url: args.url, maxBytes: args.maxBytes } })
}

/**
 * GETs an http(s) URL and returns its body, or `undefined` for 404. Refuses other
 * schemes, non-2xx answers and network failures (`MARKETPLACE_REGISTRY_UNREACHABLE`)
 * and bodies over `maxBytes` (stops reading at the limit).
 */
export async function fetchLimited(args: FetchLimitedArgs): Promise<Uint8Array | undefined> {
  let parsed: URL
  try {
    parsed = new URL(args.url)
  } catch {
    throw unreachable(args.url, 'it is not a URL')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw unreachable(args.url, `only http: and https: registries are supported, not ${parsed.protocol}`)
  const signal = AbortSignal.timeout(args.timeoutMs ?? 30_000)
  let response: Response
  try {
    response = await fetch(parsed, { signal, redirect: 'follow', headers: { accept: args.accept ?? 'application/json, application/octet-stream' } })
  } catch (error) {
    throw unreachable(args.url, (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message, error)
  }
  if (response.status === 404) {
    await response.body?.cancel().catch(() => {})
    return undefined
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {})
    throw unreachable(args.url, `it answered HTTP ${response.status}`)
  }
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > args.maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw overLimit(args, declared)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    if (response.body !== null) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length
        if (size > args.maxBytes) {
          await response.body.cancel().catch(() => {})
          throw overLimit(args, size)
        }
        chunks.push(chunk)
      }
    }
  } catch (error) {
    if (error instanceof MarketplaceError) throw error
    throw unreachable(args.url, `the connection failed while reading (${(error as Error).message})`, error)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return body
}

/** Parses a JSON registry answer; `MARKETPLACE_REGISTRY_INVALID` when it is not JSON. */
export function parseRegistryJson(bytes: Uint8Array, where: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    throw new MarketplaceError('MARKETPLACE_REGISTRY_INVALID', `${where} is not JSON (${(error as Error).message}). Is the --registry address a livingdb registry (or npm:URL for an npm registry)?`, { details: { where } })
  }
}
