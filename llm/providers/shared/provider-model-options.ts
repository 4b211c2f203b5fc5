/** Per-call timeout when none is configured (covers the whole reply, body included). */
export const DEFAULT_TIMEOUT_MS = 60_000

/** What every HTTP provider model is created from. */
export interface ProviderModelOptions {
  /** The provider's own model name, e.g. 'gpt-4.1-mini' (no provider prefix). */
  readonly modelId: string
  readonly apiKey?: string
  /** Endpoint override, e.g. a proxy or a local server. */
  readonly baseUrl?: string
  /** Abort the call (reply body included) after this many milliseconds; default 60 000. */
  readonly timeoutMs?: number
  /** Extra HTTP headers sent with every call. */
  readonly headers?: Readonly<Record<string, string>>
}
