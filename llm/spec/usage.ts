/** Token accounting for one call. */
export interface Usage {
  readonly inputTokens: number
  readonly outputTokens: number
}

/** Why generation stopped. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other'
