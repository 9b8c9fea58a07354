import type { Database, Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { WechatPayApiError, type WechatPay } from '../../wechat/pay'
import { releaseCoupon } from '../coupons/repository'
import { reverseEarning } from '../points/ledger'
import { changeGrowth } from '../tiers/service'
import { aftersaleRefundFinished } from '../aftersales/repository'
import {
  finishRefund,
  findOrder,
  giveBackRefundQuantity,
  insertRefund,
  markRefunded,
  orderRefunds,
  refundTotals,
  restockRefund,
  takeRefundQuantity,
  type OrderRow
} from './repository'
import { giveBackUsedPoints, mergeLines, orderEarnEvent, type OrderLines } from './service'

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

/** What must be asked of WeChat Pay for a refund recorded in a transaction, once it has committed. */
export interface RefundToSend {
  orderNo: string
  refundNo: string
  reason: string
  amount: number
  total: number
}

/**
 * Asks WeChat Pay for a recorded refund (outside any transaction) and posts what is certain:
 * 'refused' when it certainly started none (its items are refundable again), 'unknown' when it may
 * have (the refund stays processing until its notify or the sync job's query).
 */
export async function sendRefund(db: Queryable, wechatPay: WechatPay, refund: RefundToSend, now: Date) {
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
    await db.transaction((tx) => completeRefund(tx, refund.refundNo, 'failed', now))
    return 'refused' as const
  }
}

/** The lines asked for, or all that is left to refund (neither refunded nor claimed by a 售后 request). */
export async function refundableLines(tx: Queryable, orderId: number, items?: OrderLines): Promise<[number, number][]> {
  const lines = items
    ? mergeLines(items)
    : (
        await tx.query<{ skuId: number; left: number }>(
          `SELECT sku_id AS "skuId", quantity - refunded_quantity - claimed_quantity AS left
           FROM order_items WHERE order_id = $1 AND quantity > refunded_quantity + claimed_quantity ORDER BY sku_id`,
          [orderId]
        )
      ).rows.map((row): [number, number] => [row.skuId, row.left])
  if (lines.length === 0) throw new AppError('ORDER_NOT_REFUNDABLE')
  return lines
}

/**
 * Records a refund of some lines of a paid order, inside the caller's transaction. The refund's
 * shares are fixed now, cumulatively, so that refunds of every item add up to exactly the order's
 * amounts: the cash paid, the points used, the points earned and the growth. It answers what to ask
 * WeChat Pay after commit, or that there is nothing to ask (no cash through WeChat Pay).
 */
export async function recordRefund(
  tx: Queryable,
  order: OrderRow,
  request: { lines: [number, number][]; reason: string; restock: boolean; wechatPayConfigured: boolean; now: Date }
): Promise<{ refundNo: string; toSend: RefundToSend | null; completeNow: boolean }> {
  for (const [skuId, quantity] of request.lines) {
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
  if (viaWechat && !request.wechatPayConfigured) throw new AppError('PAYMENT_UNAVAILABLE')
  await insertRefund(tx, { ...refund, restock: request.restock, reason: request.reason, now: request.now }, request.lines.map(([skuId, quantity]) => ({ skuId, quantity })))
  // Without cash through WeChat Pay the caller posts it at once, after linking it to its request.
  return {
    refundNo: refund.refundNo,
    toSend: viaWechat ? { orderNo: order.orderNo, refundNo: refund.refundNo, reason: request.reason, amount: refund.amount, total: order.payAmount } : null,
    completeNow: !viaWechat
  }
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
  await aftersaleRefundFinished(tx, refundNo, outcome, now)
  if (outcome === 'failed') {
    await giveBackRefundQuantity(tx, refund.id)
    return true
  }
  if (refund.restock) await restockRefund(tx, refund.id)
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
