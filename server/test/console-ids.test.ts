import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertApiError, operatorCall, startTestApp, type TestApp } from './helpers'

// The console's ids and cursors are text in the contract (digits) but int4 in PostgreSQL: one
// PostgreSQL cannot hold must be refused or simply match nothing, never answer 500.
describe('console ids and cursors beyond int4', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  test('ids and cursors of ten digits are refused as bad input', async () => {
    for (const [method, url] of [
      ['GET', '/api/admin/aftersales?cursor=9999999999'],
      ['GET', '/api/admin/points/adjustments?cursor=9999999999'],
      ['POST', '/api/admin/points/adjustments/9999999999/approve'],
      ['PATCH', '/api/admin/accounts/9999999999'],
      ['POST', '/api/admin/tills/9999999999/revoke'],
      ['GET', '/api/admin/members?cursor=1:9999999999']
    ] as const) {
      assertApiError(await operatorCall(t, method, url, method === 'PATCH' ? { disabled: true } : undefined), 'VALIDATION_FAILED', url)
    }
  })

  test('a member-list cursor whose sort value is beyond int4 matches nothing instead of failing', async () => {
    for (const sort of ['balance_desc', 'growth_desc']) {
      const response = await operatorCall(t, 'GET', `/api/admin/members?sort=${sort}&cursor=-999999999999999:1`)
      assert.equal(response.statusCode, 200, `${sort}: ${response.body}`)
    }
    assertApiError(await operatorCall(t, 'GET', '/api/admin/members?sort=joined_desc&cursor=-999999999999999:1'), 'VALIDATION_FAILED', 'a time before 1970')
  })
})
