import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { completeUnconfirmedOrders } from '../src/modules/orders/service'
import {
  assertApiError,
  assertLedgerConsistent,
  count,
  DAY,
  givePoints,
  memberCall,
  newMember,
  newSku,
  operatorCall,
  pointsOf,
  shippingAddress as address,
  startTestApp,
  userIdOf,
  type TestApp
} from './helpers'

describe('shipping and refunds of some items', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  /** A paid order for a fresh member: ¥129 ×2 + ¥35.50 ×1 + ¥9.90 ×3 = ¥323.20, with a ¥20 coupon and 300 points. */
  async function paidOrder() {
    const member = await newMember(t)
    await givePoints(t, member.memberNo, 200)
    const skus = [await newSku(t, 12900, 10), await newSku(t, 3550, 10), await newSku(t, 990, 10)]
    const template = await operatorCall(t, 'POST', '/api/admin/coupon-templates', {
      name: '满199减20',
      rule: { kind: 'amount', amountOff: 2000, threshold: 19900 },
      validity: { days: 30 },
      perMemberLimit: 1
    })
    const coupon = await operatorCall(t, 'POST', '/api/admin/coupons', { templateId: template.json().id, memberNo: member.memberNo })
    const placed = await memberCall(t, member.token, 'POST', '/api/orders', {
      items: [
        { skuId: skus[0], quantity: 2 },
        { skuId: skus[1], quantity: 1 },
        { skuId: skus[2], quantity: 3 }
      ],
      couponId: coupon.json().id,
      pointsToUse: 300,
      address
    })
    assert.equal(placed.statusCode, 200, placed.body)
    const paid = await memberCall(t, member.token, 'POST', `/api/orders/${placed.json().orderNo}/pay`)
    assert.equal(paid.statusCode, 200, paid.body)
    return { ...member, skus, couponId: coupon.json().id as number, order: paid.json().order }
  }
  const refund = (token: string, orderNo: string, items?: { skuId: number; quantity: number }[]) =>
    memberCall(t, token, 'POST', `/api/orders/${orderNo}/refund`, { reason: '不想要了', ...(items && { items }) })

  test('refunds item by item add up to exactly what the order paid, used, earned and grew; the coupon comes back with the last', async () => {
    const { token, memberId, skus, couponId, order } = await paidOrder()
    // ¥323.20 − ¥20 coupon − ¥30 of points = ¥273.20 paid, earning 273 pending points and 273 growth.
    assert.deepEqual([order.goodsAmount, order.couponDiscount, order.deductionFen, order.payAmount, order.pointsEarned], [32320, 2000, 3000, 27320, 273])
    assert.deepEqual(await pointsOf(t, memberId), { balance: 0, pending: 273, growth: 273 })

    const first = await refund(token, order.orderNo, [{ skuId: skus[2], quantity: 1 }])
    assert.equal(first.statusCode, 200, first.body)
    // ¥9.90 of ¥323.20 goods: its share of ¥273.20 is ¥8.36 (836.8 fen, rounded down).
    assert.equal(first.json().status, 'paid', 'a partial refund leaves the order paid')
    assert.deepEqual(first.json().refunds.map((r: { amount: number; pointsBack: number; earnedBack: number; status: string }) => [r.amount, r.pointsBack, r.earnedBack, r.status]), [[836, 9, 8, 'succeeded']])
    assertApiError(await refund(token, order.orderNo, [{ skuId: skus[2], quantity: 3 }]), 'REFUND_EXCEEDS_ORDER')

    const second = await refund(token, order.orderNo, [{ skuId: skus[0], quantity: 1 }, { skuId: skus[2], quantity: 2 }])
    assert.equal(second.statusCode, 200, second.body)
    assert.equal((await memberCall(t, token, 'GET', '/api/coupons?status=used')).json().items.length, 1, 'the coupon stays used while items remain')

    const rest = await refund(token, order.orderNo)
    assert.equal(rest.statusCode, 200, rest.body)
    const refunded = rest.json()
    assert.equal(refunded.status, 'refunded')
    const sum = (key: 'amount' | 'pointsBack' | 'earnedBack') => refunded.refunds.reduce((total: number, r: Record<string, number>) => total + r[key], 0)
    assert.deepEqual([sum('amount'), sum('pointsBack'), sum('earnedBack')], [27320, 300, 273])
    assert.deepEqual(await pointsOf(t, memberId), { balance: 300, pending: 0, growth: 0 })
    assert.deepEqual(
      (await memberCall(t, token, 'GET', '/api/coupons?status=available')).json().items.map((c: { id: number }) => c.id),
      [couponId]
    )
    assertApiError(await refund(token, order.orderNo), 'ORDER_NOT_REFUNDABLE')
    const aftersale = (await memberCall(t, token, 'GET', '/api/orders?status=aftersale')).json().items
    assert.deepEqual(aftersale.map((o: { orderNo: string }) => o.orderNo), [order.orderNo])
    await assertLedgerConsistent(t.db, memberId)
  })

  test('a refund retried with its key posts once; two refunds of the last item at once refund it once', async () => {
    const { token, memberId, skus, order } = await paidOrder()
    const key = 'refund-retry-key-1'
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/orders/${order.orderNo}/refund`,
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
        payload: { reason: '不想要了', items: [{ skuId: skus[1], quantity: 1 }] }
      })
    const [a, b] = [await send(), await send()]
    assert.equal(a.body, b.body)
    const racing = await Promise.all([refund(token, order.orderNo, [{ skuId: skus[0], quantity: 2 }]), refund(token, order.orderNo, [{ skuId: skus[0], quantity: 2 }])])
    assert.deepEqual(racing.map((r) => r.statusCode).sort(), [200, 422])
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM order_refunds r JOIN orders o ON o.id = r.order_id WHERE o.order_no = $1', [order.orderNo]), 2)
    await assertLedgerConsistent(t.db, memberId)
  })

  test('ship → 待收货 → 确认收货 → 已完成; unconfirmed orders complete after 10 days; a shipped or completed order is never refunded without a 售后 request', async () => {
    const { token, memberId, order } = await paidOrder()
    assertApiError(await memberCall(t, token, 'POST', `/api/orders/${order.orderNo}/receive`), 'ORDER_NOT_SHIPPED')
    const ship = (orderNo: string) => operatorCall(t, 'POST', `/api/admin/orders/${orderNo}/ship`, { carrier: '顺丰速运', trackingNo: 'SF1234567890' })
    const shipped = await ship(order.orderNo)
    assert.equal(shipped.statusCode, 200, shipped.body)
    assert.equal(shipped.json().status, 'shipped')
    assert.deepEqual([shipped.json().shipping.carrier, shipped.json().shipping.trackingNo], ['顺丰速运', 'SF1234567890'])
    assertApiError(await ship(order.orderNo), 'ORDER_NOT_SHIPPABLE')
    assertApiError(await refund(token, order.orderNo), 'ORDER_NEEDS_AFTERSALE', 'shipped')
    assert.deepEqual((await memberCall(t, token, 'GET', '/api/orders?status=shipped')).json().items.map((o: { orderNo: string }) => o.orderNo), [order.orderNo])

    const received = await memberCall(t, token, 'POST', `/api/orders/${order.orderNo}/receive`)
    assert.equal(received.json().status, 'completed')
    // 300 days later, as the defect allowed: no cash back for goods kept without an operator deciding.
    t.clock.advance(300 * DAY)
    const signedInAgain = t.app.services.sessions.issue({ userId: userIdOf(token) }, t.clock.now()).token
    assertApiError(await refund(signedInAgain, order.orderNo), 'ORDER_NEEDS_AFTERSALE', 'completed')
    t.clock.advance(-300 * DAY)

    const other = await paidOrder()
    await ship(other.order.orderNo)
    await completeUnconfirmedOrders(t.db, new Date(t.clock.now().getTime() + 10 * DAY - 1000))
    assert.equal((await memberCall(t, other.token, 'GET', `/api/orders/${other.order.orderNo}`)).json().status, 'shipped')
    await completeUnconfirmedOrders(t.db, new Date(t.clock.now().getTime() + 10 * DAY))
    assert.equal((await memberCall(t, other.token, 'GET', `/api/orders/${other.order.orderNo}`)).json().status, 'completed')
    await assertLedgerConsistent(t.db, memberId)
  })
})
