import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { earnPoints, settleAccount } from '../src/modules/points/ledger'
import { loadRules, pointsForPayment } from '../src/modules/points/rules'
import { assertApiError, assertLedgerConsistent, bearer, DAY, newKey, newMember, operatorCall, snapshot, startTestApp, type TestApp } from './helpers'

describe('points routes', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) })
  const operator = (payload: unknown, key = newKey()) =>
    t.app.inject({
      method: 'POST',
      url: '/api/admin/points/adjustments',
      headers: { 'x-operator-key': 'dev-operator-key', 'idempotency-key': key },
      payload: payload as Record<string, unknown>
    })
  const sale = (payload: Record<string, unknown>, key = newKey()) =>
    t.app.inject({ method: 'POST', url: '/api/cashier/sales', headers: { 'x-cashier-key': 'dev-cashier-key', 'idempotency-key': key }, payload })
  const refund = (storeCode: string, receiptNo: string, key = newKey()) =>
    t.app.inject({
      method: 'POST',
      url: `/api/cashier/sales/${storeCode}/${receiptNo}/refund`,
      headers: { 'x-cashier-key': 'dev-cashier-key', 'idempotency-key': key }
    })
  const memberCode = async (token: string) => (await get('/api/members/me/code', token)).json().code as string
  const give = async (memberNo: string, points: number) => {
    const response = await operator({ memberNo, points, reason: '测试充值' })
    assert.equal(response.statusCode, 200, response.body)
    return response.json()
  }

  test('the quote: 100 积分 = ¥10, at most 50% of the goods, at least 100 points, never beyond the balance', async () => {
    const { token, memberNo } = await newMember(t)
    await give(memberNo, 900) // balance 1,000
    const quote = async (query: string) => get(`/api/points/quote?${query}`, token)

    assert.deepEqual((await quote('goodsAmount=10000')).json(), { balance: 1000, pointValueFen: 10, minPoints: 100, maxPoints: 500, maxDeductionFen: 5000, selected: null })
    assert.deepEqual((await quote('goodsAmount=10000&points=200')).json().selected, { points: 200, deductionFen: 2000 })
    assert.equal((await quote('goodsAmount=100000')).json().maxPoints, 1000, 'the balance limits a big order')
    assert.equal((await quote('goodsAmount=1999')).json().maxPoints, 0, '¥19.99 allows 99 points: under the minimum, so none')
    assert.equal((await quote('goodsAmount=2001')).json().maxPoints, 100, 'the cap rounds down to whole points')
    assertApiError(await quote('goodsAmount=10000&points=501'), 'POINTS_OVER_LIMIT')
    assertApiError(await quote('goodsAmount=10000&points=99'), 'POINTS_BELOW_MINIMUM')
    assertApiError(await quote('goodsAmount=1000000&points=1001'), 'INSUFFICIENT_POINTS')
  })

  test('the rules come from the database: the summary and the quote follow an operator change', async () => {
    const { token } = await newMember(t)
    await t.db.query('UPDATE loyalty_rules SET max_redeem_percent = 30, min_redeem_points = 50')
    try {
      const summary = (await get('/api/points/summary', token)).json()
      assert.equal(summary.rules.maxRedeemPercent, 30)
      assert.equal(summary.rules.minRedeemPoints, 50)
      assert.equal((await get('/api/points/quote?goodsAmount=1000', token)).json().maxPoints, 0, '30% of ¥10 is 30 points, under 50')
      assert.equal((await get('/api/points/quote?goodsAmount=5000', token)).json().maxPoints, 100)
      assert.deepEqual((await t.app.inject({ method: 'GET', url: '/api/points/rules' })).json(), summary.rules)
    } finally {
      await t.db.query('UPDATE loyalty_rules SET max_redeem_percent = 50, min_redeem_points = 100')
    }
  })

  test('the summary shows pending points with their date and points expiring within 30 days', async () => {
    const { token, memberId } = await newMember(t)
    const now = t.clock.now()
    await earnPoints(t.db, { memberId, points: 80, event: { type: 'test_earn', id: `soon-${memberId}` }, reason: '测试', now, lockDays: 0, expiryDays: 20 })
    await earnPoints(t.db, { memberId, points: 240, event: { type: 'test_earn', id: `pending-${memberId}` }, reason: '测试', now, lockDays: 7, expiryDays: 365 })
    const summary = (await get('/api/points/summary', token)).json()
    assert.equal(summary.balance, 180)
    assert.deepEqual(summary.pending, { points: 240, lots: [{ points: 240, availableAt: new Date(now.getTime() + 7 * DAY).toISOString() }] })
    assert.deepEqual(summary.expiring, { points: 80, withinDays: 30, soonestAt: new Date(now.getTime() + 20 * DAY).toISOString() })
  })

  test('the history: newest first, paged without gaps or repeats, filtered by category, unlocks hidden', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    for (let i = 0; i < 7; i++) await give(memberNo, 10 + i)
    await give(memberNo, -5)
    await earnPoints(t.db, { memberId, points: 30, event: { type: 'test_earn', id: `hist-${memberId}` }, reason: '测试', now: t.clock.now(), lockDays: 7, expiryDays: 365 })
    // A week later the pending points unlock: an entry, but not one a member sees.
    await settleAccount(t.db, memberId, new Date(t.clock.now().getTime() + 8 * DAY))

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const response = await get(`/api/points/entries?limit=3${cursor ? `&cursor=${cursor}` : ''}`, token)
      assert.equal(response.statusCode, 200, response.body)
      const page: { items: { id: string }[]; nextCursor: string | null } = response.json()
      seen.push(...page.items.map((item: { id: string }) => item.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.equal(seen.length, 10, 'welcome + 7 adjustments + 1 deduction + 1 earning')
    assert.equal(new Set(seen).size, seen.length)
    assert.deepEqual([...seen].sort((a, b) => Number(b) - Number(a)), seen, 'newest first')

    const all = (await get('/api/points/entries?limit=50', token)).json().items
    assert.ok(all.every((item: { category: string }) => item.category !== undefined))
    const earned = all.find((item: { event: { id: string } }) => item.event.id === `hist-${memberId}`)
    assert.equal(earned.status, 'available', 'an unlocked earning says so')
    const adjusted = (await get('/api/points/entries?category=adjusted', token)).json().items
    assert.equal(adjusted.length, 8)
    assert.ok(adjusted.some((item: { points: number }) => item.points === -5))
    assert.equal((await get('/api/points/entries?category=earned', token)).json().items.length, 2)
    assert.equal((await get('/api/points/entries?category=expired', token)).json().items.length, 0)
  })

  test("a member never sees another member's points, even with their cursor", async () => {
    const a = await newMember(t)
    const b = await newMember(t)
    await give(a.memberNo, 500)
    const aItems = (await get('/api/points/entries', a.token)).json().items
    const bItems = (await get(`/api/points/entries?cursor=${Number(aItems[0].id) + 1}`, b.token)).json().items
    assert.ok(bItems.every((item: { id: string }) => !aItems.some((mine: { id: string }) => mine.id === item.id)))
    assert.equal((await get('/api/points/summary', b.token)).json().balance, 100)
  })

  test('an operator adjustment records who and why; it cannot overdraw', async () => {
    const { memberId, memberNo } = await newMember(t)
    const response = await give(memberNo, 250)
    assert.equal(response.status, 'posted')
    assert.equal(response.balanceAfter, 350)
    const { rows } = await t.db.query<{ actor: string; reason: string }>(`SELECT actor, reason FROM point_entries WHERE member_id = $1 AND kind = 'adjust'`, [memberId])
    // The actor is the caller's credential (here the service key), never a field of the body.
    assert.deepEqual(rows, [{ actor: 'service', reason: '测试充值' }])
    const before = await snapshot(t.db)
    assertApiError(await operator({ memberNo, points: -351, reason: '扣减' }), 'INSUFFICIENT_POINTS')
    assertApiError(await operator({ memberNo: '99999999', points: 5, reason: '补偿' }), 'MEMBER_NOT_FOUND')
    assert.deepEqual(await snapshot(t.db), before)
    await assertLedgerConsistent(t.db, memberId)
  })

  test('a till sale: points take ¥10 per 100, the cash earns pending points, a silver member earns ×1.2; the refund gives everything back once', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    const receipt = `T-${memberId}`
    const first = await sale({ storeCode: 'SH001', receiptNo: receipt, memberCode: await memberCode(token), goodsAmount: 25_000, pointsToUse: 100 })
    assert.equal(first.statusCode, 200, first.body)
    assert.deepEqual(
      { ...(first.json() as Record<string, unknown>), pointsAvailableAt: undefined },
      { storeCode: 'SH001', receiptNo: receipt, memberNo, goodsAmount: 25_000, pointsUsed: 100, deductionFen: 1000, payAmount: 24_000, pointsEarned: 240, pointsAvailableAt: undefined, status: 'completed', balance: 0 }
    )
    assertApiError(await sale({ storeCode: 'SH001', receiptNo: receipt, memberCode: await memberCode(token), goodsAmount: 100 }), 'SALE_ALREADY_RECORDED')

    const refunded = await refund('SH001', receipt)
    assert.equal(refunded.statusCode, 200, refunded.body)
    assert.equal(refunded.json().status, 'refunded')
    assert.equal(refunded.json().balance, 100, 'the points used came back')
    assertApiError(await refund('SH001', receipt), 'SALE_ALREADY_REFUNDED')
    const summary = (await get('/api/points/summary', token)).json()
    assert.deepEqual([summary.balance, summary.pending.points], [100, 0], 'the pending points were voided')

    const promoted = await operatorCall(t, 'POST', `/api/admin/members/${memberNo}/tier`, { tierCode: 'silver', reason: '测试' })
    assert.equal(promoted.statusCode, 200, promoted.body)
    const silver = await sale({ storeCode: 'SH002', receiptNo: `S-${memberId}`, memberCode: await memberCode(token), goodsAmount: 10_050 })
    assert.equal(silver.json().pointsEarned, 120, '¥100.50 × 1.2 = 120.6 → 120')
    const small = await sale({ storeCode: 'SH002', receiptNo: `S2-${memberId}`, memberCode: await memberCode(token), goodsAmount: 999 })
    assert.equal(small.statusCode, 200, small.body)
    assert.equal(small.json().pointsEarned, 10, '¥9.99 is 9 whole yuan: floor(9 × 1.2) = 10, not floor(9.99 × 1.2) = 11')
    assertApiError(await refund('SH001', `NOPE-${memberId}`), 'SALE_NOT_FOUND')
    await assertLedgerConsistent(t.db, memberId)
  })

  test('the earning rule: 1 point per whole ¥1 paid, times the tier multiplier, rounded down', async () => {
    const rules = await loadRules(t.db)
    const cases: [payFen: number, permille: number, points: number][] = [
      [999, 1200, 10], // not floor(9.99 × 1.2) = 11: the 99 fen earn nothing
      [999, 1000, 9],
      [99, 2000, 0],
      [100, 1500, 1],
      [1999, 1500, 28], // floor(19 × 1.5), not floor(19.99 × 1.5) = 29
      [10_050, 1200, 120],
      [27_320, 1000, 273]
    ]
    for (const [payFen, permille, points] of cases) {
      assert.equal(pointsForPayment(rules, payFen, permille), points, `${payFen} fen × ${permille}‰`)
    }
  })

  test('expiry reminder consent is counted once per tap, and a retry does not count twice', async () => {
    const { token } = await newMember(t)
    const post = (accepted: boolean, key = newKey()) =>
      t.app.inject({ method: 'POST', url: '/api/points/expiry-reminders', headers: { ...bearer(token), 'idempotency-key': key }, payload: { accepted } })
    const key = newKey()
    assert.equal((await post(true, key)).json().reminderCredits, 1)
    assert.equal((await post(true, key)).json().reminderCredits, 1, 'the retry answers with the first response')
    assert.equal((await post(true)).json().reminderCredits, 2)
    assert.equal((await post(false)).json().reminderCredits, 2)
  })

  test('bad input on every points route: a clear 4xx, never a 500, nothing changed', async () => {
    const { token, memberNo } = await newMember(t)
    const code = await memberCode(token)
    const before = await snapshot(t.db)
    const cases: [string, () => Promise<import('light-my-request').Response>, Parameters<typeof assertApiError>[1]][] = [
      ['quote without amount', () => get('/api/points/quote', token), 'VALIDATION_FAILED'],
      ['quote negative amount', () => get('/api/points/quote?goodsAmount=-1', token), 'VALIDATION_FAILED'],
      ['quote fractional amount', () => get('/api/points/quote?goodsAmount=10.5', token), 'VALIDATION_FAILED'],
      ['quote huge amount', () => get('/api/points/quote?goodsAmount=1e20', token), 'VALIDATION_FAILED'],
      ['quote string points', () => get('/api/points/quote?goodsAmount=100&points=many', token), 'VALIDATION_FAILED'],
      ['quote zero points', () => get('/api/points/quote?goodsAmount=100&points=0', token), 'VALIDATION_FAILED'],
      ['quote unknown field', () => get('/api/points/quote?goodsAmount=100&memberId=1', token), 'VALIDATION_FAILED'],
      ['entries bad category', () => get('/api/points/entries?category=stolen', token), 'VALIDATION_FAILED'],
      ['entries bad cursor', () => get('/api/points/entries?cursor=-1', token), 'VALIDATION_FAILED'],
      ['entries limit too big', () => get('/api/points/entries?limit=500', token), 'VALIDATION_FAILED'],
      ['summary without a session', () => t.app.inject({ method: 'GET', url: '/api/points/summary' }), 'UNAUTHENTICATED'],
      ['adjust zero', () => operator({ memberNo, points: 0, reason: '测试' }), 'VALIDATION_FAILED'],
      ['adjust fractional', () => operator({ memberNo, points: 1.5, reason: '测试' }), 'VALIDATION_FAILED'],
      ['adjust string', () => operator({ memberNo, points: '100', reason: '测试' }), 'VALIDATION_FAILED'],
      ['adjust huge', () => operator({ memberNo, points: 10_000_000_000, reason: '测试' }), 'VALIDATION_FAILED'],
      ['adjust without reason', () => operator({ memberNo, points: 5 }), 'VALIDATION_FAILED'],
      ['adjust with a member id instead', () => operator({ memberId: 1, points: 5, reason: '测试' }), 'VALIDATION_FAILED'],
      [
        'adjust without a console session or service key',
        () => t.app.inject({ method: 'POST', url: '/api/admin/points/adjustments', headers: { 'idempotency-key': newKey() }, payload: { memberNo, points: 5, reason: '测试' } }),
        'OPERATOR_UNAUTHENTICATED'
      ],
      [
        'adjust with a member session',
        () => t.app.inject({ method: 'POST', url: '/api/admin/points/adjustments', headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { memberNo, points: 5, reason: '测试' } }),
        'OPERATOR_UNAUTHENTICATED'
      ],
      [
        'adjust without Idempotency-Key',
        () => t.app.inject({ method: 'POST', url: '/api/admin/points/adjustments', headers: { 'x-operator-key': 'dev-operator-key' }, payload: { memberNo, points: 5, reason: '测试' } }),
        'IDEMPOTENCY_KEY_REQUIRED'
      ],
      ['sale negative points', () => sale({ storeCode: 'SH001', receiptNo: 'BAD-1', memberCode: code, goodsAmount: 1000, pointsToUse: -100 }), 'VALIDATION_FAILED'],
      ['sale fractional amount', () => sale({ storeCode: 'SH001', receiptNo: 'BAD-2', memberCode: code, goodsAmount: 99.9 }), 'VALIDATION_FAILED'],
      ['sale string amount', () => sale({ storeCode: 'SH001', receiptNo: 'BAD-3', memberCode: code, goodsAmount: '1000' }), 'VALIDATION_FAILED'],
      ['sale null points', () => sale({ storeCode: 'SH001', receiptNo: 'BAD-4', memberCode: code, goodsAmount: 1000, pointsToUse: null }), 'VALIDATION_FAILED'],
      ['sale bad receipt', () => sale({ storeCode: 'SH001', receiptNo: 'no spaces', memberCode: code, goodsAmount: 1000 }), 'VALIDATION_FAILED'],
      ['sale points over the cap', () => sale({ storeCode: 'SH001', receiptNo: 'BAD-5', memberCode: code, goodsAmount: 1000, pointsToUse: 100 }), 'POINTS_OVER_LIMIT'],
      ['sale points beyond the balance', () => sale({ storeCode: 'SH001', receiptNo: 'BAD-6', memberCode: code, goodsAmount: 100_000, pointsToUse: 5000 }), 'INSUFFICIENT_POINTS'],
      ['sale tampered member code', () => sale({ storeCode: 'SH001', receiptNo: 'BAD-7', memberCode: code.replace(/.$/, (c) => (c === '0' ? '1' : '0')), goodsAmount: 1000 }), 'MEMBER_CODE_INVALID'],
      ['sale closed store', () => sale({ storeCode: 'ZZ99', receiptNo: 'BAD-8', memberCode: code, goodsAmount: 1000 }), 'STORE_NOT_FOUND'],
      [
        'sale without cashier key',
        () => t.app.inject({ method: 'POST', url: '/api/cashier/sales', headers: { 'idempotency-key': newKey() }, payload: { storeCode: 'SH001', receiptNo: 'BAD-9', memberCode: code, goodsAmount: 1000 } }),
        'CASHIER_KEY_INVALID'
      ],
      ['refund bad receipt', () => refund('SH001', 'no%20spaces'), 'VALIDATION_FAILED']
    ]
    for (const [name, send, code_] of cases) {
      const response = await send()
      assert.ok(response.statusCode < 500, `${name}: ${response.statusCode} ${response.body}`)
      assertApiError(response, code_, name)
    }
    assert.deepEqual(await snapshot(t.db), before)
  })
})
