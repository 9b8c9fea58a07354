import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { closeExpiredOrders } from '../src/modules/orders/payment'
import {
  assertApiError,
  assertLedgerConsistent,
  bearer,
  count,
  givePoints,
  MINUTE,
  newKey,
  newMember,
  newSku as newSkuFor,
  shippingAddress as address,
  snapshot,
  startTestApp,
  stockOf as stockOfSku,
  type TestApp
} from './helpers'

describe('orders', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp()
  })
  after(() => t.close())

  const newSku = (price: number, stock: number) => newSkuFor(t, price, stock)
  const stockOf = (skuId: number) => stockOfSku(t, skuId)
  const balanceOf = async (memberId: number) =>
    (await t.db.query<{ balance: number }>('SELECT balance FROM point_accounts WHERE member_id = $1', [memberId])).rows[0].balance
  const place = (token: string, body: Record<string, unknown>, key = newKey()) =>
    t.app.inject({ method: 'POST', url: '/api/orders', headers: { ...bearer(token), 'idempotency-key': key }, payload: body })
  const cancel = (token: string, orderNo: string) =>
    t.app.inject({ method: 'POST', url: `/api/orders/${orderNo}/cancel`, headers: { ...bearer(token), 'idempotency-key': newKey() } })
  const give = (memberNo: string, points: number) => givePoints(t, memberNo, points)

  test('the server prices the order, reserves the stock and holds the points: 200 积分 take ¥20 off', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    await give(memberNo, 100)
    const skuId = await newSku(12900, 10)
    const response = await place(token, { items: [{ skuId, quantity: 2 }], pointsToUse: 200, address })
    assert.equal(response.statusCode, 200, response.body)
    const order = response.json()
    assert.deepEqual(
      [order.status, order.goodsAmount, order.pointsUsed, order.deductionFen, order.payAmount],
      ['pending_payment', 25800, 200, 2000, 23800]
    )
    assert.deepEqual(order.items, [{ skuId, productName: '测试商品', specText: '黑', price: 12900, quantity: 2, refundedQuantity: 0 }])
    assert.equal(new Date(order.expiresAt).getTime() - new Date(order.createdAt).getTime(), 15 * MINUTE)
    assert.match(order.orderNo, /^\d{20}$/)
    assert.equal(await stockOf(skuId), 8)
    assert.equal(await balanceOf(memberId), 0)
    await assertLedgerConsistent(t.db, memberId)
  })

  test("the client's prices are refused, not trusted; over-the-cap points and short stock change nothing", async () => {
    const { token, memberNo } = await newMember(t)
    await give(memberNo, 5000)
    const skuId = await newSku(1000, 3)
    const before = await snapshot(t.db)
    assertApiError(await place(token, { items: [{ skuId, quantity: 1, price: 1 }], address }), 'VALIDATION_FAILED')
    assertApiError(await place(token, { items: [{ skuId, quantity: 1 }], address, payAmount: 1 }), 'VALIDATION_FAILED')
    assertApiError(await place(token, { items: [{ skuId, quantity: 1 }], pointsToUse: 100, address }), 'POINTS_OVER_LIMIT')
    assertApiError(await place(token, { items: [{ skuId, quantity: 4 }], address }), 'OUT_OF_STOCK')
    assertApiError(await place(token, { items: [{ skuId, quantity: 2 }, { skuId, quantity: 2 }], address }), 'OUT_OF_STOCK')
    assertApiError(await place(token, { items: [{ skuId: 999999, quantity: 1 }], address }), 'PRODUCT_NOT_FOUND')
    assertApiError(await place(token, { items: [], address }), 'VALIDATION_FAILED')
    assertApiError(await place(token, { items: [{ skuId, quantity: 0 }], address }), 'VALIDATION_FAILED')
    assertApiError(await place(token, { items: [{ skuId, quantity: 1 }], address: { ...address, phone: '12345' } }), 'VALIDATION_FAILED')
    assert.deepEqual(await snapshot(t.db), before)
    assert.equal(await stockOf(skuId), 3)
  })

  test('cancelling gives back the stock and the points, once; nobody else can cancel it', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    await give(memberNo, 100)
    const skuId = await newSku(30000, 5)
    const order = (await place(token, { items: [{ skuId, quantity: 1 }], pointsToUse: 150, address })).json()
    const stranger = await newMember(t)
    assertApiError(await cancel(stranger.token, order.orderNo), 'ORDER_NOT_FOUND')

    const cancelled = await cancel(token, order.orderNo)
    assert.equal(cancelled.statusCode, 200, cancelled.body)
    assert.equal(cancelled.json().status, 'cancelled')
    assert.equal(await stockOf(skuId), 5)
    assert.equal(await balanceOf(memberId), 200)
    assertApiError(await cancel(token, order.orderNo), 'ORDER_NOT_CANCELLABLE')
    assert.equal(await balanceOf(memberId), 200)
    await assertLedgerConsistent(t.db, memberId)
  })

  test('an unpaid order closes after 15 minutes, not before; a cancel at the same moment happens once', async () => {
    const { token, memberId } = await newMember(t)
    const skuId = await newSku(20000, 5)
    const order = (await place(token, { items: [{ skuId, quantity: 2 }], pointsToUse: 100, address })).json()
    const placedAt = new Date(order.createdAt).getTime()
    await closeExpiredOrders(t.db, null, new Date(placedAt + 15 * MINUTE - 1))
    assert.equal(await stockOf(skuId), 3, 'still reserved a millisecond before')

    const [, cancelled] = await Promise.all([closeExpiredOrders(t.db, null, new Date(placedAt + 15 * MINUTE)), cancel(token, order.orderNo)])
    assert.ok([200, 409].includes(cancelled.statusCode), cancelled.body)
    assert.equal(await stockOf(skuId), 5)
    assert.equal(await balanceOf(memberId), 100)
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'order_points_back' AND event_id = $1", [order.orderNo]), 1)
    await assertLedgerConsistent(t.db, memberId)
  })

  // As wx.request sends it: the JSON content type with no body at all.
  const pay = (token: string, orderNo: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/orders/${orderNo}/pay`,
      headers: { ...bearer(token), 'idempotency-key': newKey(), 'content-type': 'application/json' }
    })

  test('paying earns pending points for the cash paid and growth, once; a paid order cannot be cancelled', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    await give(memberNo, 100)
    const skuId = await newSku(12900, 10)
    const order = (await place(token, { items: [{ skuId, quantity: 2 }], pointsToUse: 200, address })).json()
    const paid = await pay(token, order.orderNo)
    assert.equal(paid.statusCode, 200, paid.body)
    assert.equal(paid.json().provider, 'dev')
    assert.equal(paid.json().order.status, 'paid')
    assert.equal(paid.json().pointsEarned, 238, '¥238.00 paid in cash → 238 积分 (×1.0)')
    const { rows } = await t.db.query<{ pending: number; growth: number }>(
      'SELECT a.pending, m.growth FROM point_accounts a JOIN members m ON m.id = a.member_id WHERE m.id = $1',
      [memberId]
    )
    assert.deepEqual(rows[0], { pending: 238, growth: 238 })
    assertApiError(await pay(token, order.orderNo), 'ORDER_NOT_PAYABLE')
    assertApiError(await cancel(token, order.orderNo), 'ORDER_NOT_CANCELLABLE')
    assert.equal(await stockOf(skuId), 8)

    const detail = await t.app.inject({ method: 'GET', url: `/api/orders/${order.orderNo}`, headers: bearer(token) })
    assert.equal(detail.json().status, 'paid')
    const list = await t.app.inject({ method: 'GET', url: '/api/orders?status=paid', headers: bearer(token) })
    assert.deepEqual(list.json().items.map((o: { orderNo: string }) => o.orderNo), [order.orderNo])
    const stranger = await newMember(t)
    assertApiError(await t.app.inject({ method: 'GET', url: `/api/orders/${order.orderNo}`, headers: bearer(stranger.token) }), 'ORDER_NOT_FOUND')
    assertApiError(await pay(stranger.token, order.orderNo), 'ORDER_NOT_FOUND')
    await assertLedgerConsistent(t.db, memberId)
  })

  test('a refund takes back the pending points it earned and returns the points it used, once', async () => {
    const { token, memberId, memberNo } = await newMember(t)
    await give(memberNo, 100)
    const skuId = await newSku(12900, 10)
    const order = (await place(token, { items: [{ skuId, quantity: 2 }], pointsToUse: 200, address })).json()
    assert.equal((await pay(token, order.orderNo)).statusCode, 200)
    const refund = () =>
      t.app.inject({ method: 'POST', url: `/api/orders/${order.orderNo}/refund`, headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { reason: '不想要了' } })
    const refunded = await refund()
    assert.equal(refunded.statusCode, 200, refunded.body)
    assert.equal(refunded.json().status, 'refunded')
    const accountAndGrowth = async () =>
      (
        await t.db.query<{ balance: number; pending: number; growth: number }>(
          'SELECT a.balance, a.pending, m.growth FROM point_accounts a JOIN members m ON m.id = a.member_id WHERE m.id = $1',
          [memberId]
        )
      ).rows[0]
    assert.deepEqual(await accountAndGrowth(), { balance: 200, pending: 0, growth: 0 })
    assertApiError(await refund(), 'ORDER_NOT_REFUNDABLE')
    assert.deepEqual(await accountAndGrowth(), { balance: 200, pending: 0, growth: 0 })
    const unpaid = (await place(token, { items: [{ skuId, quantity: 1 }], address })).json()
    assertApiError(
      await t.app.inject({ method: 'POST', url: `/api/orders/${unpaid.orderNo}/refund`, headers: { ...bearer(token), 'idempotency-key': newKey() }, payload: { reason: '不想要了' } }),
      'ORDER_NOT_REFUNDABLE'
    )
    await assertLedgerConsistent(t.db, memberId)
  })

  test('an expired order cannot be paid', async () => {
    const { token } = await newMember(t)
    const order = (await place(token, { items: [{ skuId: await newSku(1000, 1), quantity: 1 }], address })).json()
    t.clock.advance(15 * MINUTE)
    try {
      assertApiError(await pay(token, order.orderNo), 'ORDER_NOT_PAYABLE')
    } finally {
      t.clock.advance(-15 * MINUTE)
    }
  })

  test('paid and cancelled at the same moment: one of them wins and everything agrees with it', async () => {
    for (let round = 0; round < 5; round++) {
      const { token, memberId, memberNo } = await newMember(t)
      await give(memberNo, 100)
      const skuId = await newSku(30000, 3)
      const order = (await place(token, { items: [{ skuId, quantity: 1 }], pointsToUse: 200, address })).json()
      const [paid, cancelled] = await Promise.all([pay(token, order.orderNo), cancel(token, order.orderNo)])
      assert.equal([paid.statusCode, cancelled.statusCode].filter((s) => s === 200).length, 1, `${paid.body} / ${cancelled.body}`)
      const earned = await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'order' AND event_id = $1", [order.orderNo])
      const returned = await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'order_points_back' AND event_id = $1", [order.orderNo])
      if (paid.statusCode === 200) {
        assert.deepEqual([earned, returned, await stockOf(skuId), await balanceOf(memberId)], [1, 0, 2, 0])
      } else {
        assertApiError(paid, 'ORDER_NOT_PAYABLE')
        assert.deepEqual([earned, returned, await stockOf(skuId), await balanceOf(memberId)], [0, 1, 3, 200])
      }
      await assertLedgerConsistent(t.db, memberId)
    }
  })

  test('100 orders at once for the last 5 units: exactly 5 are placed, stock ends at 0', async () => {
    const skuId = await newSku(5000, 5)
    const buyers = await Promise.all(Array.from({ length: 20 }, () => newMember(t)))
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => place(buyers[i % buyers.length].token, { items: [{ skuId, quantity: 1 }], address }))
    )
    const placed = responses.filter((r) => r.statusCode === 200)
    assert.equal(placed.length, 5)
    for (const response of responses.filter((r) => r.statusCode !== 200)) assertApiError(response, 'OUT_OF_STOCK')
    assert.equal(await stockOf(skuId), 0)
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM order_items WHERE sku_id = $1', [skuId]), 5)
  })
})
