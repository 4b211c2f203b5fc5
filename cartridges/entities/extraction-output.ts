import { z } from 'zod'
import { ENTITY_TYPES } from '../../llm/index.js'

const confidence = z.number().min(0).max(1)

/**
 * The zod schema the extractor asks the model for: the entities, topics and relationships
 * of a batch of records (which record an item belongs to is found from the texts, so the
 * reply stays small and any model can fill it).
 */
export const extractionOutputSchema = z.object({
  entities: z.array(
    z.object({
      name: z.string().min(1),
      type: z.enum(['other', ...ENTITY_TYPES]),
      confidence,
    }),
  ),
  topics: z.array(z.object({ phrase: z.string().min(1), weight: z.number().min(0).max(1) })),
  relationships: z.array(z.object({ subject: z.string().min(1), predicate: z.string().min(1), object: z.string().min(1), confidence })),
})

/** What the model returns for one batch. */
export type ExtractionOutput = z.infer<typeof extractionOutputSchema>

/** The system prompt of an extraction call (the records go in the user message). */
export const EXTRACTION_SYSTEM_PROMPT = [
  'task: extraction',
  'You extract knowledge from the records in the user message. Each record starts with a line "[n]".',
  'Return every named entity (person, organization, place, product, date, email, url, phone, ticket, version, money, identifier, other) with',
  'its exact text as `name` and a confidence from 0 to 1;',
  'the main topics as short phrases with a weight from 0 to 1; and relationships as subject / predicate (a verb lemma, plus its preposition) / object,',
  'using entity names as they appear. Only report what the records state.',
].join('\n')

/** One record of a batch prompt. */
export interface PromptRecord {
  readonly text: string
}

/** The user message of a batch and where each record's text starts and ends in it. */
export interface BatchPrompt {
  readonly prompt: string
  readonly spans: readonly { readonly start: number; readonly end: number }[]
}

/** Builds the user message of a batch: `[0]\n<text>\n\n[1]\n<text>...`, with each text's span. */
export function buildBatchPrompt(records: readonly PromptRecord[]): BatchPrompt {
  let prompt = ''
  const spans: { start: number; end: number }[] = []
  records.forEach((record, index) => {
    if (index > 0) prompt += '\n\n'
    prompt += `[${index}]\n`
    spans.push({ start: prompt.length, end: prompt.length + record.text.length })
    prompt += record.text
  })
  return { prompt, spans }
}
