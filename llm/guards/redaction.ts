import { LivingDbError } from '../../errors/index.js'
import type { GenerateRequest, Message, MessagePart, ModelMiddleware } from '../spec/index.js'
import { withCallFacts } from './call-facts.js'
import { DEFAULT_REDACTION_DETECTORS, type RedactionDetector } from './redaction-detectors.js'

/** Options of {@link createRedactionGuard}. */
export interface RedactionGuardOptions {
  /** The whole catalog (default {@link DEFAULT_REDACTION_DETECTORS}). */
  readonly detectors?: readonly RedactionDetector[]
  /** Detectors appended to the catalog (run after the built-in ones). */
  readonly addDetectors?: readonly RedactionDetector[]
  /** Detector types removed from the catalog (`['IPV4', 'IPV6']`). */
  readonly removeTypes?: readonly string[]
  /**
   * Providers whose calls never leave the process, so nothing is redacted for them
   * (default `['offline']`: the offline provider extracts identifiers itself).
   */
  readonly skipProviders?: readonly string[]
  /** Put the original values back where the reply repeats a placeholder (default true). */
  readonly restore?: boolean
}

const PLACEHOLDER = /\[[A-Z][A-Z0-9_]*_\d+\]/g

/**
 * Replaces sensitive values with numbered placeholders for one call: the same value
 * always gets the same placeholder (`[EMAIL_1]`), numbering follows first appearance,
 * so identical inputs give identical redacted requests (and ledger hashes).
 */
export class Redactor {
  /** Occurrences replaced so far, by detector type. */
  readonly counts: Record<string, number> = {}
  /** Total occurrences replaced so far. */
  total = 0
  readonly #detectors: readonly RedactionDetector[]
  readonly #placeholderByValue = new Map<string, string>()
  readonly #valueByPlaceholder = new Map<string, string>()
  readonly #lastNumber = new Map<string, number>()

  constructor(detectors: readonly RedactionDetector[] = DEFAULT_REDACTION_DETECTORS) {
    this.#detectors = detectors
  }

  /** `input` with every detected value replaced by its placeholder. */
  text(input: string): string {
    let output = input
    for (const detector of this.#detectors) {
      const { requires } = detector
      if (requires !== undefined && (typeof requires === 'string' ? !output.includes(requires) : !requires.test(output))) continue
      output = this.#apply(detector, output)
    }
    return output
  }

  /**
   * One detector over `text`. A candidate that fails validation is skipped whole,
   * except for `splitOnFailure` detectors: they first try the candidate's shorter
   * prefixes (cut at a space or dash), then go on from its next digit group, so a
   * card number right after other digits is still found.
   */
  #apply(detector: RedactionDetector, text: string): string {
    const { pattern, validate } = detector
    pattern.lastIndex = 0
    let output = ''
    let copied = 0
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const before = match.groups?.value === undefined ? '' : (match.groups.before ?? '')
      let value = match.groups?.value ?? match[0]
      if (match[0].length === 0) {
        pattern.lastIndex = match.index + 1
        continue
      }
      if (validate !== undefined && !validate(value)) {
        const prefix = detector.splitOnFailure === true ? longestValidPrefix(value, validate) : undefined
        if (prefix === undefined) {
          const separator = detector.splitOnFailure === true ? value.search(/[ -]/) : -1
          pattern.lastIndex = match.index + (separator > 0 ? separator + 1 : match[0].length)
          continue
        }
        value = prefix
      }
      output += text.slice(copied, match.index) + before + this.#placeholderFor(detector.type, value)
      copied = match.index + before.length + value.length
      pattern.lastIndex = copied
    }
    return copied === 0 ? text : output + text.slice(copied)
  }

  /** Every string inside a JSON value redacted (objects and arrays copied). */
  deep(value: unknown): unknown {
    return mapStrings(value, (text) => this.text(text))
  }

  /** Placeholders this redactor issued put back to their original values. */
  restoreText(input: string): string {
    if (this.total === 0) return input
    return input.replace(PLACEHOLDER, (placeholder) => this.#valueByPlaceholder.get(placeholder) ?? placeholder)
  }

  /**
   * {@link restoreText} for a model reply. A reply that is JSON is restored inside
   * its parsed strings and serialised again, so restored values with quotes,
   * backslashes or newlines keep it valid JSON.
   */
  restoreReply(text: string): string {
    if (this.total === 0) return text
    const trimmed = text.trimStart()
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.stringify(this.restoreDeep(JSON.parse(text)))
      } catch {
        // Not JSON after all: restore as plain text.
      }
    }
    return this.restoreText(text)
  }

  /** {@link restoreText} over every string inside a JSON value. */
  restoreDeep(value: unknown): unknown {
    return this.total === 0 ? value : mapStrings(value, (text) => this.restoreText(text))
  }

  #placeholderFor(type: string, value: string): string {
    this.counts[type] = (this.counts[type] ?? 0) + 1
    this.total++
    const key = `${type}\u0000${value}`
    const known = this.#placeholderByValue.get(key)
    if (known !== undefined) return known
    const number = (this.#lastNumber.get(type) ?? 0) + 1
    this.#lastNumber.set(type, number)
    const placeholder = `[${type}_${number}]`
    this.#placeholderByValue.set(key, placeholder)
    this.#valueByPlaceholder.set(placeholder, value)
    return placeholder
  }
}

/**
 * Redacts one string with the default (or given) catalog; handy for previews and tests.
 *
 * @example
 * redactText('mail bob@example.com').text // 'mail [EMAIL_1]'
 */
export function redactText(text: string, detectors?: readonly RedactionDetector[]): { readonly text: string; readonly counts: Readonly<Record<string, number>> } {
  const redactor = new Redactor(detectors)
  return { text: redactor.text(text), counts: redactor.counts }
}

/**
 * The redaction guard: every message text, tool-call input and tool result (and every
 * embedding input) is redacted before it reaches the next layer, so the ledger, the
 * audit log and the provider only see placeholders. Counts per type are written to
 * the call facts (`redactions`) for the audit record. With `restore` (default), the
 * reply's text and tool-call inputs get the original values back.
 *
 * @example
 * const redaction = createRedactionGuard({ removeTypes: ['IPV4'], addDetectors: [employeeId] })
 */
export function createRedactionGuard(options: RedactionGuardOptions = {}): ModelMiddleware {
  const detectors = buildCatalog(options)
  const skipProviders = new Set(options.skipProviders ?? ['offline'])
  const restore = options.restore ?? true
  return {
    name: 'redaction',
    async wrapGenerate({ request, model, next }) {
      if (skipProviders.has(model.provider)) return next(request)
      const redactor = new Redactor(detectors)
      const { request: tracked, facts } = withCallFacts(request)
      const redacted: GenerateRequest = { ...tracked, messages: tracked.messages.map((message) => redactMessage(message, redactor)) }
      facts.redactions = redactor.counts
      const result = await next(redacted)
      if (!restore || redactor.total === 0) return result
      return {
        ...result,
        text: redactor.restoreReply(result.text),
        toolCalls: result.toolCalls.map((call) => ({ ...call, input: redactor.restoreDeep(call.input) })),
      }
    },
    async wrapEmbed({ request, model, next }) {
      if (skipProviders.has(model.provider)) return next(request)
      const redactor = new Redactor(detectors)
      const { request: tracked, facts } = withCallFacts(request)
      const values = tracked.values.map((value) => redactor.text(value))
      facts.redactions = redactor.counts
      return next({ ...tracked, values })
    },
  }
}

function redactMessage(message: Message, redactor: Redactor): Message {
  if (typeof message.content === 'string') return { ...message, content: redactor.text(message.content) }
  return { ...message, content: message.content.map((part) => redactPart(part, redactor)) }
}

function redactPart(part: MessagePart, redactor: Redactor): MessagePart {
  switch (part.type) {
    case 'text':
      return { ...part, text: redactor.text(part.text) }
    case 'tool-call':
      return { ...part, input: redactor.deep(part.input) }
    case 'tool-result':
      return { ...part, output: redactor.deep(part.output) }
  }
}

function longestValidPrefix(value: string, validate: (candidate: string) => boolean): string | undefined {
  for (let cut = value.search(/[ -][^ -]*$/); cut > 0; cut = value.slice(0, cut).search(/[ -][^ -]*$/)) {
    if (validate(value.slice(0, cut))) return value.slice(0, cut)
  }
  return undefined
}

function mapStrings(value: unknown, transform: (text: string) => string): unknown {
  if (typeof value === 'string') return transform(value)
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, transform))
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) copy[key] = mapStrings(item, transform)
    return copy
  }
  return value
}

function buildCatalog(options: RedactionGuardOptions): readonly RedactionDetector[] {
  const removed = new Set(options.removeTypes ?? [])
  const catalog = [...(options.detectors ?? DEFAULT_REDACTION_DETECTORS), ...(options.addDetectors ?? [])].filter((detector) => !removed.has(detector.type))
  for (const detector of catalog) {
    const { requires } = detector
    if (!/^[A-Z][A-Z0-9_]*$/.test(detector.type) || !(detector.pattern instanceof RegExp) || !detector.pattern.global || (requires instanceof RegExp && (requires.global || requires.sticky))) {
      throw new LivingDbError(
        'INVALID_ARGUMENT',
        `Redaction detector ${JSON.stringify(detector.type)} is invalid: its type must be upper-case letters, digits and "_", and its pattern a RegExp with the "g" flag (and \`requires\`, when a RegExp, without "g" or "y").`,
        { details: { type: String(detector.type) } },
      )
    }
  }
  return catalog
}
