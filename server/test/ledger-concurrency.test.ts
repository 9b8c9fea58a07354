import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { earnPoints, spendPoints } from '../src/modules/points/ledger'
import { assertApiError, assertLedgerConsistent, bearer, count, newKey, newMember, startTestApp, type TestApp } from './helpers'

// On PGlite transactions run one at a time; on real PostgreSQL (DATABASE_URL, always in CI)
// these requests really race, which is what the account row lock is for.
describe('points under concurrency', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const operator = { 'x-operator-key': 'dev-operator-key' }
  const cashier = { 'x-cashier-key': 'dev-cashier-key' }

  async function give(memberNo: string, points: number) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/admin/points/adjustments',
      headers: { ...operator, 'idempotency-key': newKey() },
      payload: { memberNo, points, reason: '测试充值' }
    })
    assert.equal(response.statusCode, 200, response.body)
  }

  async function memberCode(token: string): Promise<string> {
    const response = await t.app.inject({ method: 'GET', url: '/api/members/me/code', headers: bearer(token) })
    return response.json().code
  }

  test('64 spends of 100 points at once on a balance for 10: exactly 10 succeed', async () => {
    const { memberId, memberNo } = await newMember(t)
    await give(memberNo, 900) // 100 welcome + 900 = 1,000 = ten spends of 100
    const results = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) =>
        spendPoints(t.db, { memberId, points: 100, event: { type: 'test_spend', id: `race-${memberId}-${i}` }, reason: '测试', now: t.clock.now() })
      )
    )
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10)
    for (const result of results.filter((r) => r.status === 'rejected')) assert.equal((result as PromiseRejectedResult).reason.code, 'INSUFFICIENT_POINTS')
    const { rows } = await t.db.query<{ balance: number }>('SELECT balance FROM point_accounts WHERE member_id = $1', [memberId])
    assert.equal(rows[0].balance, 0)
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE member_id = $1 AND kind = 'spend'", [memberId]), 10)
    await assertLedgerConsistent(t.db, memberId)
  })

  test('64 till sales at once with one member code, each using 100 points: the code pays with points once', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    await give(memberNo, 900)
    const code = await memberCode(token)
    const responses = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/cashier/sales',
          headers: { ...cashier, 'idempotency-key': newKey() },
          payload: { storeCode: 'SH001', receiptNo: `RACE-${memberId}-${i}`, memberCode: code, goodsAmount: 100_000, pointsToUse: 100 }
        })
      )
    )
    const succeeded = responses.filter((r) => r.statusCode === 200)
    assert.equal(succeeded.length, 1)
    for (const response of responses.filter((r) => r.statusCode !== 200)) assertApiError(response, 'MEMBER_CODE_USED')
    const { rows } = await t.db.query<{ balance: number }>('SELECT balance FROM point_accounts WHERE member_id = $1', [memberId])
    assert.equal(rows[0].balance, 900)
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM store_sales WHERE member_id = $1', [memberId]), 1, 'refused sales leave no receipt')
    await assertLedgerConsistent(t.db, memberId)
  })

  test('the same event posted twice at once posts one entry', async () => {
    const { memberId } = await newMember(t)
    const event = { type: 'test_spend', id: `twice-${memberId}` }
    const spend = () => spendPoints(t.db, { memberId, points: 60, event, reason: '测试', now: t.clock.now() })
    const [a, b] = await Promise.all([spend(), spend()])
    assert.equal(a.entryId, b.entryId)
    assert.deepEqual([a.replayed, b.replayed].sort(), [false, true])
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM point_entries WHERE event_type = $1 AND event_id = $2', [event.type, event.id]), 1)

    const earnEvent = { type: 'test_earn', id: `twice-${memberId}` }
    const earn = () => earnPoints(t.db, { memberId, points: 7, event: earnEvent, reason: '测试', now: t.clock.now(), lockDays: 0, expiryDays: 365 })
    await Promise.all([earn(), earn(), earn()])
    const { rows } = await t.db.query<{ balance: number }>('SELECT balance FROM point_accounts WHERE member_id = $1', [memberId])
    assert.equal(rows[0].balance, 100 - 60 + 7)
    await assertLedgerConsistent(t.db, memberId)
  })

  test('one Idempotency-Key replayed 50 times at once: one sale, 50 identical answers', async () => {
    const { token, memberId } = await newMember(t)
    const code = await memberCode(token)
    const key = newKey()
    const payload = { storeCode: 'SH001', receiptNo: `IDEM-${memberId}`, memberCode: code, goodsAmount: 25_000, pointsToUse: 100 }
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.app.inject({ method: 'POST', url: '/api/cashier/sales', headers: { ...cashier, 'idempotency-key': key }, payload })
      )
    )
    for (const response of responses) assert.equal(response.statusCode, 200, response.body)
    assert.equal(new Set(responses.map((r) => r.body)).size, 1, 'every answer is the first one')
    assert.equal(responses[0].json().pointsUsed, 100)
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM store_sales WHERE member_id = $1', [memberId]), 1)
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE member_id = $1 AND kind = 'spend'", [memberId]), 1)

    const other = await t.app.inject({
      method: 'POST',
      url: '/api/cashier/sales',
      headers: { ...cashier, 'idempotency-key': key },
      payload: { ...payload, goodsAmount: 30_000 }
    })
    assertApiError(other, 'IDEMPOTENCY_KEY_REUSED')
    await assertLedgerConsistent(t.db, memberId)
  })
})
