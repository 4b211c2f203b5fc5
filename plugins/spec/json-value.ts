/**
 * A plain JSON value: the only kind of data that crosses the boundary between the
 * plugin host and a plugin (worker thread or sandbox). No functions, classes, dates,
 * `undefined` inside objects, `Map`s or typed arrays.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue }
