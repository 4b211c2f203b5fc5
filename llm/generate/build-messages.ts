import { LivingDbError } from '../../errors/index.js'
import type { Message } from '../spec/index.js'

/** A conversation given as a prompt or as messages, with an optional system text. */
export interface PromptInput {
  readonly system?: string
  /** A single user turn. Give `prompt` or `messages`, not both. */
  readonly prompt?: string
  readonly messages?: readonly Message[]
}

/**
 * The message list for a call: the system text first, then the prompt as a user
 * turn or the given messages.
 *
 * @throws LivingDbError `INVALID_ARGUMENT` when both or neither of prompt/messages are given.
 */
export function buildMessages(input: PromptInput): Message[] {
  if ((input.prompt === undefined) === (input.messages === undefined)) {
    throw new LivingDbError('INVALID_ARGUMENT', 'Give exactly one of `prompt` (a string) or `messages` (a list of { role, content }).')
  }
  const messages: Message[] = input.system === undefined ? [] : [{ role: 'system', content: input.system }]
  if (input.prompt !== undefined) messages.push({ role: 'user', content: input.prompt })
  else messages.push(...(input.messages ?? []))
  if (messages.every(message => message.role === 'system')) {
    throw new LivingDbError('INVALID_ARGUMENT', 'The conversation has no user turn: pass a `prompt` or at least one non-system message.')
  }
  return messages
}
