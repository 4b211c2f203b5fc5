import { createHash } from 'node:crypto'
import { extractText } from '../../../cartridges/topics/extract-text.js'
import { encodeVectorBase64 } from '../../../cartridges/vectors/vector-record.js'
import { embedMany } from '../../../llm/generate/embed.js'
import { createOfflineEmbeddingModel } from '../../../llm/providers/offline/offline-embedding-model.js'
import { readJsonPath } from '../../../cartridges/spec/key-component.js'
import type { JsonValue, PluginCommit, PluginModelClient, PluginReader, PluginWriteOperation } from '../../spec/index.js'
import { type EmbedderConfig, embedderModelId } from './embedder-config.js'

/** An embedding record as the embedder writes it (the vectors cartridge reads `vector` and `metadata`). */
export interface EmbeddingRecord {
  /** Float32 little-endian bytes, base64. */
  readonly vector: string
  readonly dimensions: number
  readonly modelId: string
  readonly sourceKeyspace: string
  readonly sourceKey: string
  /** The commit whose text this vector embeds. */
  readonly sourceTxnId: number
  /** sha256 of (model id, text): unchanged text is not embedded again. */
  readonly textHash: string
  readonly metadata: { readonly [field: string]: JsonValue }
  /** The ledger entry of the model call (null for the offline embedder, which calls no model). */
  readonly ledgerEntryId: string | null
}

/** Arguments of {@link embedCommits}. */
export interface EmbedCommitsArgs {
  readonly commits: readonly PluginCommit[]
  readonly config: EmbedderConfig
  /** Where embeddings are written (the plugin's own keyspace). */
  readonly outputKeyspace: string
  readonly read: PluginReader
  readonly model: PluginModelClient
}

interface Pending {
  readonly key: string
  readonly txnId: number
  readonly text: string
  readonly textHash: string
  readonly metadata: { [field: string]: JsonValue }
}

function metadataOf(value: JsonValue | undefined, paths: readonly string[]): { [field: string]: JsonValue } {
  const metadata: { [field: string]: JsonValue } = {}
  for (const path of paths) {
    const found = readJsonPath(value, path)
    if (found !== undefined) metadata[path] = found as JsonValue
  }
  return metadata
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * The embedder's work for one batch of commits: the last operation per source key wins;
 * a deleted record, or one without text, loses its embedding; records whose text did
 * not change keep their vector (only new metadata is written); the rest are embedded in
 * batches of `batchSize` — locally with the offline hashing embedder (`embedMany`), or
 * through the host's guarded model client. Returns the writes, in key order.
 */
export async function embedCommits(args: EmbedCommitsArgs): Promise<PluginWriteOperation[]> {
  const { config, outputKeyspace } = args
  const modelId = embedderModelId(config)
  const latest = new Map<string, { readonly txnId: number; readonly value: JsonValue | undefined; readonly type: 'put' | 'delete' }>()
  for (const commit of args.commits) {
    for (const operation of commit.operations) {
      if (operation.keyspace !== config.sourceKeyspace || !operation.key.startsWith(config.prefix)) continue
      latest.set(operation.key, { txnId: commit.txnId, value: operation.value, type: operation.type })
    }
  }
  const writes: PluginWriteOperation[] = []
  const pending: Pending[] = []
  for (const key of [...latest.keys()].sort()) {
    const operation = latest.get(key)!
    const text = operation.type === 'put' ? extractText(operation.value, config.fields).slice(0, config.maxTextLength) : ''
    if (text.trim() === '') {
      writes.push({ type: 'delete', keyspace: outputKeyspace, key })
      continue
    }
    const textHash = createHash('sha256').update(`${modelId}\u0000${text}`).digest('hex').slice(0, 32)
    const metadata = metadataOf(operation.value, config.metadataFields)
    if (config.skipUnchanged) {
      const stored = (await args.read.get({ keyspace: outputKeyspace, key })) as unknown as EmbeddingRecord | undefined
      if (stored !== undefined && stored.textHash === textHash) {
        if (!sameJson(stored.metadata, metadata)) writes.push({ type: 'put', keyspace: outputKeyspace, key, value: { ...stored, metadata } as unknown as JsonValue })
        continue
      }
    }
    pending.push({ key, txnId: operation.txnId, text, textHash, metadata })
  }
  const vectors = await embedTexts(args, pending.map((item) => item.text))
  pending.forEach((item, index) => {
    const vector = vectors[index]!
    const record: EmbeddingRecord = {
      vector: encodeVectorBase64(vector),
      dimensions: vector.length,
      modelId,
      sourceKeyspace: config.sourceKeyspace,
      sourceKey: item.key,
      sourceTxnId: item.txnId,
      textHash: item.textHash,
      metadata: item.metadata,
      ledgerEntryId: null,
    }
    writes.push({ type: 'put', keyspace: outputKeyspace, key: item.key, value: record as unknown as JsonValue })
  })
  return writes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

async function embedTexts(args: EmbedCommitsArgs, texts: readonly string[]): Promise<(readonly number[])[]> {
  if (texts.length === 0) return []
  const { config } = args
  if (config.model === 'offline') {
    const model = createOfflineEmbeddingModel({ dimensions: config.dimensions, maxValuesPerCall: config.batchSize })
    const { embeddings } = await embedMany({ model, values: texts, guards: [] })
    return [...embeddings]
  }
  const vectors: (readonly number[])[] = []
  for (let start = 0; start < texts.length; start += config.batchSize) {
    const { embeddings } = await args.model.embed({ values: texts.slice(start, start + config.batchSize), task: 'embedding' })
    vectors.push(...embeddings)
  }
  return vectors
}
