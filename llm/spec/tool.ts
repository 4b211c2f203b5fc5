/** A JSON Schema object (draft 2020-12 subset as produced by `z.toJSONSchema`). */
export type JsonSchema = Readonly<Record<string, unknown>>

/** A function the model may call. */
export interface ToolDefinition {
  readonly name: string
  readonly description?: string
  /** JSON Schema of the tool's input object. */
  readonly inputSchema: JsonSchema
}

/** How the model may use tools: let it decide, forbid, require any, or require one by name. */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly type: 'tool'; readonly toolName: string }

/** A tool call returned by the model; `input` is the parsed JSON arguments. */
export interface ToolCall {
  readonly toolCallId: string
  readonly toolName: string
  readonly input: unknown
}
