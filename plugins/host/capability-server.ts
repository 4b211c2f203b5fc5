import { z } from 'zod'
import { LivingDbError } from '../../errors/index.js'
import { ledgerEntryIdOf } from '../../llm/guards/index.js'
import type { JsonValue } from '../spec/json-value.js'
import { PluginError } from '../spec/plugin-error.js'
import type { PluginPermissions } from '../spec/plugin-permissions.js'
import type { HostKeyspaceReader, HostSnapshot, PluginHostDatabase } from './host-database.js'
import { DEFAULT_KEYSPACE, keyToString, PluginGrants, toJsonValue } from './plugin-grants.js'
import type { PluginModelAccess } from './plugin-model-access.js'
import type { CapabilityName } from './worker-protocol.js'

/** What capability calls of one invocation may see. */
export interface InvocationScope {
  /** Reads default to this snapshot (the commit being processed, or the head). */
  readonly snapshotTxnId: number | 'head'
  /** `atTxnId` may not go past this (no peeking at commits not yet delivered). */
  readonly maxTxnId: number | 'head'
}

/** Model spend of one plugin since the host started. */
export interface PluginSpend {
  calls: number
  inputTokens: number
  outputTokens: number
  costUsd: number
}

const SCAN_LIMIT = 1_000
const getArgs = z.object({ keyspace: z.string().min(1), key: z.string().min(1), atTxnId: z.number().int().nonnegative().optional() }).strict()
const scanArgs = z.object({ keyspace: z.string().min(1), prefix: z.string().optional(), limit: z.number().int().positive().max(SCAN_LIMIT).optional(), atTxnId: z.number().int().nonnegative().optional() }).strict()
const messageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }).strict()
const generateArgs = z
  .object({
    prompt: z.string().optional(),
    messages: z.array(messageSchema).optional(),
    system: z.string().optional(),
    temperature: z.number().optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    task: z.string().optional(),
    responseSchema: z.object({ name: z.string(), schema: z.record(z.string(), z.unknown()) }).optional(),
  })
  .strict()
  .refine((value) => value.prompt !== undefined || (value.messages?.length ?? 0) > 0, 'give prompt or messages')
const embedArgs = z.object({ values: z.array(z.string()).min(1), task: z.string().optional() }).strict()

/**
 * Answers a plugin's capability requests: reads checked against its grants and served
 * from the invocation's snapshot (its own keyspaces at the head), and model calls
 * checked against `permissions.model` and its budget, scoped `plugin:<name>`.
 */
export class CapabilityServer {
  readonly spend: PluginSpend = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }
  /** The plugin this server answers for. */
  readonly plugin: string
  readonly #plugin: string
  readonly #permissions: PluginPermissions
  readonly #grants: PluginGrants
  readonly #db: PluginHostDatabase
  readonly #models: PluginModelAccess | undefined

  constructor(args: { readonly plugin: string; readonly permissions: PluginPermissions; readonly grants: PluginGrants; readonly db: PluginHostDatabase; readonly models?: PluginModelAccess }) {
    this.plugin = this.#plugin = args.plugin
    this.#permissions = args.permissions
    this.#grants = args.grants
    this.#db = args.db
    this.#models = args.models
  }

  /** Handles one request; throws `PLUGIN_PERMISSION_DENIED` and friends to refuse it. */
  async handle(args: { readonly scope: InvocationScope; readonly name: CapabilityName; readonly args: JsonValue }): Promise<JsonValue | null> {
    switch (args.name) {
      case 'read.get': {
        const request = this.#parse(getArgs, args.args, args.name)
        this.#grants.assertRead({ keyspace: request.keyspace, key: request.key })
        return this.#withSnapshot(request.keyspace, request.atTxnId, args.scope, (reader) => toJsonValue(reader.get(request.key)))
      }
      case 'read.scan': {
        const request = this.#parse(scanArgs, args.args, args.name)
        this.#grants.assertRead({ keyspace: request.keyspace, prefix: request.prefix ?? '' })
        return this.#withSnapshot(request.keyspace, request.atTxnId, args.scope, async (reader) => {
          const entries: { key: string; value: JsonValue }[] = []
          const limit = request.limit ?? SCAN_LIMIT
          for await (const entry of reader.scan({ prefix: request.prefix ?? '', limit })) {
            const key = keyToString(entry.key)
            if (key !== undefined) entries.push({ key, value: toJsonValue(entry.value) })
            if (entries.length >= limit) break
          }
          return entries
        })
      }
      case 'model.generate':
        return this.#generate(this.#parse(generateArgs, args.args, args.name))
      case 'model.embed':
        return this.#embed(this.#parse(embedArgs, args.args, args.name))
    }
  }

  #parse<T>(schema: z.ZodType<T>, value: JsonValue, name: CapabilityName): T {
    const parsed = schema.safeParse(value)
    if (!parsed.success) throw new PluginError('PLUGIN_HOOK_FAILED', `called ${name} with bad arguments: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}.`, { plugin: this.#plugin })
    return parsed.data
  }

  async #withSnapshot<T>(keyspace: string, atTxnId: number | undefined, scope: InvocationScope, use: (reader: HostKeyspaceReader) => T | Promise<T>): Promise<T> {
    const pick = (snapshot: HostSnapshot): HostKeyspaceReader => (keyspace === DEFAULT_KEYSPACE ? snapshot : snapshot.keyspace(keyspace))
    if (this.#grants.owns(keyspace) || (atTxnId === undefined && scope.snapshotTxnId === 'head')) {
      return (await this.#db.read((snapshot) => use(pick(snapshot)))) as T
    }
    const target = atTxnId ?? (scope.snapshotTxnId as number)
    if (scope.maxTxnId !== 'head' && target > scope.maxTxnId) {
      throw new PluginError('PLUGIN_PERMISSION_DENIED', `may not read as of txn ${target}: this hook sees commits up to ${scope.maxTxnId}.`, { plugin: this.#plugin })
    }
    return (await this.#db.readAt(target, (snapshot) => use(pick(snapshot)))) as T
  }

  #assertModel(): PluginModelAccess {
    const permission = this.#permissions.model
    if (permission === undefined || permission === false) {
      throw new PluginError('PLUGIN_PERMISSION_DENIED', 'has no model access. Declare permissions.model: { budget: { maxTokens } } to call models.', { plugin: this.#plugin })
    }
    const { maxTokens, maxCostUsd } = permission.budget
    if ((maxTokens !== undefined && this.spend.inputTokens + this.spend.outputTokens >= maxTokens) || (maxCostUsd !== undefined && this.spend.costUsd >= maxCostUsd)) {
      throw new LivingDbError('BUDGET_EXCEEDED', `Plugin "${this.#plugin}" spent its model budget (${JSON.stringify(permission.budget)}); nothing was called. Raise permissions.model.budget or wait for a host restart.`, {
        details: { plugin: this.#plugin, spend: { ...this.spend } },
      })
    }
    if (this.#models === undefined) {
      throw new LivingDbError('MODEL_CONFIG_INVALID', `Plugin "${this.#plugin}" called a model but the plugin host has no models. Pass createPluginHost({ models }) (open() wires the configured models).`)
    }
    return this.#models
  }

  async #generate(request: z.infer<typeof generateArgs>): Promise<JsonValue> {
    const models = this.#assertModel()
    const messages = [
      ...(request.system === undefined ? [] : [{ role: 'system' as const, content: request.system }]),
      ...(request.messages ?? []),
      ...(request.prompt === undefined ? [] : [{ role: 'user' as const, content: request.prompt }]),
    ]
    const result = await models.generate({
      request: {
        messages,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
        ...(request.responseSchema === undefined ? {} : { responseSchema: request.responseSchema }),
      },
      context: { scope: `plugin:${this.#plugin}`, ...(request.task === undefined ? {} : { task: request.task }) },
    })
    this.spend.calls++
    this.spend.inputTokens += result.usage.inputTokens
    this.spend.outputTokens += result.usage.outputTokens
    this.spend.costUsd += result.costUsd ?? 0
    // The ledger entry and model id let a plugin record provenance (which cached call made a fact).
    return {
      text: result.text,
      usage: { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
      ledgerEntryId: ledgerEntryIdOf(result) ?? null,
      modelId: result.modelId ?? result.response?.modelId ?? null,
    }
  }

  async #embed(request: z.infer<typeof embedArgs>): Promise<JsonValue> {
    const models = this.#assertModel()
    const result = await models.embed({ request: { values: request.values }, context: { scope: `plugin:${this.#plugin}`, task: request.task ?? 'embedding' } })
    this.spend.calls++
    this.spend.inputTokens += result.usage.inputTokens
    this.spend.costUsd += result.costUsd ?? 0
    return { embeddings: result.embeddings.map((vector) => [...vector]), usage: { inputTokens: result.usage.inputTokens } }
  }
}
