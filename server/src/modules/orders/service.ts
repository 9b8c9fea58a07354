import { randomInt } from 'node:crypto'
import type { Address, Order, Payment } from '../../../../types/orders'
import type { Database, Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { earnPoints, returnPoints, reverseEarning, spendPoints } from '../points/ledger'
import { loadRules, pointsForPayment, quoteRedemption } from '../points/rules'
import { addGrowth, pointsMultiplierOf, removeGrowth } from '../tiers/repository'
import {
  findOrder,
  insertOrder,
  listOrders,
  markCancelled,
  markPaid,
  markRefunded,
  orderItems,
  releaseStock,
  reserveStock,
  skuExists,
  unpaidCloseMinutes,
  type OrderRow
} from './repository'

const orderPointsEvent = (orderNo: string) => ({ type: 'order_points', id: orderNo })
const orderEarnEvent = (orderNo: string) => ({ type: 'order', id: orderNo })

/** 20 digits: the time it was placed (Shanghai) and 6 random ones. */
function newOrderNo(now: Date): string {
  const shanghai = new Date(now.getTime() + 8 * 3600 * 1000).toISOString().replace(/\D/g, '').slice(0, 14)
  return `${shanghai}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`
}

async function toOrder(db: Queryable, row: OrderRow): Promise<Order> {
  return {
    orderNo: row.orderNo,
    status: row.status,
    items: await orderItems(db, row.id),
    goodsAmount: row.goodsAmount,
    pointsUsed: row.pointsUsed,
    deductionFen: row.deductionFen,
    payAmount: row.payAmount,
    address: row.address,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString()
  }
}

export interface PlaceOrder {
  memberId: number
  items: { skuId: number; quantity: number }[]
  pointsToUse?: number
  address: Address
  now: Date
}

/**
 * Places an order in one transaction: every price comes from the database (the client's figures
 * are never read), stock is reserved with conditional updates in SKU order, and the points chosen
 * are spent now (given back if the order is cancelled or closes unpaid).
 */
export async function placeOrder(db: Queryable, request: PlaceOrder): Promise<Order> {
  const quantities = new Map<number, number>()
  for (const item of request.items) quantities.set(item.skuId, (quantities.get(item.skuId) ?? 0) + item.quantity)
  return db.transaction(async (tx) => {
    const items = []
    // SKUs in id order: two orders for the same SKUs lock them in the same order, never crosswise.
    for (const [skuId, quantity] of [...quantities].sort(([a], [b]) => a - b)) {
      if (quantity > 99) throw new AppError('VALIDATION_FAILED', 'items')
      const reserved = await reserveStock(tx, skuId, quantity)
      if (!reserved) throw new AppError((await skuExists(tx, skuId)) ? 'OUT_OF_STOCK' : 'PRODUCT_NOT_FOUND', 'items')
      const specText = reserved.specNames.map((name) => reserved.specs[name]).join(' / ') || '默认'
      items.push({ skuId, productName: reserved.productName, specText, price: reserved.price, quantity })
    }
    const goodsAmount = items.reduce((sum, item) => sum + item.price * item.quantity, 0)
    const orderNo = newOrderNo(request.now)
    let deductionFen = 0
    if (request.pointsToUse !== undefined) {
      deductionFen = quoteRedemption(await loadRules(tx), Number.MAX_SAFE_INTEGER, goodsAmount, request.pointsToUse).selected!.deductionFen
      await spendPoints(tx, {
        memberId: request.memberId,
        points: request.pointsToUse,
        event: orderPointsEvent(orderNo),
        reason: `订单抵扣 ${orderNo}`,
        now: request.now
      })
    }
    const row: Omit<OrderRow, 'id' | 'status'> = {
      orderNo,
      memberId: request.memberId,
      goodsAmount,
      pointsUsed: request.pointsToUse ?? 0,
      deductionFen,
      payAmount: goodsAmount - deductionFen,
      address: request.address,
      createdAt: request.now,
      expiresAt: new Date(request.now.getTime() + (await unpaidCloseMinutes(tx)) * 60_000)
    }
    const id = await insertOrder(tx, row, items)
    return toOrder(tx, { ...row, id, status: 'pending_payment' })
  })
}

/** The points an order used, back to the member (a cancelled order's hold, or a refund). */
async function giveBackUsedPoints(tx: Queryable, order: OrderRow, now: Date, why: '订单取消' | '订单退款') {
  if (order.pointsUsed === 0) return
  await returnPoints(tx, {
    memberId: order.memberId,
    spendEvent: orderPointsEvent(order.orderNo),
    event: { type: 'order_points_back', id: order.orderNo },
    reason: `${why} 退回积分 ${order.orderNo}`,
    now
  })
}

/** Cancels an unpaid order, giving back its stock and points; exactly once, whoever asks first. */
async function cancel(tx: Queryable, order: OrderRow, now: Date, reason: string): Promise<boolean> {
  if (!(await markCancelled(tx, order.id, now, reason))) return false
  await releaseStock(tx, order.id)
  await giveBackUsedPoints(tx, order, now, '订单取消')
  return true
}

export async function cancelOrder(db: Queryable, request: { memberId: number; orderNo: string; now: Date }): Promise<Order> {
  return db.transaction(async (tx) => {
    const order = await findOrder(tx, request.orderNo)
    if (!order || order.memberId !== request.memberId) throw new AppError('ORDER_NOT_FOUND')
    if (!(await cancel(tx, order, request.now, '用户取消'))) throw new AppError('ORDER_NOT_CANCELLABLE')
    return toOrder(tx, (await findOrder(tx, request.orderNo))!)
  })
}

/** Closes unpaid orders past their time; orders are claimed with SKIP LOCKED, so replicas share the work. */
export async function closeExpiredOrders(db: Database, now: Date, batchSize = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ orderNo: string }>(
      `SELECT order_no AS "orderNo" FROM orders WHERE status = 'pending_payment' AND expires_at <= $1
       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, batchSize]
    )
    let closed = 0
    for (const { orderNo } of rows) {
      if (await cancel(tx, (await findOrder(tx, orderNo))!, now, '超时未支付')) closed += 1
    }
    return closed
  })
}

export async function getOrder(db: Queryable, memberId: number, orderNo: string): Promise<Order> {
  const order = await findOrder(db, orderNo)
  if (!order || order.memberId !== memberId) throw new AppError('ORDER_NOT_FOUND')
  return toOrder(db, order)
}

export async function listMemberOrders(
  db: Queryable,
  memberId: number,
  page: { status?: Order['status']; cursor?: number; limit: number }
): Promise<{ items: Order[]; nextCursor: number | null }> {
  const rows = await listOrders(db, memberId, { status: page.status, before: page.cursor, limit: page.limit + 1 })
  const items = await Promise.all(rows.slice(0, page.limit).map((row) => toOrder(db, row)))
  return { items, nextCursor: rows.length > page.limit ? rows[page.limit - 1].id : null }
}

/**
 * Marks an order paid, exactly once, and posts what payment earns: points for the cash paid (tier
 * multiplier, pending for the return window) and growth. A cancel or close racing it loses, or wins
 * and the payment is refused: the status update is conditional either way.
 */
export async function payOrder(db: Queryable, request: { memberId: number; orderNo: string; now: Date }): Promise<Payment> {
  return db.transaction(async (tx) => {
    const order = await findOrder(tx, request.orderNo)
    if (!order || order.memberId !== request.memberId) throw new AppError('ORDER_NOT_FOUND')
    if (!(await markPaid(tx, order.id, request.now))) throw new AppError('ORDER_NOT_PAYABLE')
    const rules = await loadRules(tx)
    const pointsEarned = pointsForPayment(rules, order.payAmount, await pointsMultiplierOf(tx, order.memberId))
    if (pointsEarned > 0) {
      await earnPoints(tx, {
        memberId: order.memberId,
        points: pointsEarned,
        event: orderEarnEvent(order.orderNo),
        reason: `订单消费 ${order.orderNo}`,
        now: request.now,
        lockDays: rules.earnLockDays,
        expiryDays: rules.expiryDays
      })
    }
    await addGrowth(tx, order.memberId, order.payAmount)
    return { provider: 'dev', order: await toOrder(tx, (await findOrder(tx, order.orderNo))!), pointsEarned }
  })
}

/**
 * Refunds a whole paid order, exactly once: points it earned are voided (still pending) or
 * reversed (a debt if already spent), points it used come back, growth goes back down.
 * The dev provider refunds at once; WeChat Pay's refund will post the same way from its notify.
 */
export async function refundOrder(db: Queryable, request: { memberId: number; orderNo: string; now: Date }): Promise<Order> {
  return db.transaction(async (tx) => {
    const order = await findOrder(tx, request.orderNo)
    if (!order || order.memberId !== request.memberId) throw new AppError('ORDER_NOT_FOUND')
    if (!(await markRefunded(tx, order.id, request.now))) throw new AppError('ORDER_NOT_REFUNDABLE')
    const earned = await tx.query('SELECT 1 FROM point_entries WHERE event_type = $1 AND event_id = $2', [
      orderEarnEvent(order.orderNo).type,
      order.orderNo
    ])
    if (earned.rows.length > 0) {
      await reverseEarning(tx, {
        memberId: order.memberId,
        earnEvent: orderEarnEvent(order.orderNo),
        event: { type: 'order_refund', id: order.orderNo },
        reason: `订单退款 扣回积分 ${order.orderNo}`,
        now: request.now
      })
    }
    await giveBackUsedPoints(tx, order, request.now, '订单退款')
    await removeGrowth(tx, order.memberId, order.payAmount)
    return toOrder(tx, (await findOrder(tx, order.orderNo))!)
  })
}
