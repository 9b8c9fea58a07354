import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  assertApiError,
  assertLedgerConsistent,
  consoleAccount,
  consoleCall,
  count,
  DAY,
  memberCall,
  newMember,
  newSku,
  operatorCall,
  pointsOf,
  shippingAddress as address,
  snapshot,
  startTestApp,
  stockOf,
  type ConsoleSession,
  userIdOf,
  type TestApp
} from './helpers'

describe('after-sales (售后)', () => {
  let t: TestApp
  let ops: ConsoleSession
  let start: Date
  before(async () => {
    t = await startTestApp()
    ops = await consoleAccount(t, 'operations')
    start = t.clock.now()
  })
  after(() => t.close())

  /** A paid order of two SKUs (¥100 ×2 and ¥50 ×1) for a fresh member, paid by the dev provider. */
  async function paidOrder() {
    const member = await newMember(t)
    const skus = [await newSku(t, 10_000, 10), await newSku(t, 5000, 10)]
    const placed = await memberCall(t, member.token, 'POST', '/api/orders', { items: [{ skuId: skus[0], quantity: 2 }, { skuId: skus[1], quantity: 1 }], address })
    assert.equal(placed.statusCode, 200, placed.body)
    const paid = await memberCall(t, member.token, 'POST', `/api/orders/${placed.json().orderNo}/pay`)
    assert.equal(paid.statusCode, 200, paid.body)
    return { ...member, skus, orderNo: placed.json().orderNo as string }
  }
  const ship = (orderNo: string) => operatorCall(t, 'POST', `/api/admin/orders/${orderNo}/ship`, { carrier: '顺丰速运', trackingNo: 'SF1234567890' })
  const receive = (token: string, orderNo: string) => memberCall(t, token, 'POST', `/api/orders/${orderNo}/receive`)
  const file = (token: string, orderNo: string, body: Record<string, unknown>) => memberCall(t, token, 'POST', `/api/orders/${orderNo}/aftersales`, body)
  const decide = (no: string, action: 'approve' | 'reject' | 'receive', body?: Record<string, unknown>) =>
    consoleCall(t, ops, 'POST', `/api/admin/aftersales/${no}/${action}`, body ?? (action === 'approve' ? undefined : {}))
  const statusOf = async (token: string, orderNo: string) => (await memberCall(t, token, 'GET', `/api/orders/${orderNo}`)).json()

  test('before shipping, 仅退款 is refunded at once and the goods go back on sale; 退货退款 is refused', async () => {
    const { token, memberId, skus, orderNo } = await paidOrder()
    assert.equal(await stockOf(t, skus[0]), 8)
    assertApiError(await file(token, orderNo, { kind: 'return_refund', reason: '不想要了' }), 'AFTERSALE_KIND_INVALID')
    const filed = await file(token, orderNo, { kind: 'refund_only', items: [{ skuId: skus[0], quantity: 1 }], reason: '不想要了' })
    assert.equal(filed.statusCode, 200, filed.body)
    assert.equal(filed.json().status, 'refunded')
    assert.deepEqual(filed.json().timeline.map((e: { status: string }) => e.status), ['pending', 'refunding', 'refunded'])
    assert.equal(filed.json().refund.amount, 10_000)
    assert.equal(await stockOf(t, skus[0]), 9, 'the refunded item is back on sale')
    // The direct refund route (the mini-program's 申请退款 before shipping) restocks too.
    assert.equal((await memberCall(t, token, 'POST', `/api/orders/${orderNo}/refund`, { reason: '买多了' })).json().status, 'refunded')
    assert.deepEqual([await stockOf(t, skus[0]), await stockOf(t, skus[1])], [10, 10])
    await assertLedgerConsistent(t.db, memberId)
  })

  test('退货退款 after receipt: approve → the member sends it back → the operator confirms → ¥ and points back, stock back when sellable', async () => {
    const { token, memberId, skus, orderNo } = await paidOrder()
    assert.equal((await ship(orderNo)).statusCode, 200)
    assert.equal((await receive(token, orderNo)).statusCode, 200)
    const before = await pointsOf(t, memberId)
    assertApiError(await file(token, orderNo, { kind: 'return_refund', reason: '随便写的' }), 'VALIDATION_FAILED')
    const filed = (await file(token, orderNo, { kind: 'return_refund', items: [{ skuId: skus[1], quantity: 1 }], reason: '质量问题', note: '拉链坏了' })).json()
    assert.equal(filed.status, 'pending')
    const queue = (await consoleCall(t, ops, 'GET', '/api/admin/aftersales?status=pending&limit=100')).json().items
    assert.ok(queue.some((a: { aftersaleNo: string }) => a.aftersaleNo === filed.aftersaleNo), 'in the 待审核 queue')
    assertApiError(await memberCall(t, token, 'POST', `/api/aftersales/${filed.aftersaleNo}/return`, { carrier: '顺丰', trackingNo: 'SF0001' }), 'AFTERSALE_STATE_CHANGED')

    assert.equal((await decide(filed.aftersaleNo, 'approve')).json().status, 'awaiting_return')
    assertApiError(await decide(filed.aftersaleNo, 'receive', { sellable: true }), 'AFTERSALE_STATE_CHANGED', 'not back yet')
    assert.equal((await memberCall(t, token, 'POST', `/api/aftersales/${filed.aftersaleNo}/return`, { carrier: '顺丰', trackingNo: 'SF0001' })).json().status, 'returned')
    const stockBefore = await stockOf(t, skus[1])

    const confirms = await Promise.all([decide(filed.aftersaleNo, 'receive', { sellable: true }), decide(filed.aftersaleNo, 'receive', { sellable: true })])
    assert.deepEqual(confirms.map((r) => r.statusCode).sort(), [200, 409], 'a return confirmed twice refunds once')
    assert.equal(await count(t.db, 'SELECT count(*) AS n FROM order_refunds r JOIN orders o ON o.id = r.order_id WHERE o.order_no = $1', [orderNo]), 1)
    const done = (await memberCall(t, token, 'GET', `/api/orders/${orderNo}/aftersales`)).json().items[0]
    assert.equal(done.status, 'refunded')
    assert.deepEqual(done.timeline.map((e: { status: string }) => e.status), ['pending', 'awaiting_return', 'returned', 'refunding', 'refunded'])
    assert.deepEqual(done.returnShipping, { carrier: '顺丰', trackingNo: 'SF0001' })
    assert.equal(done.refund.amount, 5000)
    assert.equal(await stockOf(t, skus[1]), stockBefore + 1, 'sellable goods go back on sale')
    const afterRefund = await pointsOf(t, memberId)
    assert.equal(afterRefund.growth, before.growth - 50, 'growth of the refunded ¥50 goes')
    await assertLedgerConsistent(t.db, memberId)
  })

  test('the window: after 7 days from receipt a request is refused; rejected and cancelled requests free their items', async () => {
    const { token, skus, orderNo } = await paidOrder()
    await ship(orderNo)
    await receive(token, orderNo)
    const first = (await file(token, orderNo, { kind: 'refund_only', items: [{ skuId: skus[0], quantity: 2 }], reason: '商品与描述不符' })).json()
    assertApiError(await file(token, orderNo, { kind: 'refund_only', items: [{ skuId: skus[0], quantity: 1 }], reason: '商品与描述不符' }), 'REFUND_EXCEEDS_ORDER', 'claimed by the open request')
    const rejected = await decide(first.aftersaleNo, 'reject', { reason: '商品与描述一致，请查看详情页' })
    assert.equal(rejected.json().status, 'rejected')
    assert.equal(rejected.json().decisionReason, '商品与描述一致，请查看详情页')
    const again = (await file(token, orderNo, { kind: 'return_refund', items: [{ skuId: skus[0], quantity: 1 }], reason: '不想要了' })).json()
    assert.equal((await memberCall(t, token, 'POST', `/api/aftersales/${again.aftersaleNo}/cancel`)).json().status, 'cancelled')
    assertApiError(await memberCall(t, token, 'POST', `/api/aftersales/${again.aftersaleNo}/cancel`), 'AFTERSALE_STATE_CHANGED')

    t.clock.advance(7 * DAY + 1000)
    try {
      const before = await snapshot(t.db)
      // A week on, the member signs in again (the session token lasts 7 days).
      const renewed = t.app.services.sessions.issue({ userId: userIdOf(token) }, t.clock.now()).token
      assertApiError(await file(renewed, orderNo, { kind: 'refund_only', reason: '不想要了' }), 'AFTERSALE_WINDOW_CLOSED')
      assert.deepEqual(await snapshot(t.db), before)
    } finally {
      t.clock.set(start)
    }
  })

  test('an approve and a reject at the same moment: one outcome', async () => {
    const { token, orderNo } = await paidOrder()
    await ship(orderNo)
    const filed = (await file(token, orderNo, { kind: 'refund_only', reason: '少件或发错货' })).json()
    const [approve, reject] = await Promise.all([decide(filed.aftersaleNo, 'approve'), decide(filed.aftersaleNo, 'reject', { reason: '已核实发货无误' })])
    assert.deepEqual([approve.statusCode, reject.statusCode].sort(), [200, 409])
    const final = (await memberCall(t, token, 'GET', `/api/orders/${orderNo}/aftersales`)).json().items[0]
    assert.ok(['refunded', 'rejected'].includes(final.status), final.status)
    assert.equal((await statusOf(token, orderNo)).status, final.status === 'refunded' ? 'refunded' : 'shipped')
  })

  test("a member cannot see or act on another's request; a 门店店长 only on their stores' members", async () => {
    const { token, orderNo } = await paidOrder()
    await ship(orderNo)
    const filed = (await file(token, orderNo, { kind: 'refund_only', reason: '不想要了' })).json()
    const stranger = await newMember(t)
    assertApiError(await memberCall(t, stranger.token, 'POST', `/api/aftersales/${filed.aftersaleNo}/cancel`), 'AFTERSALE_NOT_FOUND')
    assertApiError(await memberCall(t, stranger.token, 'GET', `/api/orders/${orderNo}/aftersales`), 'ORDER_NOT_FOUND')
    const elsewhere = await consoleAccount(t, 'store_manager', ['BJ001'])
    assertApiError(await consoleCall(t, elsewhere, 'POST', `/api/admin/aftersales/${filed.aftersaleNo}/approve`), 'FORBIDDEN')
    const support = await consoleAccount(t, 'support')
    assert.equal((await consoleCall(t, support, 'GET', '/api/admin/aftersales')).statusCode, 200, '客服 reads the queue')
    assertApiError(await consoleCall(t, support, 'POST', `/api/admin/aftersales/${filed.aftersaleNo}/approve`), 'FORBIDDEN')
  })
})
