// Detectors for personal data in text. Plain JavaScript with no imports: this file runs
// inside the untrusted sandbox, which can read nothing but the plugin's own package.

/** @typedef {'email' | 'phone' | 'payment-card' | 'us-ssn' | 'iban' | 'ip-address'} PersonalDataKind */

/** Every kind this scanner knows. */
export const PERSONAL_DATA_KINDS = /** @type {const} */ (['email', 'phone', 'payment-card', 'us-ssn', 'iban', 'ip-address'])

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}[\s.-]\d{3,4}(?:[\s.-]\d{2,4})?/g
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g
const SSN = /\b(\d{3})-(\d{2})-(\d{4})\b/g
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g
const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g

/** Luhn checksum of a digit string (payment cards). */
function luhnValid(digits) {
  let sum = 0
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index])
    if (index % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}

/** ISO 13616 mod-97 check of an IBAN. */
function ibanValid(text) {
  const compact = text.replace(/ /g, '')
  if (compact.length < 15 || compact.length > 34) return false
  const rearranged = compact.slice(4) + compact.slice(0, 4)
  let remainder = 0
  for (const character of rearranged) {
    const value = /[A-Z]/.test(character) ? String(character.charCodeAt(0) - 55) : character
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97
  }
  return remainder === 1
}

function countDigits(text) {
  let count = 0
  for (const character of text) if (character >= '0' && character <= '9') count++
  return count
}

/**
 * Counts personal data in one string by kind. Matches are validated (Luhn for cards,
 * mod-97 for IBANs, ranges for SSNs and IP addresses) to keep false positives rare.
 * @param {string} text
 * @param {readonly string[]} kinds
 * @returns {Record<string, number>}
 */
export function detectPersonalData(text, kinds) {
  /** @type {Record<string, number>} */
  const found = {}
  const add = (kind) => {
    found[kind] = (found[kind] ?? 0) + 1
  }
  let rest = text
  if (kinds.includes('email')) {
    for (const _match of rest.matchAll(EMAIL)) add('email')
    rest = rest.replace(EMAIL, ' ')
  }
  if (kinds.includes('iban')) {
    for (const match of rest.matchAll(IBAN)) if (ibanValid(match[0])) add('iban')
    rest = rest.replace(IBAN, (match) => (ibanValid(match) ? ' ' : match))
  }
  if (kinds.includes('payment-card')) {
    for (const match of rest.matchAll(CARD)) {
      const digits = match[0].replace(/[ -]/g, '')
      if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) add('payment-card')
    }
  }
  // A run of 13+ digits is a card number or nothing personal; never read it as a phone number.
  rest = rest.replace(CARD, ' ')
  if (kinds.includes('us-ssn')) {
    for (const match of rest.matchAll(SSN)) {
      if (match[1] !== '000' && match[1] !== '666' && !match[1].startsWith('9') && match[2] !== '00' && match[3] !== '0000') add('us-ssn')
    }
    rest = rest.replace(SSN, ' ')
  }
  if (kinds.includes('ip-address')) {
    for (const match of rest.matchAll(IPV4)) if (match.slice(1).every((octet) => Number(octet) <= 255)) add('ip-address')
    rest = rest.replace(IPV4, ' ')
  }
  if (kinds.includes('phone')) {
    for (const match of rest.matchAll(PHONE)) {
      const digits = countDigits(match[0])
      if (digits >= 7 && digits <= 15) add('phone')
    }
  }
  return found
}

/**
 * Scans every string inside a JSON value; returns counts by kind and the JSON paths
 * of the fields that hold personal data (never the data itself).
 * @param {unknown} value
 * @param {readonly string[]} kinds
 */
export function scanValue(value, kinds) {
  /** @type {Record<string, number>} */
  const counts = {}
  /** @type {string[]} */
  const fields = []
  const visit = (node, path, depth) => {
    if (depth > 32) return
    if (typeof node === 'string') {
      const found = detectPersonalData(node, kinds)
      if (Object.keys(found).length > 0) {
        fields.push(path)
        for (const [kind, count] of Object.entries(found)) counts[kind] = (counts[kind] ?? 0) + count
      }
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}[${index}]`, depth + 1))
    } else if (node !== null && typeof node === 'object' && !('$base64' in node)) {
      for (const [key, item] of Object.entries(node)) visit(item, `${path}.${key}`, depth + 1)
    }
  }
  visit(value, '$', 0)
  return { counts, fields }
}
