import { isIPv6 } from 'node:net'

/**
 * One kind of sensitive value the redaction guard replaces with `[TYPE_n]`.
 *
 * @example
 * const employeeId: RedactionDetector = {
 *   type: 'EMPLOYEE_ID',
 *   pattern: /\bEMP-\d{6}\b/g,
 * }
 * createRedactionGuard({ detectors: [...DEFAULT_REDACTION_DETECTORS, employeeId] })
 */
export interface RedactionDetector {
  /** Placeholder label: upper case letters, digits and `_` (`EMAIL` gives `[EMAIL_1]`). */
  readonly type: string
  /**
   * Candidate matches; must have the `g` flag. When it has named groups `before` and
   * `value`, only `value` is replaced (`password=` stays, the password goes).
   */
  readonly pattern: RegExp
  /** Keeps only real hits (a checksum, a parser); a candidate it rejects is left as is. */
  readonly validate?: (match: string) => boolean
  /**
   * A cheap pre-check: the detector only runs on text containing this substring or
   * matching this (non-global) pattern. Purely an optimisation.
   */
  readonly requires?: string | RegExp
  /**
   * For digit-group values (cards, IBANs): when a candidate fails `validate`, try its
   * shorter prefixes and then the candidate starting at its next group, instead of
   * skipping it whole.
   */
  readonly splitOnFailure?: boolean
}

/** Luhn checksum over a string of digits (payment card numbers). */
export function isLuhnValid(digits: string): boolean {
  let sum = 0
  let double = false
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48
    if (digit < 0 || digit > 9) return false
    if (double) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
    double = !double
  }
  return digits.length > 0 && sum % 10 === 0
}

/** ISO 13616 IBAN check: shape, length 15–34 and the mod-97 checksum (spaces ignored). */
export function isIbanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '').toUpperCase()
  if (iban.length < 15 || iban.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const character of rearranged) {
    const code = character.charCodeAt(0)
    const value = code >= 65 ? code - 55 : code - 48 // A=10 ... Z=35
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97
  }
  return remainder === 1
}

function isCardNumber(match: string): boolean {
  const digits = match.replace(/[ -]/g, '')
  // Issuer prefixes 2-6 (Mastercard 2/5, Visa 4, Amex/JCB/Diners 3, Discover/UnionPay 6).
  return digits.length >= 13 && digits.length <= 19 && digits[0]! >= '2' && digits[0]! <= '6' && isLuhnValid(digits)
}

function isPhoneNumber(match: string): boolean {
  const digits = match.replace(/\D/g, '')
  if (digits.length < 7 || digits.length > 15) return false
  const international = match.startsWith('+') || match.startsWith('(')
  if (!international) {
    if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/.test(match)) return false // 2024-01-15
    if (/^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(match)) return false // 15.01.2024
    if (/^\d{1,3}(?:[ .]\d{3})+$/.test(match)) return false // 10 000 000 (a grouped number)
  }
  return true
}

function hasLetterAndDigit(match: string): boolean {
  return /\d/.test(match) && /[A-Za-z]/.test(match.slice(3))
}

/**
 * The built-in catalog, in the order it runs (secrets first, so the digits inside a
 * key never turn into a phone number; phone numbers last, as the loosest pattern).
 * Decisions on near-misses: a dotted quad right after `v`/`version` is a version
 * number and kept; a bare `1.2.3.4` is treated as an address and redacted.
 */
export const DEFAULT_REDACTION_DETECTORS: readonly RedactionDetector[] = Object.freeze([
  { type: 'PRIVATE_KEY', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z]+ )*PRIVATE KEY-----/g, requires: '-----BEGIN' },
  {
    type: 'PASSWORD',
    // Only the value of `password=...`, `secret: "..."`, `api_key=...` and friends.
    // A quoted value is taken whole without its quotes; a bare one up to a separator.
    pattern: /(?<before>(?<![A-Za-z0-9])(?:password|passwd|pwd|passphrase|secret|client[_-]?secret|api[_-]?key|access[_-]?token|auth[_-]?token|token)["']?\s*[:=]\s*["']?)(?<value>(?<=")[^"\n]+|(?<=')[^'\n]+|(?<!["'])[^\s,;&"'[\]{}]+)/gi,
    requires: /[:=]/,
  },
  { type: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/g, requires: 'eyJ' },
  {
    type: 'API_KEY',
    pattern: /\b(?:sk-(?:proj-|ant-|live-)?[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})(?![\w-])/g,
    validate: hasLetterAndDigit,
  },
  { type: 'EMAIL', pattern: /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g, requires: '@' },
  { type: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, validate: isIbanValid, splitOnFailure: true },
  { type: 'CARD', requires: /\d{4}/, pattern: /(?=\d)(?<![\w-])(?:\d{13,19}|\d{4}([ -])\d{4,6}\1\d{4,5}(?:\1\d{1,4}){0,2})(?![\w-]|\.\d)/g, validate: isCardNumber, splitOnFailure: true },
  { type: 'IPV6', requires: /:[0-9A-Fa-f]{0,4}:/, pattern: /(?=[0-9A-Fa-f:])(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g, validate: (match) => /\d/.test(match) && isIPv6(match) },
  {
    type: 'IPV4',
    requires: /\d\.\d/,
    pattern: /(?<![\w.])(?<![Vv]ersion )(?<![Vv]er\.? )(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g,
  },
  {
    type: 'PHONE',
    requires: /\d[ .()-]*\d[ .()-]*\d/,
    pattern: /(?<![\w+@.-])(?<!\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4})* )(?:\+\d{7,15}|(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,8}){1,4})(?![\w@]|[.-]\d)/g,
    // Not the digit groups of an IBAN-shaped string whose checksum failed.
    validate: isPhoneNumber,
  },
] satisfies RedactionDetector[])
