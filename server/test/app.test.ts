import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { contract } from '../../types/index'
import type { RouteSpec } from '../../types/route'
import { startTestApp, type TestApp } from './helpers'

describe('health and the OpenAPI document', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  test('GET /health answers 200 when the database answers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' })
    assert.equal(response.statusCode, 200)
    assert.deepEqual(response.json(), { status: 'ok' })
  })

  test('/openapi.json lists every route of the contract, with its auth and idempotency', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' })
    assert.equal(response.statusCode, 200)
    const doc = response.json() as {
      openapi: string
      paths: Record<string, Record<string, { summary?: string; security?: unknown[]; parameters?: { in: string; name: string; required?: boolean }[]; requestBody?: unknown; responses: Record<string, unknown> }>>
      components: { securitySchemes: Record<string, unknown> }
    }
    assert.match(doc.openapi, /^3\./)
    const routes = Object.entries(contract) as [string, RouteSpec][]
    assert.ok(routes.length >= 6)
    for (const [key, spec] of routes) {
      const [method, url] = key.split(' ')
      const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
      const operation = doc.paths[path]?.[method.toLowerCase()]
      assert.ok(operation, `${key} is missing from /openapi.json`)
      assert.equal(operation.summary, spec.summary, key)
      if (!spec.produces) assert.ok(operation.responses['200'], `${key} documents its 200 answer`)
      if (spec.auth === 'member') assert.deepEqual(operation.security, [{ session: [] }], key)
      if (spec.auth === 'cashier') assert.deepEqual(operation.security, [{ cashierKey: [] }], key)
      if (spec.auth === 'operator') assert.deepEqual(operation.security, [{ operatorSession: [] }, { operatorKey: [] }], key)
      // Public routes say so, rather than leaving a reader (or a linter) to guess.
      if (spec.auth === 'none') assert.deepEqual(operation.security, [], key)
      const idempotencyHeader = operation.parameters?.find((p) => p.in === 'header' && p.name === 'idempotency-key')
      if (spec.idempotent) assert.equal(idempotencyHeader?.required, true, `${key} documents its Idempotency-Key`)
      else assert.equal(idempotencyHeader, undefined, key)
      if (spec.body) assert.ok(operation.requestBody, `${key} documents its body`)
    }
    // Nothing beyond the contract (health and the document itself are hidden).
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    assert.equal(documented.length, routes.length, documented.join(', '))
    assert.ok(doc.components.securitySchemes.session)
    assert.ok(doc.components.securitySchemes.cashierKey)
  })
})
