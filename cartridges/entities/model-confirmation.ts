import { z } from 'zod'
import { type CallContext, generateObject, type LanguageModelV1, type ModelMiddleware } from '../../llm/index.js'
import type { MergeConfirmation } from './resolution-options.js'

const verdictSchema = z.object({ sameEntity: z.boolean() })

/**
 * A {@link MergeConfirmation} that asks a model whether a new name and an entity are the
 * same thing (`generateObject` with `{ sameEntity: boolean }`). Route it through a ledger
 * guard so rebuilds replay the answers. The offline model cannot judge this and always
 * answers `false`, so with it every fuzzy match below `confirmBelow` is refused.
 *
 * @example
 * createEntitiesCartridge({ resolution: { confirm: createModelConfirmation({ model: 'openai:gpt-4.1-mini', guards: [ledger] }) } })
 */
export function createModelConfirmation(options: { readonly model?: string | LanguageModelV1; readonly guards?: readonly ModelMiddleware[]; readonly context?: CallContext } = {}): MergeConfirmation {
  return async ({ mention, candidate, score }) => {
    const result = await generateObject({
      schema: verdictSchema,
      schemaName: 'same_entity',
      system: 'You decide whether two names refer to the same real-world entity. Answer with JSON { "sameEntity": true | false }.',
      prompt: `Name: "${mention.name}" (${mention.type})\nEntity: "${candidate.canonicalName}", also known as ${candidate.names.map((name) => `"${name}"`).join(', ')}\nString similarity: ${score}`,
      context: options.context ?? { scope: 'cartridge:entities', task: 'entity-resolution' },
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.guards === undefined ? {} : { guards: options.guards }),
    })
    const ledgerEntryId = (result.response as { readonly ledgerEntryId?: unknown } | undefined)?.ledgerEntryId
    return { same: result.object.sameEntity, ledgerEntryId: typeof ledgerEntryId === 'string' ? ledgerEntryId : null }
  }
}
