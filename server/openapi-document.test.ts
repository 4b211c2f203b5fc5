import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ask } from '../queries/index.js'
import type { Database } from '../index.js'
import { API_ROUTES } from './livingdb-server.js'
import { openApiDocument } from './openapi-document.js'
import { startFixture, type ServerFixture } from './test-support/server-fixture.js'

type Operation = { operationId: string; 'x-livingdb-scope': string }
type PathItem = Record<string, Operation | unknown[]>
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

function documentedOperations(document: Record<string, unknown>): { path: string; method: string; operation: Operation }[] {
  const paths = document.paths as Record<string, PathItem>
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ path, method: method.toUpperCase(), operation: operation as Operation })),
  )
}

describe('OpenAPI document', () => {
  let fixture: ServerFixture
  beforeEach(async () => {
    fixture = await startFixture()
  })
  afterEach(async () => {
    await fixture.close()
  })

  it('is OpenAPI 3.1 served without a token at /v1/openapi.json', async () => {
    const response = await fixture.call('/v1/openapi.json')
    expect(response.status).toBe(200)
    const document = (await response.json()) as Record<string, unknown>
    expect(document.openapi).toBe('3.1.0')
    expect((document.servers as { url: string }[])[0]!.url).toBe(fixture.server.url)
  })

  it('lists every route of the server, with its method, operationId and scope, and nothing else', () => {
    const operations = documentedOperations(openApiDocument({ version: '0.0.0' }))
    for (const route of API_ROUTES) {
      const documented = operations.find(entry => entry.path === route.path && entry.method === route.method)
      expect(documented, `${route.method} ${route.path}`).toBeDefined()
      expect(documented!.operation.operationId).toBe(route.operationId)
      expect(documented!.operation['x-livingdb-scope']).toBe(route.scope)
    }
    for (const entry of operations) expect(API_ROUTES.some(route => route.path === entry.path && route.method === entry.method), `${entry.method} ${entry.path}`).toBe(true)
    expect(new Set(operations.map(entry => entry.operation.operationId)).size).toBe(operations.length)
  })

  it('documents routes the server really answers (no 404/405 for any documented operation)', async () => {
    const admin = fixture.token('admin')
    for (const { path, method } of documentedOperations(openApiDocument({ version: '0.0.0' }))) {
      const concrete = path.replace('{key}', 'some/key').replace('{id}', 'tok_000000000000')
      const query = path === '/v1/commits' ? '?limit=1&from=0' : ''
      if (path === '/v1/commits') await fixture.db.put('one', 1)
      const response = await fixture.call(`${concrete}${query}`, { method, token: admin, ...(method === 'PUT' || method === 'POST' ? { body: {} } : {}) })
      const body = response.headers.get('content-type')?.includes('json') ? ((await response.json()) as { error?: { code: string } }) : (await response.text(), {})
      expect(['ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED'], `${method} ${path}`).not.toContain(body.error?.code)
    }
  })

  it('describes request bodies with the schemas the handlers validate with', () => {
    const document = openApiDocument({ version: '0.0.0' }) as { paths: Record<string, Record<string, { requestBody?: { content: { 'application/json': { schema: { properties: Record<string, unknown>; required?: string[] } } } } }>> }
    const ask = document.paths['/v1/ask']!.post!.requestBody!.content['application/json'].schema
    expect(Object.keys(ask.properties).sort()).toEqual(['answer', 'asOf', 'explain', 'limit', 'question'])
    expect(ask.required).toEqual(['question'])
  })

  it('describes what POST /v1/ask really returns (keys of the result, its items and citations)', async () => {
    await fixture.close()
    let db: Database | undefined
    fixture = await startFixture({ ask: ({ question, options }) => ask({ db: db!, question, options: { ...options, answer: true } }) })
    db = fixture.db
    await fixture.db.write(transaction => {
      transaction.put('notes/1', { title: 'Billing migration', text: 'Dana approved the billing migration to Stripe.' })
      transaction.put('notes/2', { title: 'Outage', text: 'The dashboard was down for 47 minutes.' })
    })
    const response = await fixture.call('/v1/ask', { method: 'POST', token: fixture.token('read'), body: { question: 'billing migration', explain: true } })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown> & { results: Record<string, unknown>[]; answer: Record<string, unknown> }
    const schemas = (openApiDocument({ version: '0.0.0' }) as { components: { schemas: Record<string, { properties: Record<string, { items?: { properties: Record<string, unknown> } }>; required: string[] }> } }).components.schemas
    const askResult = schemas.AskResult!
    for (const key of askResult.required) expect(body, key).toHaveProperty(key)
    for (const key of Object.keys(body)) expect(Object.keys(askResult.properties), key).toContain(key)
    expect(body.results.length).toBeGreaterThan(0)
    for (const item of body.results) {
      for (const key of Object.keys(item)) expect(Object.keys(askResult.properties.results!.items!.properties), key).toContain(key)
      for (const citation of item.citations as Record<string, unknown>[]) for (const key of Object.keys(citation)) expect(Object.keys(schemas.Citation!.properties), key).toContain(key)
    }
    for (const key of Object.keys(body.answer)) expect(Object.keys((askResult.properties.answer as unknown as { properties: object }).properties), key).toContain(key)
  })
})
