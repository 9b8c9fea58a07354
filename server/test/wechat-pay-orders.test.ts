import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { closeExpiredOrders } from '../src/modules/orders/payment'
import { createWechatPay, type WechatPay } from '../src/wechat/pay'
import {
  assertApiError,
  assertLedgerConsistent,
  count,
  memberCall,
  MINUTE,
  newMember,
  newSku,
  pointsOf,
  shippingAddress as address,
  snapshot,
  startTestApp,
  type TestApp
} from './helpers'
import { startFakeWechatPay, type FakeWechatPay } from './support/fake-wechat-pay'

describe('orders paid and refunded through WeChat Pay (a local fake of it)', () => {
  let t: TestApp
  let fake: FakeWechatPay
  let wechatPay: WechatPay
  /** WeChat Pay's next public key: the app trusts it as well, as during a rotation. */
  let nextKey: { id: string; publicKey: string }
  before(async () => {
    fake = await startFakeWechatPay({ notifyUrl: 'https://mall.example.com/api/pay/wechat/notify' })
    nextKey = fake.newPlatformKey()
    wechatPay = createWechatPay({ ...fake.options, nextPlatformPublicKey: nextKey })
    // Notifies are signed with the real time, and checked against the app's clock.
    t = await startTestApp({ wechatPay, now: Date.now() })
  })
  after(async () => {
    await t.close()
    await fake.close()
  })

  async function unpaidOrder(quantity = 2) {
    const member = await newMember(t)
    const skuId = await newSku(t, 12900, 10)
    const placed = await memberCall(t, member.token, 'POST', '/api/orders', { items: [{ skuId, quantity }], pointsToUse: 100, address })
    assert.equal(placed.statusCode, 200, placed.body)
    return { ...member, skuId, order: placed.json() }
  }
  async function prepaidOrder() {
    const unpaid = await unpaidOrder()
    const payment = await memberCall(t, unpaid.token, 'POST', `/api/orders/${unpaid.order.orderNo}/pay`)
    assert.equal(payment.statusCode, 200, payment.body)
    return { ...unpaid, payment: payment.json() }
  }
  const deliver = (url: string, notify: { headers: Record<string, string>; body: string }) =>
    t.app.inject({ method: 'POST', url, headers: notify.headers, payload: notify.body })
  const orderOf = async (token: string, orderNo: string) => (await memberCall(t, token, 'GET', `/api/orders/${orderNo}`)).json()

  test('pay answers the signed requestPayment parameters of a JSAPI prepay for the exact amount', async () => {
    const { order, payment } = await prepaidOrder()
    assert.equal(payment.provider, 'wechat')
    assert.match(payment.params.package, /^prepay_id=/)
    assert.equal(payment.params.signType, 'RSA')
    const sent = fake.requests.find((r) => r.path === '/v3/pay/transactions/jsapi' && (r.body as { out_trade_no: string }).out_trade_no === order.orderNo)
    const body = sent?.body as { amount: { total: number }; payer: { openid: string }; notify_url: string }
    assert.equal(body.amount.total, order.payAmount)
    assert.equal(body.amount.total, 25800 - 1000)
    assert.equal(body.notify_url, 'https://mall.example.com/api/pay/wechat/notify')
    assert.ok(body.payer.openid.length > 0)
  })

  test('the same notify ten times at once: paid once, points earned once', async () => {
    const { token, memberId, order } = await prepaidOrder()
    const notify = fake.pay(order.orderNo)
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliver('/api/pay/wechat/notify', notify)))
    for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body)
    const paid = await orderOf(token, order.orderNo)
    assert.deepEqual([paid.status, paid.pointsEarned], ['paid', 248])
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'order' AND event_id = $1", [order.orderNo]), 1)
    assert.deepEqual(await pointsOf(t, memberId), { balance: 0, pending: 248, growth: 248 })
    await assertLedgerConsistent(t.db, memberId)
  })

  test('a notify with a bad signature, an old timestamp, a wrong amount or an unknown order is rejected and changes nothing', async () => {
    const { order } = await prepaidOrder()
    const genuine = fake.pay(order.orderNo)
    const before = await snapshot(t.db)
    const tampered = { ...genuine, body: genuine.body.replace('"event_type"', '"extra":1,"event_type"') }
    assert.notEqual(tampered.body, genuine.body)
    assertApiError(await deliver('/api/pay/wechat/notify', tampered), 'PAY_NOTIFY_REJECTED', 'tampered body')
    const signature = { ...genuine, headers: { ...genuine.headers, 'Wechatpay-Signature': Buffer.from('forged').toString('base64') } }
    assertApiError(await deliver('/api/pay/wechat/notify', signature), 'PAY_NOTIFY_REJECTED', 'bad signature')
    const stale = fake.pay(order.orderNo, { timestamp: Math.floor(t.clock.now().getTime() / 1000) - 301 })
    assertApiError(await deliver('/api/pay/wechat/notify', stale), 'PAY_NOTIFY_REJECTED', 'old timestamp')
    const wrongAmount = fake.pay(order.orderNo, { totalFen: order.payAmount - 1 })
    assertApiError(await deliver('/api/pay/wechat/notify', wrongAmount), 'PAY_NOTIFY_REJECTED', 'wrong amount')
    await wechatPay.prepayJsapi({ outTradeNo: '99990000111122223333', description: '别家订单', totalFen: 100, payerOpenid: 'o-someone', expiresAt: new Date(Date.now() + 10 * MINUTE) })
    assertApiError(await deliver('/api/pay/wechat/notify', fake.pay('99990000111122223333')), 'PAY_NOTIFY_REJECTED', 'unknown order')
    assert.deepEqual(await snapshot(t.db), before)
  })

  test('a genuine notify of a payment made in another app of the same merchant is rejected and changes nothing', async () => {
    const { order } = await prepaidOrder()
    const before = await snapshot(t.db)
    assertApiError(await deliver('/api/pay/wechat/notify', fake.pay(order.orderNo, { appid: 'wx0000000000000000' })), 'PAY_NOTIFY_REJECTED', 'another appid')
    assert.deepEqual(await snapshot(t.db), before)
    assert.equal((await t.db.query<{ status: string }>('SELECT status FROM orders WHERE order_no = $1', [order.orderNo])).rows[0].status, 'pending_payment')
  })

  test('while WeChat Pay rotates its public key, an order is paid and its notify accepted with either key', async () => {
    const before = await prepaidOrder()
    fake.signWith(nextKey.id)
    try {
      // Prepay answers and the notify are now signed with the new key.
      const { token, memberId, order } = await prepaidOrder()
      const notify = fake.pay(order.orderNo)
      assert.equal(notify.headers['Wechatpay-Serial'], nextKey.id)
      assert.equal((await deliver('/api/pay/wechat/notify', notify)).statusCode, 200)
      assert.equal((await orderOf(token, order.orderNo)).status, 'paid')
      await assertLedgerConsistent(t.db, memberId)
      // The order prepaid before the switch is paid with a notify signed by the new key too.
      assert.equal((await deliver('/api/pay/wechat/notify', fake.pay(before.order.orderNo))).statusCode, 200)
      assert.equal((await orderOf(before.token, before.order.orderNo)).status, 'paid')
    } finally {
      fake.signWith(fake.options.platformPublicKeyId)
    }
  })

  test('a payment whose notify never came is found by a query when the member looks at the order', async () => {
    const { token, order } = await prepaidOrder()
    fake.pay(order.orderNo)
    assert.equal((await orderOf(token, order.orderNo)).status, 'paid')
  })

  test('closing an unpaid order closes it at WeChat Pay too; one paid there meanwhile is posted instead of closed', async () => {
    const unpaid = await prepaidOrder()
    const paidThere = await prepaidOrder()
    fake.pay(paidThere.order.orderNo)
    await closeExpiredOrders(t.db, wechatPay, new Date(t.clock.now().getTime() + 15 * MINUTE))
    assert.equal((await orderOf(unpaid.token, unpaid.order.orderNo)).status, 'cancelled')
    assert.ok(fake.requests.some((r) => r.path === `/v3/pay/transactions/out-trade-no/${unpaid.order.orderNo}/close`))
    assert.equal((await orderOf(paidThere.token, paidThere.order.orderNo)).status, 'paid')
    assert.equal((await pointsOf(t, unpaid.memberId)).balance, 100, 'the cancelled order gave its points back')
  })

  test('a payment that arrives for an order closed meanwhile is refunded whole, and the order stays closed', async () => {
    const { token, order } = await prepaidOrder()
    assert.equal((await memberCall(t, token, 'POST', `/api/orders/${order.orderNo}/cancel`)).statusCode, 200)
    const late = fake.pay(order.orderNo)
    assert.equal((await deliver('/api/pay/wechat/notify', late)).statusCode, 200)
    const refundSent = fake.requests.find((r) => r.path === '/v3/refund/domestic/refunds' && (r.body as { out_trade_no: string }).out_trade_no === order.orderNo)
    assert.deepEqual((refundSent?.body as { amount: { refund: number } }).amount.refund, order.payAmount)
    assert.equal((await orderOf(token, order.orderNo)).status, 'cancelled')
  })

  test('a refund goes through the refund API and posts once when its notify says it succeeded; a failed one can be asked again', async () => {
    const { token, memberId, skuId, order } = await prepaidOrder()
    assert.equal((await deliver('/api/pay/wechat/notify', fake.pay(order.orderNo))).statusCode, 200)
    const requested = await memberCall(t, token, 'POST', `/api/orders/${order.orderNo}/refund`, { reason: '不想要了', items: [{ skuId, quantity: 1 }] })
    assert.equal(requested.statusCode, 200, requested.body)
    const [first] = requested.json().refunds
    assert.deepEqual([first.status, first.amount], ['processing', 12400])
    assert.deepEqual(await pointsOf(t, memberId), { balance: 0, pending: 248, growth: 248 }, 'nothing posts before WeChat Pay says so')

    const failed = fake.refundNotify(first.refundNo, 'ABNORMAL')
    assert.equal((await deliver('/api/pay/wechat/refund-notify', failed)).statusCode, 200)
    const again = await memberCall(t, token, 'POST', `/api/orders/${order.orderNo}/refund`, { reason: '不想要了', items: [{ skuId, quantity: 1 }] })
    assert.equal(again.statusCode, 200, again.body)
    const second = again.json().refunds[1]
    assert.equal(again.json().refunds[0].status, 'failed')

    const succeeded = fake.refundNotify(second.refundNo, 'SUCCESS')
    for (let i = 0; i < 3; i++) assert.equal((await deliver('/api/pay/wechat/refund-notify', succeeded)).statusCode, 200)
    const refunded = await orderOf(token, order.orderNo)
    assert.equal(refunded.refunds[1].status, 'succeeded')
    assert.deepEqual(await pointsOf(t, memberId), { balance: 50, pending: 124, growth: 124 })
    assert.equal(await count(t.db, "SELECT count(*) AS n FROM point_entries WHERE event_type = 'order_refund' AND event_id = $1", [second.refundNo]), 1)
    await assertLedgerConsistent(t.db, memberId)
  })
})
