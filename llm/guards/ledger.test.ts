import { describe, expect, it } from 'vitest'
import type { GenerateRequest } from '../spec/index.js'
import { MemoryLedgerStore } from '../stores/index.js'
import { canonicalJson, requestHash } from './canonical-json.js'
import { guardEmbeddingModel, guardLanguageModel } from './compose.js'
import { createLedgerGuard, ledgerEntryIdOf, type LedgerEntryEvent } from './ledger.js'
import { createFakeEmbeddingModel, createFakeModel } from './test-support/fake-models.js'

const request: GenerateRequest = {
  messages: [{ role: 'system', content: 'Extract.' }, { role: 'user', content: 'Ada Lovelace met Babbage in 1833.' }],
  responseSchema: { name: 'entities', schema: { type: 'object', properties: { names: { type: 'array' } } } },
  temperature: 0.7,
}

describe('ledger guard', () => {
  it('records in read-write mode and replays byte-identical results without calling the model', async () => {
    const store = new MemoryLedgerStore()
    const model = createFakeModel({ reply: () => '{"names":["Ada Lovelace","Babbage"]}', usage: { inputTokens: 20, outputTokens: 9 } })
    const events: LedgerEntryEvent[] = []
    const recorder = guardLanguageModel({ model, middleware: [createLedgerGuard({ store, onEntry: (event) => events.push(event) })], context: { scope: 'test' } })
    const first = await recorder.doGenerate(request)
    const repeat = await recorder.doGenerate({ ...request, abortSignal: new AbortController().signal })
    expect(model.requests).toHaveLength(1)
    expect(JSON.stringify(repeat)).toBe(JSON.stringify(first))

    const replayModel = createFakeModel({ reply: () => 'must not be called' })
    const replayer = guardLanguageModel({ model: { ...replayModel, provider: model.provider, modelId: model.modelId }, middleware: [createLedgerGuard({ store, mode: 'replay' })], context: { scope: 'other' } })
    const replayed = await replayer.doGenerate(request)
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(first))
    expect(replayModel.requests).toHaveLength(0)

    const id = requestHash({ kind: 'generate', provider: 'fake', modelId: 'fake-1', request })
    expect(ledgerEntryIdOf(first)).toBe(id)
    expect(events).toEqual([{ id, kind: 'generate', hit: false }, { id, kind: 'generate', hit: true }])
  })

  it('throws LEDGER_MISS naming the request hash on a replay miss', async () => {
    const model = createFakeModel()
    const replayer = guardLanguageModel({ model, middleware: [createLedgerGuard({ store: new MemoryLedgerStore(), mode: 'replay' })], context: { scope: 'test' } })
    const id = requestHash({ kind: 'generate', provider: 'fake', modelId: 'fake-1', request })
    await expect(replayer.doGenerate(request)).rejects.toMatchObject({ code: 'LEDGER_MISS', isRetryable: false, details: { requestHash: id } })
    await expect(replayer.doGenerate(request)).rejects.toThrow(id)
    expect(model.requests).toHaveLength(0)
  })

  it('keys on provider, model and every request field', async () => {
    const store = new MemoryLedgerStore()
    const model = createFakeModel()
    const guarded = guardLanguageModel({ model, middleware: [createLedgerGuard({ store })], context: { scope: 'test' } })
    await guarded.doGenerate(request)
    await guarded.doGenerate({ ...request, temperature: 0 })
    await guarded.doGenerate({ ...request, messages: request.messages.slice(1) })
    const other = createFakeModel({ modelId: 'fake-2' })
    await guardLanguageModel({ model: other, middleware: [createLedgerGuard({ store })], context: { scope: 'test' } }).doGenerate(request)
    expect(model.requests).toHaveLength(3)
    expect(other.requests).toHaveLength(1)
    expect(store.size).toBe(4)
  })

  it('shares one model call between identical requests in flight, and passes through when off', async () => {
    const model = createFakeModel()
    const guarded = guardLanguageModel({ model, middleware: [createLedgerGuard({ store: new MemoryLedgerStore() })], context: { scope: 'test' } })
    const results = await Promise.all([guarded.doGenerate(request), guarded.doGenerate(request), guarded.doGenerate(request)])
    expect(model.requests).toHaveLength(1)
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1)
    const off = guardLanguageModel({ model, middleware: [createLedgerGuard({ store: new MemoryLedgerStore(), mode: 'off' })], context: { scope: 'test' } })
    await off.doGenerate(request)
    await off.doGenerate(request)
    expect(model.requests).toHaveLength(3)
  })

  it('records embeddings too', async () => {
    const model = createFakeEmbeddingModel()
    const store = new MemoryLedgerStore()
    const guarded = guardEmbeddingModel({ model, middleware: [createLedgerGuard({ store })], context: { scope: 'test' } })
    const first = await guarded.doEmbed({ values: ['alpha', 'beta 2'] })
    const replayed = await guardEmbeddingModel({ model, middleware: [createLedgerGuard({ store, mode: 'replay' })], context: { scope: 'test' } }).doEmbed({ values: ['alpha', 'beta 2'] })
    expect(replayed).toEqual(first)
    expect(model.requests).toHaveLength(1)
  })

  it('rejects an unknown mode', () => {
    expect(() => createLedgerGuard({ store: new MemoryLedgerStore(), mode: 'replay-only' as never })).toThrow(/not one of/)
  })

  it('hashes canonical JSON: key order and undefined fields do not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, 'x'], c: null }, e: undefined })).toBe('{"a":{"c":null,"d":[1,null,"x"]},"b":1}')
    const reordered = { temperature: 0.7, responseSchema: request.responseSchema, messages: request.messages, maxOutputTokens: undefined }
    expect(requestHash({ kind: 'generate', provider: 'p', modelId: 'm', request: reordered })).toBe(requestHash({ kind: 'generate', provider: 'p', modelId: 'm', request }))
  })
})
