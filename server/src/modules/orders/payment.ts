import type { Order } from '../../../../types/orders'
import type { Database, Queryable } from '../../db'
import { AppError } from '../../http/errors'
import type { PaymentState, WechatPay } from '../../wechat/pay'
import { earnPoints } from '../points/ledger'
import { loadRules, pointsForPayment } from '../points/rules'
import { growthForPayment, pointsMultiplierOf } from '../tiers/repository'
import { changeGrowth } from '../tiers/service'
import { findOrder, insertRefund, lockOrder, markPaid, markPrepaid, orderItems, type OrderRow } from './repository'
import { completeRefund } from './refunds'
import { cancel, memberOrder, orderEarnEvent, reload } from './service'

// Every call to WeChat Pay below is made outside any transaction: what must be asked is decided
// (and, where it matters, recorded) in one short transaction, the answer is applied in another,
// and each application is safe to run twice.

/** WeChat Pay did not answer (or answered with an error): the member is told to try again later. */
export const payUnavailable = () => new AppError('PAYMENT_UNAVAILABLE')

export interface SettledPayment {
  orderNo: string
  provider: 'dev' | 'wechat'
  transactionId: string | null
  /** What the payer paid, fen: it must be the order's amount. */
  amount: number
  paidAt: Date
}

/**
 * Posts a payment, exactly once: the order becomes paid and earns points for the cash paid (tier
 * multiplier, pending for the return window) and growth. A cancel or close racing it loses, or wins
 * and the payment is refused: the status update is conditional either way. Returns null when the
 * order was paid already (a repeated notify).
 */
export async function settlePayment(tx: Queryable, payment: SettledPayment): Promise<{ order: OrderRow; pointsEarned: number } | null> {
  const order = await lockOrder(tx, payment.orderNo)
  if (!order) throw new AppError('ORDER_NOT_FOUND')
  if (order.status !== 'pending_payment') {
    if (order.paidAt) return null
    throw new AppError('ORDER_NOT_PAYABLE')
  }
  if (payment.amount !== order.payAmount) throw new AppError('PAY_NOTIFY_REJECTED', 'amount')
  const rules = await loadRules(tx)
  const pointsEarned = pointsForPayment(rules, order.payAmount, await pointsMultiplierOf(tx, order.memberId))
  const growthAdded = growthForPayment(order.payAmount)
  const paid = await markPaid(tx, { orderId: order.id, provider: payment.provider, transactionId: payment.transactionId, paidAt: payment.paidAt, pointsEarned, growthAdded })
  if (!paid) throw new AppError('ORDER_NOT_PAYABLE')
  if (pointsEarned > 0) {
    await earnPoints(tx, {
      memberId: order.memberId,
      points: pointsEarned,
      event: orderEarnEvent(order.orderNo),
      reason: `订单消费 ${order.orderNo}`,
      now: payment.paidAt,
      lockDays: rules.earnLockDays,
      expiryDays: rules.expiryDays
    })
  }
  await changeGrowth(tx, { memberId: order.memberId, amount: growthAdded, event: orderEarnEvent(order.orderNo), reason: `订单消费 ${order.orderNo}`, now: payment.paidAt })
  return { order, pointsEarned }
}

const wechatPaid = (state: PaymentState, now: Date): Omit<SettledPayment, 'orderNo'> => ({
  provider: 'wechat',
  transactionId: state.transactionId,
  amount: state.totalFen,
  paidAt: state.successTime ? new Date(state.successTime) : now
})

/** Posts a payment WeChat Pay reported by a query; true when the order is now paid (by this or before). */
async function settleQueried(db: Queryable, orderNo: string, state: PaymentState, now: Date): Promise<boolean> {
  await db.transaction((tx) => settlePayment(tx, { orderNo, ...wechatPaid(state, now) }))
  return true
}

/** What the pay route answers: WeChat Pay's parameters, or with the dev provider the order paid. */
export async function startPayment(
  db: Queryable,
  provider: { wechatPay: WechatPay | null; devAllowed: boolean },
  request: { memberId: number; openid: string; orderNo: string; now: Date }
) {
  const prepared = await db.transaction(async (tx) => {
    const order = await memberOrder(tx, request.memberId, request.orderNo, true)
    if (order.status !== 'pending_payment' || order.expiresAt <= request.now) throw new AppError('ORDER_NOT_PAYABLE')
    if (provider.wechatPay) {
      // Recorded before asking: from now on the close job and a cancel ask WeChat Pay about it first.
      await markPrepaid(tx, order.id, request.now)
      const items = await orderItems(tx, order.id)
      return { kind: 'wechat' as const, order, description: items.length > 1 ? `${items[0].productName} 等${items.length}件` : items[0].productName }
    }
    if (!provider.devAllowed) throw new AppError('PAYMENT_UNAVAILABLE')
    const settled = await settlePayment(tx, { orderNo: order.orderNo, provider: 'dev', transactionId: null, amount: order.payAmount, paidAt: request.now })
    return { kind: 'dev' as const, paid: { provider: 'dev' as const, order: await reload(tx, order.orderNo), pointsEarned: settled!.pointsEarned } }
  })
  if (prepared.kind === 'dev') return prepared.paid
  const { order, description } = prepared
  const params = await provider
    .wechatPay!.prepayJsapi({ outTradeNo: order.orderNo, description, totalFen: order.payAmount, payerOpenid: request.openid, expiresAt: order.expiresAt })
    .catch(() => {
      throw payUnavailable()
    })
  return { provider: 'wechat' as const, orderNo: order.orderNo, params }
}

/**
 * Cancels an unpaid order. One that went to WeChat Pay is asked about first: paid there, the
 * payment is posted (the order goes on to 待发货) and the cancel is refused; otherwise it is closed
 * at WeChat Pay, so the payer can no longer pay it, and then cancelled here.
 */
export async function cancelOrder(db: Queryable, wechatPay: WechatPay | null, request: { memberId: number; orderNo: string; now: Date }): Promise<Order> {
  const order = await memberOrder(db, request.memberId, request.orderNo, false)
  if (order.status !== 'pending_payment') throw new AppError('ORDER_NOT_CANCELLABLE')
  if (order.prepaidAt && wechatPay) {
    const state = await wechatPay.queryPayment(order.orderNo).catch(() => {
      throw payUnavailable()
    })
    if (state?.tradeState === 'SUCCESS') {
      // In a transaction of its own: the payment stays posted although the cancel is refused.
      await settleQueried(db, order.orderNo, state, request.now)
      throw new AppError('ORDER_NOT_CANCELLABLE')
    }
    if (state) {
      await wechatPay.closePayment(order.orderNo).catch(() => {
        throw payUnavailable()
      })
    }
  }
  return db.transaction(async (tx) => {
    const locked = await memberOrder(tx, request.memberId, request.orderNo, true)
    if (locked.status !== 'pending_payment' || !(await cancel(tx, locked, request.now, '用户取消'))) throw new AppError('ORDER_NOT_CANCELLABLE')
    return reload(tx, request.orderNo)
  })
}

export async function getOrder(db: Queryable, wechatPay: WechatPay | null, memberId: number, orderNo: string, now: Date): Promise<Order> {
  const order = await memberOrder(db, memberId, orderNo, false)
  // The page asks right after wx.requestPayment: the notify may not have come yet. WeChat Pay
  // being slow or down only means the page shows what we know.
  if (order.status === 'pending_payment' && order.prepaidAt && wechatPay) {
    const state = await wechatPay.queryPayment(orderNo).catch(() => null)
    if (state?.tradeState === 'SUCCESS') await settleQueried(db, orderNo, state, now).catch(() => undefined)
  }
  return reload(db, orderNo)
}

const RETRY_BASE_MINUTES = 1
const RETRY_MAX_MINUTES = 60

/**
 * Closes unpaid orders past their time. Orders sent to WeChat Pay are asked about (and closed
 * there) first, outside any transaction; each order is then settled or cancelled in a short
 * transaction of its own, taken with SKIP LOCKED so replicas share the work. An order WeChat Pay
 * keeps failing on waits longer each time (1, 2, 4 … 60 minutes) and never holds up the others.
 */
export async function closeExpiredOrders(db: Database, wechatPay: WechatPay | null, now: Date, batchSize = 50): Promise<{ closed: number; failed: number }> {
  const { rows } = await db.query<{ orderNo: string }>(
    `SELECT order_no AS "orderNo" FROM orders
     WHERE status = 'pending_payment' AND expires_at <= $1 AND (wechat_retry_at IS NULL OR wechat_retry_at <= $1)
     ORDER BY expires_at LIMIT $2`,
    [now, batchSize]
  )
  let closed = 0
  let failed = 0
  for (const { orderNo } of rows) {
    try {
      const order = (await findOrder(db, orderNo))!
      if (order.prepaidAt && wechatPay) {
        const state = await wechatPay.queryPayment(orderNo)
        if (state?.tradeState === 'SUCCESS') {
          await settleQueried(db, orderNo, state, now)
          continue
        }
        if (state) await wechatPay.closePayment(orderNo)
      }
      const cancelled = await db.transaction(async (tx) => {
        const { rows: locked } = await tx.query('SELECT id FROM orders WHERE order_no = $1 FOR UPDATE SKIP LOCKED', [orderNo])
        if (locked.length === 0) return false
        const current = (await findOrder(tx, orderNo))!
        return current.status === 'pending_payment' && (await cancel(tx, current, now, '超时未支付'))
      })
      if (cancelled) closed += 1
    } catch (error) {
      failed += 1
      await db.query(
        `UPDATE orders SET wechat_failures = wechat_failures + 1,
           wechat_retry_at = $2::timestamptz + make_interval(mins => LEAST($3 * power(2, wechat_failures)::int, $4))
         WHERE order_no = $1`,
        [orderNo, now, RETRY_BASE_MINUTES, RETRY_MAX_MINUTES]
      )
      if (!(error instanceof Error)) throw error
    }
  }
  return { closed, failed }
}

/**
 * WeChat Pay's payment notify. A payment for an order that closed meanwhile is refunded whole: the
 * refund is recorded first (its number is fixed per order, so a repeated notify records it once),
 * asked for outside the transaction, and its outcome posted like any refund's.
 */
export async function acceptPaymentNotify(db: Queryable, wechatPay: WechatPay, payment: PaymentState, now: Date): Promise<void> {
  try {
    await db.transaction((tx) => settlePayment(tx, { orderNo: payment.outTradeNo, ...wechatPaid(payment, now) }))
    return
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'ORDER_NOT_PAYABLE') throw error
  }
  const order = (await findOrder(db, payment.outTradeNo))!
  const refundNo = `${payment.outTradeNo}RC`
  await insertRefund(
    db,
    { kind: 'closed_order', refundNo, orderId: order.id, amount: payment.totalFen, pointsBack: 0, earnedBack: 0, growthBack: 0, closesOrder: false, reason: '订单已关闭，款项原路退回', now },
    []
  )
  const state = await wechatPay.refund({
    outTradeNo: payment.outTradeNo,
    outRefundNo: refundNo,
    reason: '订单已关闭',
    refundFen: payment.totalFen,
    totalFen: payment.totalFen,
    notifyUrl: '/api/pay/wechat/refund-notify'
  })
  // Processing: its notify (or the sync job's query) posts the outcome.
  if (state.status === 'SUCCESS') await db.transaction((tx) => completeRefund(tx, refundNo, 'succeeded', now))
}
