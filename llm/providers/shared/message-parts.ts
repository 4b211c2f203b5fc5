import type { Message, MessagePart } from '../../spec/index.js'

/** A message's content as a list of parts (a plain string becomes one text part). */
export function partsOf(message: Message): readonly MessagePart[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content
}

/** The concatenated text parts of a message. */
export function textOf(message: Message): string {
  if (typeof message.content === 'string') return message.content
  let text = ''
  for (const part of message.content) if (part.type === 'text') text += part.text
  return text
}

/** A tool result as the string providers expect (strings pass through, the rest is JSON). */
export function toolOutputText(output: unknown): string {
  return typeof output === 'string' ? output : JSON.stringify(output ?? null)
}

/** Parses a tool call's JSON argument string; an unparseable string is returned as is for the caller's validation to reject. */
export function parseToolArguments(text: string): unknown {
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}
