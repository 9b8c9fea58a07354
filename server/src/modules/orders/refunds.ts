import type { Order } from '../../../../types/orders'
import type { Database, Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { WechatPayApiError, type WechatPay } from '../../wechat/pay'
import { releaseCoupon } from '../coupons/repository'
import { reverseEarning } from '../points/ledger'
import { changeGrowth } from '../tiers/service'
import {
  finishRefund,
  findOrder,
  giveBackRefundQuantity,
  insertRefund,
  markRefunded,
  orderItems,
  orderRefunds,
  refundTotals,
  takeRefundQuantity
} from './repository'
import { giveBackUsedPoints, memberOrder, mergeLines, orderEarnEvent, reload, type OrderLines } from './service'

/** share × part / whole, rounded down, exactly (BigInt: amounts × goods values can pass 2^53). */
const shareOf = (share: number, part: number, whole: number) => Number((BigInt(share) * BigInt(part)) / BigInt(whole))

/**
 * Whether a failed refund call certainly left no refund at WeChat Pay: it refused it (a 4xx with
 * its reason) or was never reached. A timeout or a 5xx may have started one: that refund stays
 * processing until a notify or a query tells.
 */
function certainlyNotStarted(error: unknown): boolean {
  if (!(error instanceof WechatPayApiError)) return false
  if (error.status !== null) return error.status >= 400 && error.status < 500
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(error.code)
}

/** Asks WeChat Pay for a recorded refund (outside any transaction) and posts what is certain. */
async function sendRefund(db: Queryable, wechatPay: WechatPay, refund: { orderNo: string; refundNo: string; reason: string; amount: number; total: number }, now: Date) {
  try {
    const state = await wechatPay.refund({
      outTradeNo: refund.orderNo,
      outRefundNo: refund.refundNo,
      reason: refund.reason,
      refundFen: refund.amount,
      totalFen: refund.total,
      notifyUrl: '/api/pay/wechat/refund-notify'
    })
    if (state.status === 'SUCCESS') await db.transaction((tx) => completeRefund(tx, refund.refundNo, 'succeeded', now))
    if (state.status === 'CLOSED' || state.status === 'ABNORMAL') await db.transaction((tx) => completeRefund(tx, refund.refundNo, 'failed', now))
    return 'sent' as const
  } catch (error) {
    if (!certainlyNotStarted(error)) return 'unknown' as const
    // Its items can be refunded again, whatever other refunds of the order did.
    await db.transaction((tx) => completeRefund(tx, refund.refundNo, 'failed', now))
    return 'refused' as const
  }
}

/**
 * Refunds some items of a paid order (all that is left when none are named). The refund's shares
 * are fixed now, cumulatively, so that refunds of every item add up to exactly the order's amounts:
 * the cash paid, the points used, the points earned and the growth. The dev provider refunds at
 * once; a WeChat Pay refund is recorded first, then asked for outside the transaction, and posts
 * when WeChat Pay says it succeeded (now, by its notify, or by the sync job's query).
 */
export async function requestRefund(
  db: Queryable,
  wechatPay: WechatPay | null,
  request: { memberId: number; orderNo: string; items?: OrderLines; reason: string; now: Date }
): Promise<Order> {
  const recorded = await db.transaction(async (tx) => {
    const order = await memberOrder(tx, request.memberId, request.orderNo, true)
    if (!['paid', 'shipped', 'completed'].includes(order.status)) throw new AppError('ORDER_NOT_REFUNDABLE')
    const lines = request.items
      ? mergeLines(request.items)
      : (await orderItems(tx, order.id)).filter((item) => item.quantity > item.refundedQuantity).map((item): [number, number] => [item.skuId, item.quantity - item.refundedQuantity])
    if (lines.length === 0) throw new AppError('ORDER_NOT_REFUNDABLE')
    for (const [skuId, quantity] of lines) {
      if (!(await takeRefundQuantity(tx, order.id, skuId, quantity))) throw new AppError('REFUND_EXCEEDS_ORDER', 'items')
    }
    const totals = await refundTotals(tx, order.id)
    const refundCount = (await orderRefunds(tx, order.id)).length
    const refund = {
      refundNo: `${order.orderNo}R${refundCount + 1}`,
      orderId: order.id,
      amount: shareOf(order.payAmount, totals.goods, order.goodsAmount) - totals.amount,
      pointsBack: shareOf(order.pointsUsed, totals.goods, order.goodsAmount) - totals.pointsBack,
      earnedBack: shareOf(order.pointsEarned, totals.goods, order.goodsAmount) - totals.earnedBack,
      growthBack: shareOf(order.growthAdded, totals.goods, order.goodsAmount) - totals.growthBack,
      closesOrder: totals.goods === order.goodsAmount
    }
    const viaWechat = order.paymentProvider === 'wechat' && refund.amount > 0
    if (viaWechat && !wechatPay) throw new AppError('PAYMENT_UNAVAILABLE')
    await insertRefund(tx, { ...refund, reason: request.reason, now: request.now }, lines.map(([skuId, quantity]) => ({ skuId, quantity })))
    if (!viaWechat) await completeRefund(tx, refund.refundNo, 'succeeded', request.now)
    return viaWechat ? { orderNo: order.orderNo, refundNo: refund.refundNo, amount: refund.amount, total: order.payAmount } : null
  })
  if (recorded && (await sendRefund(db, wechatPay!, { ...recorded, reason: request.reason }, request.now)) === 'refused') {
    throw new AppError('PAYMENT_UNAVAILABLE')
  }
  return reload(db, request.orderNo)
}

/**
 * Posts a refund's outcome, exactly once (a repeated notify changes nothing). Succeeded: the
 * refunded share of earned points is voided or reversed, of used points returned, of growth
 * taken back; the refund of the whole rest also returns the coupon. Failed: the items can be
 * refunded again. A closed order's returned payment moves money only.
 */
export async function completeRefund(tx: Queryable, refundNo: string, outcome: 'succeeded' | 'failed', now: Date): Promise<boolean> {
  const refund = await finishRefund(tx, refundNo, outcome, now)
  if (!refund) return false
  if (refund.kind === 'closed_order') return true
  if (outcome === 'failed') {
    await giveBackRefundQuantity(tx, refund.id)
    return true
  }
  const order = (await findOrder(tx, refund.orderNo))!
  if (refund.earnedBack > 0) {
    await reverseEarning(tx, {
      memberId: refund.memberId,
      earnEvent: orderEarnEvent(refund.orderNo),
      points: refund.earnedBack,
      event: { type: 'order_refund', id: refund.refundNo },
      reason: `订单退款 扣回积分 ${refund.orderNo}`,
      now
    })
  }
  await giveBackUsedPoints(tx, order, { type: 'order_points_back', id: refund.refundNo }, `订单退款 退回积分 ${refund.orderNo}`, now, refund.pointsBack)
  await changeGrowth(tx, { memberId: refund.memberId, amount: -refund.growthBack, event: { type: 'order_refund', id: refund.refundNo }, reason: `订单退款 ${refund.orderNo}`, now })
  if (refund.closesOrder) {
    await markRefunded(tx, refund.orderId, now)
    await releaseCoupon(tx, refund.orderId)
  }
  return true
}

/**
 * WeChat refunds whose notify has not come after a minute: asked about outside any transaction,
 * and posted as they are. One WeChat Pay never saw (the first call did not arrive) is asked for
 * again under the same refund number, which WeChat Pay treats as the same refund.
 */
export async function syncProcessingRefunds(db: Database, wechatPay: WechatPay, now: Date, batchSize = 50): Promise<number> {
  const { rows } = await db.query<{ refundNo: string; orderNo: string; reason: string; amount: number; total: number }>(
    `SELECT r.refund_no AS "refundNo", o.order_no AS "orderNo", r.reason, r.amount, o.pay_amount AS total
     FROM order_refunds r JOIN orders o ON o.id = r.order_id
     WHERE r.status = 'processing' AND r.created_at <= $1 ORDER BY r.created_at LIMIT $2`,
    [new Date(now.getTime() - 60_000), batchSize]
  )
  let finished = 0
  for (const refund of rows) {
    const state = await wechatPay.queryRefund(refund.refundNo).catch(() => undefined)
    if (state === undefined) continue
    if (state === null) {
      await sendRefund(db, wechatPay, refund, now)
      continue
    }
    const outcome = state.status === 'SUCCESS' ? 'succeeded' : state.status === 'CLOSED' || state.status === 'ABNORMAL' ? 'failed' : null
    if (outcome && (await db.transaction((tx) => completeRefund(tx, refund.refundNo, outcome, now)))) finished += 1
  }
  return finished
}
