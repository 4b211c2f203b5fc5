import { z } from 'zod'

/** The body of `POST /v1/ask` (also the options `livingdb ask` passes). */
export const askRequestSchema = z
  .object({
    question: z.string().trim().min(1).max(4000).describe('The question in natural language.'),
    asOf: z.union([z.number().int().min(0), z.string().min(1)]).optional().describe('Answer as of this txn id, or an ISO 8601 time (time travel).'),
    limit: z.number().int().min(1).max(100).optional().describe('At most this many results (default 10).'),
    explain: z.boolean().optional().describe('Include the plan, cost estimate and per-step timings.'),
    answer: z.boolean().optional().describe('Write an answer from the top results (default true).'),
  })
  .strict()

/** A parsed `POST /v1/ask` body. */
export type AskRequest = z.infer<typeof askRequestSchema>

/**
 * How the server and `livingdb ask` run a question: the caller binds the
 * database, cartridges, plugins and model, so the server stays independent
 * of how they were composed. The result is sent as JSON (`{ plan, results,
 * answer?, cost, timings, warnings }`).
 *
 * @example
 * const ask: AskFunction = ({ question, options }) => askQuestion({ db, question, options })
 */
export type AskFunction = (args: { readonly question: string; readonly options: Omit<AskRequest, 'question'> }) => Promise<unknown>
