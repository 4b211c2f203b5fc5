import { describe, expect, it } from 'vitest'
import type { GenerateRequest } from '../spec/index.js'
import { getCallFacts } from './call-facts.js'
import { guardLanguageModel } from './compose.js'
import { isIbanValid, isLuhnValid } from './redaction-detectors.js'
import { createRedactionGuard, redactText } from './redaction.js'
import { createFakeModel } from './test-support/fake-models.js'

const TRUE_POSITIVES: readonly (readonly [type: string, text: string, value: string])[] = [
  ['EMAIL', 'write to bob@example.com today', 'bob@example.com'],
  ['EMAIL', 'cc: jane.doe+tag@mail.co.uk.', 'jane.doe+tag@mail.co.uk'],
  ['EMAIL', '<x_y@sub.domain.io>', 'x_y@sub.domain.io'],
  ['EMAIL', 'Contact ANNA@EXAMPLE.ORG', 'ANNA@EXAMPLE.ORG'],
  ['PHONE', 'call +1 415 555 2671 now', '+1 415 555 2671'],
  ['PHONE', 'office (555) 123-4567', '(555) 123-4567'],
  ['PHONE', 'cell 555-123-4567.', '555-123-4567'],
  ['PHONE', 'London +44 20 7946 0958', '+44 20 7946 0958'],
  ['PHONE', 'sms +14155552671', '+14155552671'],
  ['PHONE', 'tel 020 7946 0958', '020 7946 0958'],
  ['PHONE', 'Berlin +49 30 1234567', '+49 30 1234567'],
  ['CARD', 'visa 4111 1111 1111 1111 exp', '4111 1111 1111 1111'],
  ['CARD', 'mc 5555555555554444', '5555555555554444'],
  ['CARD', 'amex 378282246310005', '378282246310005'],
  ['CARD', 'amex 3782 822463 10005', '3782 822463 10005'],
  ['CARD', 'discover 6011111111111117', '6011111111111117'],
  ['CARD', 'visa 4012-8888-8888-1881', '4012-8888-8888-1881'],
  ['CARD', 'mc2 2223003122003222', '2223003122003222'],
  ['IBAN', 'pay GB82 WEST 1234 5698 7654 32 please', 'GB82 WEST 1234 5698 7654 32'],
  ['IBAN', 'IBAN DE89370400440532013000', 'DE89370400440532013000'],
  ['IBAN', 'FR1420041010050500013M02606', 'FR1420041010050500013M02606'],
  ['IBAN', 'to NL91ABNA0417164300.', 'NL91ABNA0417164300'],
  ['IBAN', 'CH9300762011623852957', 'CH9300762011623852957'],
  ['IPV4', 'host 192.168.1.1 is up', '192.168.1.1'],
  ['IPV4', 'dns 8.8.8.8,', '8.8.8.8'],
  ['IPV4', 'from 10.0.0.255:8080', '10.0.0.255'],
  ['IPV6', 'addr 2001:db8::1 ok', '2001:db8::1'],
  ['IPV6', 'link fe80::1ff:fe23:4567:890a', 'fe80::1ff:fe23:4567:890a'],
  ['IPV6', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
  ['API_KEY', 'key sk-proj-abcDEF1234567890ghijKLMN', 'sk-proj-abcDEF1234567890ghijKLMN'],
  ['API_KEY', 'aws AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
  ['API_KEY', 'gh ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'],
  ['API_KEY', 'slack xoxb-123456789012-abcdefghij', 'xoxb-123456789012-abcdefghij'],
  ['API_KEY', 'stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
  ['API_KEY', 'claude sk-ant-api03-AbC123dEf456GhI789jKl', 'sk-ant-api03-AbC123dEf456GhI789jKl'],
  ['JWT', 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  ['PASSWORD', 'login password=hunter2 ok', 'hunter2'],
  ['PASSWORD', '{"api_key": "abc123secret"}', 'abc123secret'],
  ['PASSWORD', "db_password = 'two words'", 'two words'],
  ['PASSWORD', 'SECRET: s3cr3t!', 's3cr3t!'],
  ['PRIVATE_KEY', 'k -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- end', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'],
]

const NEAR_MISSES: readonly string[] = [
  'visa 4111 1111 1111 1112 fails Luhn',
  'id 1234567890123456 is a plain number',
  'iban GB82 WEST 1234 5698 7654 33 has a bad checksum',
  'DE89370400440532013001 bad checksum',
  'upgrade to version 1.2.3.4 today',
  'release v1.2.3.4',
  'not an address 999.1.1.1',
  'semver 1.2.3',
  'order 12345 shipped',
  'revenue 1,000,000 and 10 000 000',
  'on 2024-01-15 and 15.01.2024',
  'at 12:30:45',
  '@Component({ selector })',
  'user@localhost',
  'npm i lodash@4.17.21',
  'sk-learn-is-a-python-library-name',
  'std::vector<int> and a::b',
  'mac 00:1A:2B:3C:4D:5E',
  'the token is expired',
  'password reset link sent',
  'pi is 3.14159',
  'ISBN 978-3-16-148410-0',
  'AKIA alone',
]

describe('redaction catalog', () => {
  it.each(TRUE_POSITIVES)('redacts %s in %j', (type, text, value) => {
    const { text: redacted, counts } = redactText(text)
    expect(redacted).not.toContain(value)
    expect(redacted).toContain(`[${type}_1]`)
    expect(counts).toEqual({ [type]: 1 })
  })

  it.each(NEAR_MISSES)('leaves %j alone', (text) => {
    expect(redactText(text)).toEqual({ text, counts: {} })
  })

  it('has at least 30 true positives covering every built-in type', () => {
    expect(TRUE_POSITIVES.length).toBeGreaterThanOrEqual(30)
    expect(new Set(TRUE_POSITIVES.map(([type]) => type)).size).toBe(10)
  })

  it('checks Luhn and IBAN mod-97 correctly', () => {
    expect(isLuhnValid('79927398713')).toBe(true)
    expect(isLuhnValid('79927398710')).toBe(false)
    expect(isIbanValid('GB82 WEST 1234 5698 7654 32')).toBe(true)
    expect(isIbanValid('GB82 WEST 1234 5698 7654 23')).toBe(false)
  })

  it('numbers placeholders by first appearance and reuses them for repeats', () => {
    const { text, counts } = redactText('a@b.io, c@d.io, a@b.io')
    expect(text).toBe('[EMAIL_1], [EMAIL_2], [EMAIL_1]')
    expect(counts).toEqual({ EMAIL: 3 })
  })
})

describe('redaction guard', () => {
  const request: GenerateRequest = {
    messages: [
      { role: 'system', content: 'Extract contacts.' },
      { role: 'user', content: [{ type: 'text', text: 'Mail bob@example.com or call +1 415 555 2671' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: '1', toolName: 'lookup', output: { ip: '10.1.2.3' } }] },
    ],
  }

  it('sends only placeholders, records counts and restores values in the reply', async () => {
    const model = createFakeModel({ reply: (sent) => `echo: ${JSON.stringify(sent.messages)}` })
    let facts: unknown
    const guarded = guardLanguageModel({
      model,
      context: { scope: 'test' },
      middleware: [
        createRedactionGuard(),
        { name: 'spy', wrapGenerate: async ({ request: inner, next }) => { facts = getCallFacts(inner); return next(inner) } },
      ],
    })
    const result = await guarded.doGenerate(request)
    const sent = JSON.stringify(model.requests[0]!.messages)
    expect(sent).not.toContain('bob@example.com')
    expect(sent).not.toContain('10.1.2.3')
    expect(sent).toContain('[EMAIL_1]')
    expect(facts).toMatchObject({ redactions: { EMAIL: 1, PHONE: 1, IPV4: 1 } })
    expect(result.text).toContain('bob@example.com')
    expect(result.text).not.toContain('[EMAIL_1]')
  })

  it('restores values inside a JSON reply without breaking it', async () => {
    const model = createFakeModel({ reply: (sent) => JSON.stringify({ seen: sent.messages[0]!.content }) })
    const guarded = guardLanguageModel({ model, middleware: [createRedactionGuard()], context: { scope: 'test' } })
    const secret = 'password="pa\\ss\'word" and -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'
    const result = await guarded.doGenerate({ messages: [{ role: 'user', content: secret }] })
    expect(String(model.requests[0]!.messages[0]!.content)).toBe('password="[PASSWORD_1]" and [PRIVATE_KEY_1]')
    expect(JSON.parse(result.text)).toEqual({ seen: secret })
  })

  it('honours removeTypes, addDetectors and skipProviders', async () => {
    const model = createFakeModel({ reply: () => 'ok' })
    const middleware = [createRedactionGuard({ removeTypes: ['EMAIL'], addDetectors: [{ type: 'EMPLOYEE_ID', pattern: /\bEMP-\d{6}\b/g }] })]
    await guardLanguageModel({ model, middleware, context: { scope: 'test' } }).doGenerate({ messages: [{ role: 'user', content: 'bob@example.com EMP-123456' }] })
    expect(model.requests[0]!.messages[0]!.content).toBe('bob@example.com [EMPLOYEE_ID_1]')
    const offline = createFakeModel({ provider: 'offline', reply: () => 'ok' })
    await guardLanguageModel({ model: offline, middleware: [createRedactionGuard()], context: { scope: 'test' } }).doGenerate({ messages: [{ role: 'user', content: 'bob@example.com' }] })
    expect(offline.requests[0]!.messages[0]!.content).toBe('bob@example.com')
  })

  it('rejects a detector without the g flag', () => {
    expect(() => createRedactionGuard({ addDetectors: [{ type: 'X', pattern: /x/ }] })).toThrow(/"g" flag/)
  })
})
