/** One part of a message: text, a tool call the model made, or a tool result. */
export type MessagePart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool-call'; readonly toolCallId: string; readonly toolName: string; readonly input: unknown }
  | { readonly type: 'tool-result'; readonly toolCallId: string; readonly toolName: string; readonly output: unknown }

/**
 * A chat message. `content` is a plain string or a list of parts. All fields are
 * plain JSON so messages can cross worker boundaries and be hashed stably.
 */
export interface Message {
  readonly role: 'system' | 'user' | 'assistant' | 'tool'
  readonly content: string | readonly MessagePart[]
}
