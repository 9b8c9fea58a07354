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

export const orderPointsEvent = (orderNo: string) => ({ type: 'order_points', id: orderNo })
export const orderEarnEvent = (orderNo: string) => ({ type: 'order', id: orderNo })

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
    completedAt: row.completedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString()
  }
}

export const reload = async (db: Queryable, orderNo: string) => toOrder(db, (await findOrder(db, orderNo))!)

export type OrderLines = { skuId: number; quantity: number }[]

/** The same SKU twice is one line; lines in SKU id order, so two orders lock stock in the same order. */
export function mergeLines(items: OrderLines): [number, number][] {
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
export async function giveBackUsedPoints(tx: Queryable, order: OrderRow, event: { type: string; id: string }, reason: string, now: Date, points?: number) {
  if (order.pointsUsed === 0 || points === 0) return
  await returnPoints(tx, { memberId: order.memberId, spendEvent: orderPointsEvent(order.orderNo), points, event, reason, now })
}

/** Cancels an unpaid order, giving back its stock, coupon and points; exactly once, whoever asks first. */
export async function cancel(tx: Queryable, order: OrderRow, now: Date, reason: string): Promise<boolean> {
  if (!(await markCancelled(tx, order.id, now, reason))) return false
  await releaseStock(tx, order.id)
  await releaseCoupon(tx, order.id)
  await giveBackUsedPoints(tx, order, { type: 'order_points_back', id: order.orderNo }, `订单取消 退回积分 ${order.orderNo}`, now)
  return true
}

export async function memberOrder(tx: Queryable, memberId: number, orderNo: string, lock: boolean): Promise<OrderRow> {
  const order = lock ? await lockOrder(tx, orderNo) : await findOrder(tx, orderNo)
  if (!order || order.memberId !== memberId) throw new AppError('ORDER_NOT_FOUND')
  return order
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
