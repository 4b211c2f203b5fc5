import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { GenerateRequest, LanguageModelV1 } from '../spec/index.js'
import { expectModelCallError } from './expect-model-call-error.js'
import { startTestServer, type TestServer } from './test-server.js'

/** A started test server that is reset before each test and closed after the file. */
export function useTestServer(): { readonly server: TestServer } {
  const holder = {} as { server: TestServer }
  beforeAll(async () => {
    holder.server = await startTestServer()
  })
  afterAll(async () => {
    await holder.server.close()
  })
  beforeEach(() => {
    holder.server.requests.length = 0
  })
  return holder
}

/** What the shared failure suite needs from one provider. */
export interface ProviderFailureSuiteArgs {
  readonly provider: string
  /** The wire path the model posts to, e.g. '/v1/chat/completions'. */
  readonly path: string
  /** A model pointed at the server, with the given whole-call timeout. */
  readonly createModel: (args: { readonly baseUrl: string; readonly timeoutMs: number }) => LanguageModelV1
  /** The provider's documented error body for an HTTP status (from its fixtures). */
  readonly errorBody: (status: 400 | 401 | 404 | 429 | 500) => unknown
  /** A valid reply body, used for the stalled-mid-body case. */
  readonly validBody: unknown
  /** The setting an auth failure must name, if any. */
  readonly keySetting?: string
}

const hello: GenerateRequest = { messages: [{ role: 'user', content: 'Hello' }] }

/**
 * One failure-mapping suite run against every HTTP provider through its official
 * client: 400/401/404/429 (Retry-After)/500/503, a body that is not JSON, a body
 * that is JSON of the wrong shape, stalls before headers and mid-body, a caller
 * abort, and the client's own retries being off.
 */
export function describeProviderFailures(args: ProviderFailureSuiteArgs): void {
  describe(`${args.provider}: failures map to ModelCallError`, () => {
    const holder = useTestServer()
    const model = (timeoutMs = 5_000): LanguageModelV1 => args.createModel({ baseUrl: holder.server.url, timeoutMs })

    it.each([
      [400, 400, 'MODEL_CALL_FAILED', false],
      [401, 401, 'MODEL_AUTH_FAILED', false],
      [403, 401, 'MODEL_AUTH_FAILED', false],
      [404, 404, 'MODEL_NOT_FOUND', false],
      [500, 500, 'MODEL_CALL_FAILED', true],
      [503, 500, 'MODEL_CALL_FAILED', true],
    ] as const)('HTTP %i is %s (retryable: %s), sent once', async (status, bodyOf, code, isRetryable) => {
      holder.server.respond(args.path, { status, body: args.errorBody(bodyOf) })
      const error = await expectModelCallError(model().doGenerate(hello), { code, isRetryable })
      expect(error.statusCode).toBe(status)
      expect(error.provider).toBe(args.provider)
      expect(holder.server.requests).toHaveLength(1)
    })

    if (args.keySetting !== undefined) {
      const keySetting = args.keySetting
      it(`names ${keySetting} when the key is rejected`, async () => {
        holder.server.respond(args.path, { status: 401, body: args.errorBody(401) })
        await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_AUTH_FAILED', isRetryable: false, message: new RegExp(keySetting) })
      })
    }

    it('429 is MODEL_RATE_LIMITED with retryAfterMs from Retry-After', async () => {
      holder.server.respond(args.path, { status: 429, headers: { 'retry-after': '7' }, body: args.errorBody(429) })
      await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_RATE_LIMITED', isRetryable: true, retryAfterMs: 7000 })
    })

    it('a body that is not JSON is a non-retryable malformed reply', async () => {
      holder.server.respond(args.path, { rawBody: '{"id": "x", "content": [' })
      await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /malformed/ })
    })

    it('JSON of the wrong shape is a non-retryable malformed reply', async () => {
      holder.server.respond(args.path, { body: { unexpected: true } })
      await expectModelCallError(model().doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: false, message: /malformed/ })
    })

    it('a server that never answers, or stalls mid-body, times out', async () => {
      holder.server.respond(args.path, { stall: 'before-headers' }, { stall: 'mid-body', body: args.validBody })
      await expectModelCallError(model(150).doGenerate(hello), { code: 'MODEL_TIMEOUT', isRetryable: true })
      await expectModelCallError(model(150).doGenerate(hello), { code: 'MODEL_TIMEOUT', isRetryable: true })
    })

    it('the caller aborting is MODEL_ABORTED', async () => {
      holder.server.respond(args.path, { stall: 'before-headers' })
      const controller = new AbortController()
      const call = model().doGenerate({ ...hello, abortSignal: controller.signal })
      setTimeout(() => controller.abort(), 20)
      await expectModelCallError(call, { code: 'MODEL_ABORTED', isRetryable: false })
    })

    it('an unreachable server is a retryable MODEL_CALL_FAILED', async () => {
      const closed = await startTestServer()
      await closed.close()
      const unreachable = args.createModel({ baseUrl: closed.url, timeoutMs: 2_000 })
      await expectModelCallError(unreachable.doGenerate(hello), { code: 'MODEL_CALL_FAILED', isRetryable: true, message: /reach/ })
    })
  })
}
