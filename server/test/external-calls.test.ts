import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyBaseLogger } from 'fastify'
import type { Database } from '../src/db'
import { runJobsOnce } from '../src/jobs'
import { acceptPaymentNotify, closeExpiredOrders } from '../src/modules/orders/payment'
import { sendExpiryReminders } from '../src/modules/points/jobs'
import { devWechatAdapter, type WechatAdapter } from '../src/wechat'
import { WechatPayApiError, type PaymentState, type RefundState, type WechatPay } from '../src/wechat/pay'
import {
  assertApiError,
  bearer,
  count,
  MINUTE,
  newKey,
  newMember,
  newSku,
  shippingAddress,
  startTestApp,
  stockOf,
  type TestApp
} from './helpers'

const WECHAT_DELAY_MS = 3000
/** Far below WeChat's 3 s: what a request takes that waits for nothing it does not need. */
const UNBLOCKED_MS = 1000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const silentLog = { error: () => undefined, info: () => undefined, warn: () => undefined } as unknown as FastifyBaseLogger

/** A WeChat Pay whose every answer is scripted per test; nothing is sent anywhere. */
function scriptedPay() {
  const state = {
    delayMs: 0,
    payments: new Map<string, PaymentState>(),
    failQuery: new Set<string>(),
    prepayError: null as WechatPayApiError | null,
    refundError: null as WechatPayApiError | null,
    refunds: [] as string[]
  }
  const wait = () => sleep(state.delayMs)
  const pay: WechatPay = {
    async prepayJsapi() {
      await wait()
      if (state.prepayError) throw state.prepayError
      return { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=p', signType: 'RSA', paySign: 's' }
    },
    async queryPayment(outTradeNo) {
      await wait()
      if (state.failQuery.has(outTradeNo)) throw new WechatPayApiError(500, 'SYSTEM_ERROR', 'scripted failure')
      return state.payments.get(outTradeNo) ?? { outTradeNo, transactionId: null, tradeState: 'NOTPAY', totalFen: 0, payerOpenid: null, successTime: null }
    },
    async closePayment() {
      await wait()
    },
    async refund(request): Promise<RefundState> {
      await wait()
      if (state.refundError) throw state.refundError
      state.refunds.push(request.outRefundNo)
      return { outTradeNo: request.outTradeNo, outRefundNo: request.outRefundNo, refundId: 'r', status: 'PROCESSING', refundFen: request.refundFen, totalFen: request.totalFen }
    },
    async queryRefund() {
      return null
    },
    parsePaymentNotify() {
      throw new Error('not used')
    },
    parseRefundNotify() {
      throw new Error('not used')
    }
  }
  return { pay, state }
}

const paidState = (outTradeNo: string, totalFen: number): PaymentState => ({
  outTradeNo,
  transactionId: `T${outTradeNo}`,
  tradeState: 'SUCCESS',
  totalFen,
  payerOpenid: null,
  successTime: null
})

describe('WeChat is never waited on inside a transaction', () => {
  let t: TestApp
  const scripted = scriptedPay()
  before(async () => {
    t = await startTestApp({ wechatPay: scripted.pay })
  })
  after(() => t.close())

  const call = (token: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method, url, headers: { ...bearer(token), ...(method === 'POST' && { 'idempotency-key': newKey() }) }, ...(payload && { payload }) })
  const placeOrder = async (token: string, skuId: number) => {
    const placed = await call(token, 'POST', '/api/orders', { items: [{ skuId, quantity: 1 }], address: shippingAddress })
    assert.equal(placed.statusCode, 200, placed.body)
    return placed.json() as { orderNo: string; payAmount: number }
  }
  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now()
    const result = await work()
    return { result, ms: performance.now() - started }
  }
  const tillSale = async (token: string) => {
    const code = (await call(token, 'GET', '/api/members/me/code')).json().code
    return t.app.inject({
      method: 'POST',
      url: '/api/cashier/sales',
      headers: { 'x-cashier-key': 'dev-cashier-key', 'idempotency-key': newKey() },
      payload: { storeCode: 'SH001', receiptNo: `EXT-${newKey().slice(4, 20)}`, memberCode: code, goodsAmount: 5000 }
    })
  }

  test('while WeChat Pay takes 3 s to prepay, /health, a till sale and an order on the same SKU do not wait for it', async () => {
    const skuId = await newSku(t, 1000, 10)
    const payer = await newMember(t)
    const other = await newMember(t)
    const order = await placeOrder(payer.token, skuId)
    scripted.state.delayMs = WECHAT_DELAY_MS
    try {
      const paying = timed(() => call(payer.token, 'POST', `/api/orders/${order.orderNo}/pay`))
      await sleep(200)
      const health = await timed(() => t.app.inject({ method: 'GET', url: '/health' }))
      const sale = await timed(() => tillSale(other.token))
      const sameSku = await timed(() => placeOrder(other.token, skuId))
      assert.equal(health.result.statusCode, 200)
      assert.equal(sale.result.statusCode, 200, sale.result.body)
      for (const [what, ms] of [['health', health.ms], ['till sale', sale.ms], ['order on the same SKU', sameSku.ms]] as const) {
        assert.ok(ms < UNBLOCKED_MS, `${what} took ${Math.round(ms)} ms while WeChat Pay was answering`)
      }
      const paid = await paying
      assert.equal(paid.result.statusCode, 200, paid.result.body)
      assert.ok(paid.ms >= WECHAT_DELAY_MS - 50, 'the pay call itself did wait for WeChat Pay')
    } finally {
      scripted.state.delayMs = 0
    }
  })

  test('while the close job waits on WeChat Pay for an expired order, another order on its SKU goes through', async () => {
    const skuId = await newSku(t, 1000, 10)
    const payer = await newMember(t)
    const other = await newMember(t)
    const order = await placeOrder(payer.token, skuId)
    assert.equal((await call(payer.token, 'POST', `/api/orders/${order.orderNo}/pay`)).statusCode, 200)
    scripted.state.delayMs = WECHAT_DELAY_MS
    try {
      const closing = closeExpiredOrders(t.db, scripted.pay, new Date(t.clock.now().getTime() + 16 * MINUTE))
      await sleep(200)
      const sameSku = await timed(() => placeOrder(other.token, skuId))
      assert.ok(sameSku.ms < UNBLOCKED_MS, `the order took ${Math.round(sameSku.ms)} ms`)
      const result = await closing
      assert.equal(result.failed, 0)
    } finally {
      scripted.state.delayMs = 0
    }
    assert.equal((await call(payer.token, 'GET', `/api/orders/${order.orderNo}`)).json().status, 'cancelled')
  })

  test('cancelling an order WeChat Pay says is paid keeps the payment: the order goes on to 待发货', async () => {
    const skuId = await newSku(t, 1000, 10)
    const payer = await newMember(t)
    const order = await placeOrder(payer.token, skuId)
    assert.equal((await call(payer.token, 'POST', `/api/orders/${order.orderNo}/pay`)).statusCode, 200)
    scripted.state.payments.set(order.orderNo, paidState(order.orderNo, order.payAmount))
    assertApiError(await call(payer.token, 'POST', `/api/orders/${order.orderNo}/cancel`), 'ORDER_NOT_CANCELLABLE')
    const after = (await call(payer.token, 'GET', `/api/orders/${order.orderNo}`)).json()
    assert.equal(after.status, 'paid')
    assert.equal(await stockOf(t, skuId), 9, 'the stock stays sold')
  })

  test('WeChat Pay unreachable: pay and refund answer 503 PAYMENT_UNAVAILABLE; a refund it never saw leaves its items refundable', async () => {
    const skuId = await newSku(t, 1000, 10)
    const payer = await newMember(t)
    const order = await placeOrder(payer.token, skuId)
    scripted.state.prepayError = new WechatPayApiError(null, 'ECONNREFUSED', 'scripted: connection refused')
    try {
      assertApiError(await call(payer.token, 'POST', `/api/orders/${order.orderNo}/pay`), 'PAYMENT_UNAVAILABLE')
    } finally {
      scripted.state.prepayError = null
    }
    assert.equal((await call(payer.token, 'POST', `/api/orders/${order.orderNo}/pay`)).statusCode, 200, 'a retry once it is back')
    await acceptPaymentNotify(t.db, scripted.pay, paidState(order.orderNo, order.payAmount), t.clock.now())

    scripted.state.refundError = new WechatPayApiError(null, 'ECONNREFUSED', 'scripted: connection refused')
    try {
      assertApiError(await call(payer.token, 'POST', `/api/orders/${order.orderNo}/refund`, { reason: '不想要了' }), 'PAYMENT_UNAVAILABLE')
    } finally {
      scripted.state.refundError = null
    }
    const refused = (await call(payer.token, 'GET', `/api/orders/${order.orderNo}`)).json()
    assert.equal(refused.refunds[0].status, 'failed')
    assert.equal(refused.items[0].refundedQuantity, 0, 'the item can be refunded again')

    scripted.state.refundError = new WechatPayApiError(null, 'ECONNABORTED', 'scripted: timeout')
    try {
      const unknown = await call(payer.token, 'POST', `/api/orders/${order.orderNo}/refund`, { reason: '不想要了' })
      assert.equal(unknown.statusCode, 200, 'a refund WeChat Pay may have started stays processing: the sync job asks')
      assert.equal(unknown.json().refunds[1].status, 'processing')
    } finally {
      scripted.state.refundError = null
    }
  })

  test('a refund whose attempt died while WeChat Pay answered is resumed by the retry, never made twice', async () => {
    const skuId = await newSku(t, 1000, 10)
    const payer = await newMember(t)
    const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: { ...bearer(payer.token), 'idempotency-key': newKey() }, payload: { items: [{ skuId, quantity: 2 }], address: shippingAddress } })
    const order = placed.json() as { orderNo: string; payAmount: number }
    assert.equal((await call(payer.token, 'POST', `/api/orders/${order.orderNo}/pay`)).statusCode, 200)
    await acceptPaymentNotify(t.db, scripted.pay, paidState(order.orderNo, order.payAmount), t.clock.now())
    const key = newKey()
    const refund = () =>
      t.app.inject({ method: 'POST', url: `/api/orders/${order.orderNo}/refund`, headers: { ...bearer(payer.token), 'idempotency-key': key }, payload: { reason: '买多了', items: [{ skuId, quantity: 1 }] } })
    assert.equal((await refund()).statusCode, 200)
    // As if the replica died after WeChat Pay was asked and before the answer was stored.
    await t.db.query(`UPDATE idempotency_keys SET response = NULL, created_at = created_at - interval '2 minutes' WHERE key = $1`, [key])
    const retried = await refund()
    assert.equal(retried.statusCode, 200, retried.body)
    assert.equal(retried.json().refunds.length, 1, 'one refund, not a second one for another unit')
    assert.equal(retried.json().items[0].refundedQuantity, 1)
    const refundNo = retried.json().refunds[0].refundNo
    assert.deepEqual(scripted.state.refunds.filter((no) => no.startsWith(order.orderNo)), [refundNo, refundNo], 'asked again under the same refund number')
  })

  test('a payment for an order that closed meanwhile is refunded whole and recorded as a refund', async () => {
    const skuId = await newSku(t, 1000, 10)
    const payer = await newMember(t)
    const order = await placeOrder(payer.token, skuId)
    assert.equal((await call(payer.token, 'POST', `/api/orders/${order.orderNo}/cancel`)).statusCode, 200)
    const late = paidState(order.orderNo, order.payAmount)
    await acceptPaymentNotify(t.db, scripted.pay, late, t.clock.now())
    await acceptPaymentNotify(t.db, scripted.pay, late, t.clock.now())
    const after = (await call(payer.token, 'GET', `/api/orders/${order.orderNo}`)).json()
    assert.equal(after.status, 'cancelled')
    assert.equal(after.refunds.length, 1, 'one refund row, however often WeChat Pay repeats the notify')
    assert.equal(after.refunds[0].amount, order.payAmount)
    assert.equal(await count(t.db, `SELECT count(*) AS n FROM order_refunds WHERE refund_no = $1 AND kind = 'closed_order'`, [`${order.orderNo}RC`]), 1)
  })

  test('an order WeChat Pay keeps failing on is retried with backoff and does not stop the close job for others', async () => {
    const skuId = await newSku(t, 1000, 10)
    const payer = await newMember(t)
    const poisoned = await placeOrder(payer.token, skuId)
    assert.equal((await call(payer.token, 'POST', `/api/orders/${poisoned.orderNo}/pay`)).statusCode, 200)
    const plain = await placeOrder(payer.token, skuId)
    scripted.state.failQuery.add(poisoned.orderNo)
    try {
      const at = new Date(t.clock.now().getTime() + 16 * MINUTE)
      const first = await closeExpiredOrders(t.db, scripted.pay, at)
      assert.ok(first.failed >= 1)
      assert.equal((await call(payer.token, 'GET', `/api/orders/${plain.orderNo}`)).json().status, 'cancelled', 'the other order closed')
      const { rows } = await t.db.query<{ failures: number; retryAt: Date }>(
        'SELECT wechat_failures AS failures, wechat_retry_at AS "retryAt" FROM orders WHERE order_no = $1',
        [poisoned.orderNo]
      )
      assert.equal(rows[0].failures, 1)
      assert.equal(rows[0].retryAt.getTime(), at.getTime() + MINUTE)
      await closeExpiredOrders(t.db, scripted.pay, at)
      assert.equal((await t.db.query<{ failures: number }>('SELECT wechat_failures AS failures FROM orders WHERE order_no = $1', [poisoned.orderNo])).rows[0].failures, 1, 'not asked again before its time')
    } finally {
      scripted.state.failQuery.delete(poisoned.orderNo)
    }
  })

  test('one failing job is logged and the others still run', async () => {
    const ran: string[] = []
    const failed = await runJobsOnce(t.app.services, silentLog, {
      first: async () => ran.push('first'),
      broken: async () => {
        throw new Error('scripted job failure')
      },
      last: async () => ran.push('last')
    })
    assert.deepEqual(failed, ['broken'])
    assert.deepEqual(ran, ['first', 'last'])
  })

  test('a reminder is never sent twice, even when the job dies between sending and recording', async () => {
    const { memberId } = await newMember(t)
    await t.db.query('UPDATE point_accounts SET reminder_credits = 1 WHERE member_id = $1', [memberId])
    await t.db.query(`INSERT INTO point_expiry_reminders (member_id, expires_on, points, queued_at) VALUES ($1, '2026-12-31', 100, $2)`, [memberId, t.clock.now()])
    let sends = 0
    const wechat: WechatAdapter = { ...devWechatAdapter(), sendSubscribeMessage: async () => ++sends > 0 }
    // The process dies right after WeChat accepted the message: recording it fails.
    const dying: Database = {
      ...t.db,
      query: (sql, params) => (sql.includes('sent_at = $4') ? Promise.reject(new Error('scripted crash')) : t.db.query(sql, params))
    } as Database
    await assert.rejects(sendExpiryReminders(dying, wechat, 'tmpl', t.clock.now()), /scripted crash/)
    assert.equal(sends, 1)
    for (const later of [MINUTE, 11 * MINUTE, 60 * MINUTE]) {
      await sendExpiryReminders(t.db, wechat, 'tmpl', new Date(t.clock.now().getTime() + later))
    }
    assert.equal(sends, 1, 'sent once')
    const { rows } = await t.db.query<{ status: string }>('SELECT status FROM point_expiry_reminders WHERE member_id = $1', [memberId])
    assert.equal(rows[0].status, 'unknown', 'its outcome is unknown; it is not sent again')
  })
})
