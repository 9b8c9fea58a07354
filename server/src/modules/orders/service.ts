import type { CheckoutPreview, Order } from '../../../../types/orders'
import type { Database, Queryable } from '../../db'
import { AppError } from '../../http/errors'
import type { WechatPay } from '../../wechat/pay'
import { releaseCoupon, useCoupon } from '../coupons/repository'
import { couponsForCheckout, usableCoupon } from '../coupons/service'
import { earnPoints, returnPoints, reverseEarning, settleAccount, spendPoints } from '../points/ledger'
import { loadRules, pointsForPayment, quoteRedemption } from '../points/rules'
import { growthForPayment, pointsMultiplierOf } from '../tiers/repository'
import { changeGrowth } from '../tiers/service'
import {
  findOrder,
  findSkuLine,
  finishRefund,
  giveBackRefundQuantity,
  insertOrder,
  insertRefund,
  listOrders,
  loadOrderRules,
  lockOrder,
  markCancelled,
  markCompleted,
  markPaid,
  markPrepaid,
  markRefunded,
  markShipped,
  orderItems,
  orderRefunds,
  refundTotals,
  releaseStock,
  reserveStock,
  takeRefundQuantity,
  type LineInput,
  type OrderRow
} from './repository'

const orderPointsEvent = (orderNo: string) => ({ type: 'order_points', id: orderNo })
const orderEarnEvent = (orderNo: string) => ({ type: 'order', id: orderNo })

/** 20 digits: the time it was placed (Shanghai) and 6 from a sequence, so never the same twice. */
async function newOrderNo(db: Queryable, now: Date): Promise<string> {
  const shanghai = new Date(now.getTime() + 8 * 3600 * 1000).toISOString().replace(/\D/g, '').slice(0, 14)
  const { rows } = await db.query<{ n: string }>("SELECT lpad((nextval('order_no_seq') % 1000000)::text, 6, '0') AS n")
  return `${shanghai}${rows[0].n}`
}

export async function toOrder(db: Queryable, row: OrderRow): Promise<Order> {
  return {
    orderNo: row.orderNo,
    status: row.status,
    items: await orderItems(db, row.id),
    goodsAmount: row.goodsAmount,
    couponName: row.couponName,
    couponDiscount: row.couponDiscount,
    pointsUsed: row.pointsUsed,
    deductionFen: row.deductionFen,
    payAmount: row.payAmount,
    pointsEarned: row.pointsEarned,
    address: row.address,
    shipping: row.shippedAt ? { carrier: row.carrier!, trackingNo: row.trackingNo!, shippedAt: row.shippedAt.toISOString() } : null,
    refunds: await orderRefunds(db, row.id),
    createdAt: row.createdAt.toISOString(),
    paidAt: row.paidAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString()
  }
}

const reload = async (db: Queryable, orderNo: string) => toOrder(db, (await findOrder(db, orderNo))!)

type OrderLines = { skuId: number; quantity: number }[]

/** The same SKU twice is one line; lines in SKU id order, so two orders lock stock in the same order. */
function mergeLines(items: OrderLines): [number, number][] {
  const quantities = new Map<number, number>()
  for (const item of items) quantities.set(item.skuId, (quantities.get(item.skuId) ?? 0) + item.quantity)
  const lines = [...quantities].sort(([a], [b]) => a - b)
  if (lines.some(([, quantity]) => quantity > 99)) throw new AppError('VALIDATION_FAILED', 'items')
  return lines
}

async function skuMissingOrShort(db: Queryable, skuId: number): Promise<never> {
  throw new AppError((await findSkuLine(db, skuId)) ? 'OUT_OF_STOCK' : 'PRODUCT_NOT_FOUND', 'items')
}

/** Goods − coupon − points: the points cap applies to what is left after the coupon. */
async function priceAfterCoupon(db: Queryable, request: { memberId: number; goodsAmount: number; couponDiscount: number; pointsToUse?: number; balance: number }) {
  const rules = await loadRules(db)
  const afterCoupon = request.goodsAmount - request.couponDiscount
  const points = quoteRedemption(rules, request.balance, afterCoupon, request.pointsToUse)
  const deductionFen = points.selected?.deductionFen ?? 0
  const payAmount = afterCoupon - deductionFen
  const pointsToEarn = pointsForPayment(rules, payAmount, await pointsMultiplierOf(db, request.memberId))
  return { points, deductionFen, payAmount, pointsToEarn }
}

/** A checkout priced as an order would be, without reserving anything. */
export async function previewCheckout(
  db: Queryable,
  request: { memberId: number; items: OrderLines; couponId?: number | null; pointsToUse?: number; now: Date }
): Promise<CheckoutPreview> {
  let goodsAmount = 0
  for (const [skuId, quantity] of mergeLines(request.items)) {
    const line = await findSkuLine(db, skuId)
    if (!line) throw new AppError('PRODUCT_NOT_FOUND', 'items')
    if (line.stock < quantity) throw new AppError('OUT_OF_STOCK', 'items')
    goodsAmount += line.price * quantity
  }
  const coupons = await couponsForCheckout(db, request.memberId, goodsAmount, request.now)
  const best = coupons[0]?.unusableReason === null ? coupons[0] : null
  const chosen =
    request.couponId === undefined
      ? best
      : request.couponId === null
        ? null
        : await usableCoupon(db, request.memberId, request.couponId, goodsAmount, request.now)
  const couponDiscount = chosen?.discount ?? 0
  const { balance } = await settleAccount(db, request.memberId, request.now)
  const priced = await priceAfterCoupon(db, { ...request, goodsAmount, couponDiscount, balance })
  return { goodsAmount, coupons, couponId: chosen?.coupon.id ?? null, couponDiscount, ...priced }
}

export interface PlaceOrder {
  memberId: number
  items: OrderLines
  couponId?: number
  pointsToUse?: number
  address: Order['address']
  now: Date
}

/**
 * Places an order in one transaction: every price comes from the database (the client's figures
 * are never read), stock is reserved with conditional updates in SKU order, the coupon is marked
 * used with a conditional update, and the points chosen are spent now (given back if the order is
 * cancelled or closes unpaid).
 */
export async function placeOrder(db: Queryable, request: PlaceOrder): Promise<Order> {
  const lines = mergeLines(request.items)
  return db.transaction(async (tx) => {
    const items: LineInput[] = []
    for (const [skuId, quantity] of lines) {
      items.push((await reserveStock(tx, skuId, quantity)) ?? (await skuMissingOrShort(tx, skuId)))
    }
    const goodsAmount = items.reduce((sum, item) => sum + item.price * item.quantity, 0)
    const coupon = request.couponId ? await usableCoupon(tx, request.memberId, request.couponId, goodsAmount, request.now) : null
    // The balance is checked by the spend itself, under the account's lock.
    const priced = await priceAfterCoupon(tx, { ...request, goodsAmount, couponDiscount: coupon?.discount ?? 0, balance: Number.MAX_SAFE_INTEGER })
    const orderNo = await newOrderNo(tx, request.now)
    if (request.pointsToUse !== undefined) {
      await spendPoints(tx, {
        memberId: request.memberId,
        points: request.pointsToUse,
        event: orderPointsEvent(orderNo),
        reason: `订单抵扣 ${orderNo}`,
        now: request.now
      })
    }
    const { unpaidCloseMinutes } = await loadOrderRules(tx)
    const orderId = await insertOrder(
      tx,
      {
        orderNo,
        memberId: request.memberId,
        goodsAmount,
        couponId: coupon?.coupon.id ?? null,
        couponDiscount: coupon?.discount ?? 0,
        pointsUsed: request.pointsToUse ?? 0,
        deductionFen: priced.deductionFen,
        payAmount: priced.payAmount,
        address: request.address,
        createdAt: request.now,
        expiresAt: new Date(request.now.getTime() + unpaidCloseMinutes * 60_000)
      },
      items
    )
    if (coupon && !(await useCoupon(tx, { id: coupon.coupon.id, memberId: request.memberId, orderId, now: request.now }))) {
      throw new AppError('COUPON_UNAVAILABLE', 'couponId')
    }
    return reload(tx, orderNo)
  })
}

/** Gives back `points` (all that is left when omitted) of what an order spent. */
async function giveBackUsedPoints(tx: Queryable, order: OrderRow, event: { type: string; id: string }, reason: string, now: Date, points?: number) {
  if (order.pointsUsed === 0 || points === 0) return
  await returnPoints(tx, { memberId: order.memberId, spendEvent: orderPointsEvent(order.orderNo), points, event, reason, now })
}

/** Cancels an unpaid order, giving back its stock, coupon and points; exactly once, whoever asks first. */
async function cancel(tx: Queryable, order: OrderRow, now: Date, reason: string): Promise<boolean> {
  if (!(await markCancelled(tx, order.id, now, reason))) return false
  await releaseStock(tx, order.id)
  await releaseCoupon(tx, order.id)
  await giveBackUsedPoints(tx, order, { type: 'order_points_back', id: order.orderNo }, `订单取消 退回积分 ${order.orderNo}`, now)
  return true
}

async function memberOrder(tx: Queryable, memberId: number, orderNo: string, lock: boolean): Promise<OrderRow> {
  const order = lock ? await lockOrder(tx, orderNo) : await findOrder(tx, orderNo)
  if (!order || order.memberId !== memberId) throw new AppError('ORDER_NOT_FOUND')
  return order
}

/** Cancels an unpaid order. One that went to WeChat Pay is closed there first, so it can no longer be paid. */
export async function cancelOrder(
  db: Queryable,
  wechatPay: WechatPay | null,
  request: { memberId: number; orderNo: string; now: Date }
): Promise<Order> {
  return db.transaction(async (tx) => {
    const order = await memberOrder(tx, request.memberId, request.orderNo, true)
    if (order.status !== 'pending_payment') throw new AppError('ORDER_NOT_CANCELLABLE')
    if (order.prepaidAt && wechatPay && (await settleFromWechat(tx, wechatPay, order, request.now, true))) {
      throw new AppError('ORDER_NOT_CANCELLABLE')
    }
    if (!(await cancel(tx, order, request.now, '用户取消'))) throw new AppError('ORDER_NOT_CANCELLABLE')
    return reload(tx, request.orderNo)
  })
}

/**
 * Asks WeChat Pay about an order it was sent to and posts a payment whose notify has not come.
 * Unless it was paid, the WeChat order is closed too (`close`), so the payer can no longer pay it.
 * True when it was paid.
 */
async function settleFromWechat(tx: Queryable, wechatPay: WechatPay, order: OrderRow, now: Date, close: boolean): Promise<boolean> {
  const state = await wechatPay.queryPayment(order.orderNo)
  if (state?.tradeState === 'SUCCESS') {
    await settlePayment(tx, {
      orderNo: order.orderNo,
      provider: 'wechat',
      transactionId: state.transactionId,
      amount: state.totalFen,
      paidAt: state.successTime ? new Date(state.successTime) : now
    })
    return true
  }
  if (state && close) await wechatPay.closePayment(order.orderNo)
  return false
}

/** Closes unpaid orders past their time; orders are claimed with SKIP LOCKED, so replicas share the work. */
export async function closeExpiredOrders(db: Database, wechatPay: WechatPay | null, now: Date, batchSize = 50): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ orderNo: string }>(
      `SELECT order_no AS "orderNo" FROM orders WHERE status = 'pending_payment' AND expires_at <= $1
       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, batchSize]
    )
    let closed = 0
    for (const { orderNo } of rows) {
      const order = (await findOrder(tx, orderNo))!
      if (order.prepaidAt && wechatPay && (await settleFromWechat(tx, wechatPay, order, now, true))) continue
      if (await cancel(tx, order, now, '超时未支付')) closed += 1
    }
    return closed
  })
}

export async function getOrder(db: Queryable, wechatPay: WechatPay | null, memberId: number, orderNo: string, now: Date): Promise<Order> {
  const order = await memberOrder(db, memberId, orderNo, false)
  // The page asks right after wx.requestPayment: the notify may not have come yet.
  if (order.status === 'pending_payment' && order.prepaidAt && wechatPay) {
    await db.transaction(async (tx) => {
      const locked = (await lockOrder(tx, orderNo))!
      if (locked.status === 'pending_payment') await settleFromWechat(tx, wechatPay, locked, now, false)
    })
  }
  return reload(db, orderNo)
}

export async function listMemberOrders(
  db: Queryable,
  memberId: number,
  page: { status?: Order['status'] | 'aftersale'; cursor?: number; limit: number }
): Promise<{ items: Order[]; nextCursor: number | null }> {
  const rows = await listOrders(db, memberId, { status: page.status, before: page.cursor, limit: page.limit + 1 })
  const items = await Promise.all(rows.slice(0, page.limit).map((row) => toOrder(db, row)))
  return { items, nextCursor: rows.length > page.limit ? rows[page.limit - 1].id : null }
}

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

/** What the pay route answers: WeChat Pay's parameters, or with the dev provider the order paid. */
export async function startPayment(
  db: Queryable,
  provider: { wechatPay: WechatPay | null; devAllowed: boolean },
  request: { memberId: number; openid: string; orderNo: string; now: Date }
) {
  return db.transaction(async (tx) => {
    const order = await memberOrder(tx, request.memberId, request.orderNo, true)
    if (order.status !== 'pending_payment' || order.expiresAt <= request.now) throw new AppError('ORDER_NOT_PAYABLE')
    if (provider.wechatPay) {
      await markPrepaid(tx, order.id, request.now)
      const items = await orderItems(tx, order.id)
      const params = await provider.wechatPay.prepayJsapi({
        outTradeNo: order.orderNo,
        description: items.length > 1 ? `${items[0].productName} 等${items.length}件` : items[0].productName,
        totalFen: order.payAmount,
        payerOpenid: request.openid,
        expiresAt: order.expiresAt
      })
      return { provider: 'wechat' as const, orderNo: order.orderNo, params }
    }
    if (!provider.devAllowed) throw new AppError('PAYMENT_UNAVAILABLE')
    const settled = await settlePayment(tx, { orderNo: order.orderNo, provider: 'dev', transactionId: null, amount: order.payAmount, paidAt: request.now })
    return { provider: 'dev' as const, order: await reload(tx, order.orderNo), pointsEarned: settled!.pointsEarned }
  })
}

/** share × part / whole, rounded down, exactly (BigInt: amounts × goods values can pass 2^53). */
const shareOf = (share: number, part: number, whole: number) => Number((BigInt(share) * BigInt(part)) / BigInt(whole))

/**
 * Refunds some items of a paid order (all that is left when none are named). The refund's shares
 * are fixed now, cumulatively, so that refunds of every item add up to exactly the order's amounts:
 * the cash paid, the points used, the points earned and the growth. The dev provider refunds at
 * once; WeChat Pay's refund posts from its notify (or a later query).
 */
export async function requestRefund(
  db: Queryable,
  wechatPay: WechatPay | null,
  request: { memberId: number; orderNo: string; items?: OrderLines; reason: string; now: Date }
): Promise<Order> {
  return db.transaction(async (tx) => {
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
    await insertRefund(tx, { ...refund, reason: request.reason, now: request.now }, lines.map(([skuId, quantity]) => ({ skuId, quantity })))
    if (order.paymentProvider !== 'wechat' || refund.amount === 0) {
      await completeRefund(tx, refund.refundNo, 'succeeded', request.now)
    } else {
      if (!wechatPay) throw new AppError('PAYMENT_UNAVAILABLE')
      const state = await wechatPay.refund({
        outTradeNo: order.orderNo,
        outRefundNo: refund.refundNo,
        reason: request.reason,
        refundFen: refund.amount,
        totalFen: order.payAmount,
        notifyUrl: '/api/pay/wechat/refund-notify'
      })
      if (state.status === 'SUCCESS') await completeRefund(tx, refund.refundNo, 'succeeded', request.now)
    }
    return reload(tx, order.orderNo)
  })
}

/**
 * Posts a refund's outcome, exactly once (a repeated notify changes nothing). Succeeded: the
 * refunded share of earned points is voided or reversed, of used points returned, of growth
 * taken back; the refund of the whole rest also returns the coupon. Failed: the items can be
 * refunded again.
 */
export async function completeRefund(tx: Queryable, refundNo: string, outcome: 'succeeded' | 'failed', now: Date): Promise<boolean> {
  const refund = await finishRefund(tx, refundNo, outcome, now)
  if (!refund) return false
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

export async function shipOrder(db: Queryable, request: { orderNo: string; carrier: string; trackingNo: string; now: Date }): Promise<Order> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, request.orderNo)
    if (!order) throw new AppError('ORDER_NOT_FOUND')
    if (!(await markShipped(tx, order.id, request))) throw new AppError('ORDER_NOT_SHIPPABLE')
    return reload(tx, order.orderNo)
  })
}

export async function confirmReceipt(db: Queryable, request: { memberId: number; orderNo: string; now: Date }): Promise<Order> {
  return db.transaction(async (tx) => {
    const order = await memberOrder(tx, request.memberId, request.orderNo, true)
    if (!(await markCompleted(tx, order.id, request.now))) throw new AppError('ORDER_NOT_SHIPPED')
    return reload(tx, order.orderNo)
  })
}

/** Shipped orders nobody confirmed complete after the configured days (SKIP LOCKED: replicas share it). */
export async function completeUnconfirmedOrders(db: Database, now: Date, batchSize = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const { autoReceiveDays } = await loadOrderRules(tx)
    const { rows } = await tx.query<{ id: number }>(
      `SELECT id FROM orders WHERE status = 'shipped' AND shipped_at <= $1 ORDER BY shipped_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [new Date(now.getTime() - autoReceiveDays * 86_400_000), batchSize]
    )
    for (const { id } of rows) await markCompleted(tx, id, now)
    return rows.length
  })
}

/** WeChat refunds whose notify has not come after a minute: asked for, and posted as they are. */
export async function syncProcessingRefunds(db: Database, wechatPay: WechatPay, now: Date, batchSize = 50): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ refundNo: string }>(
      `SELECT refund_no AS "refundNo" FROM order_refunds WHERE status = 'processing' AND created_at <= $1
       ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [new Date(now.getTime() - 60_000), batchSize]
    )
    let finished = 0
    for (const { refundNo } of rows) {
      const state = await wechatPay.queryRefund(refundNo)
      if (state?.status === 'SUCCESS' && (await completeRefund(tx, refundNo, 'succeeded', now))) finished += 1
      if ((state?.status === 'CLOSED' || state?.status === 'ABNORMAL') && (await completeRefund(tx, refundNo, 'failed', now))) finished += 1
    }
    return finished
  })
}
