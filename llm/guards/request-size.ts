import type { GenerateRequest } from '../spec/index.js'

/**
 * Characters a request sends: message texts, tool calls and results, tool and
 * response schemas. Guards estimate tokens as characters / 4 before a call.
 */
export function inputCharacters(request: GenerateRequest): number {
  let characters = 0
  for (const message of request.messages) {
    if (typeof message.content === 'string') {
      characters += message.content.length
      continue
    }
    for (const part of message.content) {
      characters += part.type === 'text' ? part.text.length : (JSON.stringify(part.type === 'tool-call' ? part.input : part.output)?.length ?? 0)
    }
  }
  if (request.tools !== undefined) characters += JSON.stringify(request.tools).length
  if (request.responseSchema !== undefined) characters += JSON.stringify(request.responseSchema).length
  return characters
}

/** Characters of an embedding call's inputs. */
export function embedCharacters(values: readonly string[]): number {
  let characters = 0
  for (const value of values) characters += value.length
  return characters
}
