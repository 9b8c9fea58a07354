import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { CouponRule } from '../../types/coupons'
import { couponDiscount } from '../src/modules/coupons/service'
import {
  assertApiError,
  assertLedgerConsistent,
  DAY,
  givePoints,
  memberCall,
  newMember,
  newSku,
  operatorCall,
  pointsOf,
  shippingAddress as address,
  snapshot,
  startTestApp,
  type TestApp
} from './helpers'

describe('coupons and checkout pricing', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  async function newTemplate(rule: CouponRule, options: { perMemberLimit?: number; validity?: object } = {}): Promise<number> {
    const response = await operatorCall(t, 'POST', '/api/admin/coupon-templates', {
      name: rule.kind === 'amount' ? `满${rule.threshold / 100}减${rule.amountOff / 100}` : `${100 - rule.percentOff}折券`,
      rule,
      validity: options.validity ?? { days: 30 },
      perMemberLimit: options.perMemberLimit ?? 5
    })
    assert.equal(response.statusCode, 200, response.body)
    return response.json().id
  }
  async function issue(templateId: number, memberNo: string): Promise<number> {
    const response = await operatorCall(t, 'POST', '/api/admin/coupons', { templateId, memberNo })
    assert.equal(response.statusCode, 200, response.body)
    return response.json().id
  }
  const preview = (token: string, body: Record<string, unknown>) => memberCall(t, token, 'POST', '/api/orders/preview', body)
  const place = (token: string, body: Record<string, unknown>) => memberCall(t, token, 'POST', '/api/orders', { address, ...body })

  test('a coupon takes off its amount or its share up to the cap, never below its threshold, never the whole order', () => {
    const amount: CouponRule = { kind: 'amount', amountOff: 2000, threshold: 19900 }
    assert.equal(couponDiscount(amount, 19899), 0)
    assert.equal(couponDiscount(amount, 19900), 2000)
    const percent: CouponRule = { kind: 'percent', percentOff: 15, maxDiscount: 5000, threshold: 0 }
    assert.equal(couponDiscount(percent, 3333), 499, '15% of ¥33.33 is ¥4.9995: rounded down')
    assert.equal(couponDiscount(percent, 100000), 5000, 'capped')
    assert.equal(couponDiscount({ kind: 'amount', amountOff: 500, threshold: 0 }, 300), 299, 'a 无门槛 coupon leaves 1 fen to pay')
  })

  test('the per-member limit holds, also when ten issues race; an expired template issues nothing', async () => {
    const { memberNo } = await newMember(t)
    const templateId = await newTemplate({ kind: 'amount', amountOff: 500, threshold: 0 }, { perMemberLimit: 2 })
    const results = await Promise.all(
      Array.from({ length: 10 }, () => operatorCall(t, 'POST', '/api/admin/coupons', { templateId, memberNo }))
    )
    assert.equal(results.filter((r) => r.statusCode === 200).length, 2)
    for (const refused of results.filter((r) => r.statusCode !== 200)) assertApiError(refused, 'COUPON_LIMIT_REACHED')

    const past = await newTemplate(
      { kind: 'amount', amountOff: 500, threshold: 0 },
      { validity: { from: '2020-01-01T00:00:00+08:00', until: '2020-02-01T00:00:00+08:00' } }
    )
    assertApiError(await operatorCall(t, 'POST', '/api/admin/coupons', { templateId: past, memberNo }), 'COUPON_TEMPLATE_NOT_FOUND')
    assertApiError(
      await operatorCall(t, 'POST', '/api/admin/coupon-templates', {
        name: '倒过来的',
        rule: { kind: 'amount', amountOff: 500, threshold: 0 },
        validity: { from: '2030-02-01T00:00:00+08:00', until: '2030-01-01T00:00:00+08:00' },
        perMemberLimit: 1
      }),
      'VALIDATION_FAILED'
    )
  })

  test('checkout preselects the best coupon, prices points on what is left after it, and the order matches the preview', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    await givePoints(t, memberNo, 1900)
    const skuId = await newSku(t, 12900, 10)
    const twenty = await issue(await newTemplate({ kind: 'amount', amountOff: 2000, threshold: 19900 }), memberNo)
    const ninePercent = await issue(await newTemplate({ kind: 'percent', percentOff: 10, maxDiscount: 1500, threshold: 0 }), memberNo)
    const tooHigh = await issue(await newTemplate({ kind: 'amount', amountOff: 10000, threshold: 50000 }), memberNo)

    const best = (await preview(token, { items: [{ skuId, quantity: 2 }] })).json()
    assert.equal(best.goodsAmount, 25800)
    assert.equal(best.couponId, twenty, '¥20 off beats 10% capped at ¥15')
    assert.deepEqual(
      best.coupons.map((c: { coupon: { id: number }; discount: number; unusableReason: string | null }) => [c.coupon.id, c.discount, c.unusableReason]),
      [
        [twenty, 2000, null],
        [ninePercent, 1500, null],
        [tooHigh, 0, '差 ¥242.00 可用']
      ]
    )
    // ¥258 − ¥20 = ¥238; points may take at most half of it: ¥119, i.e. 1,190 points.
    assert.equal(best.points.maxPoints, 1190)
    assert.equal(best.payAmount, 23800)
    assert.equal(best.pointsToEarn, 238)

    const none = (await preview(token, { items: [{ skuId, quantity: 2 }], couponId: null, pointsToUse: 1000 })).json()
    assert.deepEqual([none.couponId, none.couponDiscount, none.deductionFen, none.payAmount], [null, 0, 10000, 15800], '1,000 积分 = ¥100.00 exactly')
    assertApiError(await preview(token, { items: [{ skuId, quantity: 2 }], couponId: tooHigh }), 'COUPON_UNAVAILABLE')
    assertApiError(await preview(token, { items: [{ skuId, quantity: 2 }], couponId: twenty, pointsToUse: 1200 }), 'POINTS_OVER_LIMIT')

    const chosen = (await preview(token, { items: [{ skuId, quantity: 2 }], couponId: twenty, pointsToUse: 1190 })).json()
    const order = await place(token, { items: [{ skuId, quantity: 2 }], couponId: twenty, pointsToUse: 1190 })
    assert.equal(order.statusCode, 200, order.body)
    assert.deepEqual(
      [order.json().couponDiscount, order.json().deductionFen, order.json().payAmount, order.json().couponName],
      [chosen.couponDiscount, chosen.deductionFen, chosen.payAmount, '满199减20']
    )
    assert.equal(chosen.payAmount, 25800 - 2000 - 11900)
    assert.equal((await pointsOf(t, memberId)).balance, 2000 - 1190)

    const coupons = (await memberCall(t, token, 'GET', '/api/coupons?status=used')).json().items
    assert.deepEqual(coupons.map((c: { id: number; usedOrderNo: string }) => [c.id, c.usedOrderNo]), [[twenty, order.json().orderNo]])
    await assertLedgerConsistent(t.db, memberId)
  })

  test("a coupon is used once, even by two orders at once; it comes back when the order is cancelled; others' coupons are refused", async () => {
    const { token, memberNo } = await newMember(t)
    const other = await newMember(t)
    const skuId = await newSku(t, 5000, 10)
    const couponId = await issue(await newTemplate({ kind: 'amount', amountOff: 1000, threshold: 0 }), memberNo)

    const before = await snapshot(t.db)
    assertApiError(await place(other.token, { items: [{ skuId, quantity: 1 }], couponId }), 'COUPON_UNAVAILABLE')
    assert.deepEqual(await snapshot(t.db), before, 'a refused order changes nothing')

    const [a, b] = await Promise.all([place(token, { items: [{ skuId, quantity: 1 }], couponId }), place(token, { items: [{ skuId, quantity: 1 }], couponId })])
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 422])
    const order = (a.statusCode === 200 ? a : b).json()
    assert.equal(order.payAmount, 4000)

    const cancelled = await memberCall(t, token, 'POST', `/api/orders/${order.orderNo}/cancel`)
    assert.equal(cancelled.statusCode, 200, cancelled.body)
    const available = (await memberCall(t, token, 'GET', '/api/coupons?status=available')).json().items
    assert.deepEqual(available.map((c: { id: number }) => c.id), [couponId])
    assert.equal((await place(token, { items: [{ skuId, quantity: 1 }], couponId })).statusCode, 200, 'usable again')
  })

  test('a member with hundreds of old coupons still gets every valid one at checkout, and each list shows its own status', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    const skuId = await newSku(t, 5000, 10)
    const small = await newTemplate({ kind: 'amount', amountOff: 100, threshold: 0 })
    const now = t.clock.now().getTime()
    // Straight into the table: hundreds through the API would be slow, and the limit is per template.
    const bulk = (from: number, count: number, validFrom: number, validUntil: number) =>
      t.db.query(
        `INSERT INTO member_coupons (template_id, member_id, seq, source_type, source_id, valid_from, valid_until, issued_at)
         SELECT $1, $2, g, 'test_bulk', concat($2::int, ':', g), $3, $4, $3 FROM generate_series($5::int, $6::int) g`,
        [small, memberId, new Date(validFrom), new Date(validUntil), from, from + count - 1]
      )
    await bulk(1, 210, now - 60 * DAY, now - 30 * DAY) // long expired
    await bulk(211, 210, now - DAY, now + DAY) // ¥1 off, expiring tomorrow: listed before the one below
    const best = await issue(await newTemplate({ kind: 'amount', amountOff: 2000, threshold: 0 }, { validity: { days: 30 } }), memberNo)

    const priced = (await preview(token, { items: [{ skuId, quantity: 1 }] })).json()
    assert.equal(priced.couponId, best, 'the ¥20 coupon that expires last is still offered and preselected')
    assert.equal(priced.coupons.length, 211, 'every unused, unexpired coupon is priced')
    assert.equal((await place(token, { items: [{ skuId, quantity: 1 }], couponId: best })).statusCode, 200)

    const list = async (status: string) => (await memberCall(t, token, 'GET', `/api/coupons?status=${status}`)).json().items as { id: number; status: string }[]
    const expired = await list('expired')
    assert.equal(expired.length, 200, 'expired coupons are listed although 210 others sort before them')
    assert.ok(expired.every((c) => c.status === 'expired'))
    const used = await list('used')
    assert.deepEqual(used.map((c) => [c.id, c.status]), [[best, 'used']])
    const available = await list('available')
    assert.equal(available.length, 200)
    assert.ok(available.every((c) => c.status === 'available'))
  })

  test('a coupon past its date is listed as expired and cannot be used; one not yet valid says when it starts', async () => {
    const { token, memberNo } = await newMember(t)
    const skuId = await newSku(t, 5000, 10)
    const shortLived = await issue(await newTemplate({ kind: 'amount', amountOff: 1000, threshold: 0 }, { validity: { days: 1 } }), memberNo)
    const start = new Date(t.clock.now().getTime() + 3 * DAY)
    const later = await issue(
      await newTemplate(
        { kind: 'amount', amountOff: 800, threshold: 0 },
        { validity: { from: start.toISOString(), until: new Date(start.getTime() + 10 * DAY).toISOString() } }
      ),
      memberNo
    )
    const listed = (await preview(token, { items: [{ skuId, quantity: 1 }] })).json()
    assert.equal(listed.couponId, shortLived)
    const upcoming = listed.coupons.find((c: { coupon: { id: number } }) => c.coupon.id === later)
    assert.match(upcoming.unusableReason, /^\d{2}-\d{2} 起可用$/)

    t.clock.advance(DAY)
    const expired = (await memberCall(t, token, 'GET', '/api/coupons?status=expired')).json().items
    assert.deepEqual(expired.map((c: { id: number }) => c.id), [shortLived])
    assertApiError(await place(token, { items: [{ skuId, quantity: 1 }], couponId: shortLived }), 'COUPON_UNAVAILABLE')
    t.clock.advance(-DAY)
  })
})
