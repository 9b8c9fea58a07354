import type { Address, Order, OrderStatus, Refund } from '../../../../types/orders'
import type { Queryable } from '../../db'

export interface OrderRow {
  id: number
  orderNo: string
  memberId: number
  status: OrderStatus
  goodsAmount: number
  couponId: number | null
  couponName: string | null
  couponDiscount: number
  pointsUsed: number
  deductionFen: number
  payAmount: number
  pointsEarned: number
  growthAdded: number
  paymentProvider: 'dev' | 'wechat' | null
  address: Address
  carrier: string | null
  trackingNo: string | null
  shippedAt: Date | null
  /** When it was received (确认收货 or the automatic one): the 售后 window runs from here. */
  completedAt: Date | null
  createdAt: Date
  paidAt: Date | null
  prepaidAt: Date | null
  expiresAt: Date
}

const ORDER_SELECT = `SELECT o.id, o.order_no AS "orderNo", o.member_id AS "memberId", o.status, o.goods_amount AS "goodsAmount",
  o.coupon_id AS "couponId", t.name AS "couponName", o.coupon_discount AS "couponDiscount",
  o.points_used AS "pointsUsed", o.deduction_fen AS "deductionFen", o.pay_amount AS "payAmount",
  o.points_earned AS "pointsEarned", o.growth_added AS "growthAdded", o.payment_provider AS "paymentProvider", o.address, o.carrier, o.tracking_no AS "trackingNo",
  o.shipped_at AS "shippedAt", o.completed_at AS "completedAt", o.created_at AS "createdAt", o.paid_at AS "paidAt", o.prepaid_at AS "prepaidAt",
  o.expires_at AS "expiresAt"
  FROM orders o LEFT JOIN member_coupons c ON c.id = o.coupon_id LEFT JOIN coupon_templates t ON t.id = c.template_id`

export interface LineInput {
  skuId: number
  productName: string
  specText: string
  price: number
  quantity: number
}

interface SkuLine {
  price: number
  stock: number
  productName: string
  specs: Record<string, string>
  specNames: string[]
}

const specTextOf = (line: Pick<SkuLine, 'specs' | 'specNames'>) => line.specNames.map((name) => line.specs[name]).join(' / ') || '默认'

/**
 * Takes `quantity` from a SKU's stock if that much is left: one conditional update, so concurrent
 * orders can never take the stock below zero. Null when the SKU is gone or short.
 */
export async function reserveStock(db: Queryable, skuId: number, quantity: number): Promise<LineInput | null> {
  const { rows } = await db.query<SkuLine>(
    `UPDATE skus s SET stock = s.stock - $2 FROM products p
     WHERE s.id = $1 AND p.id = s.product_id AND p.on_sale AND s.stock >= $2
     RETURNING s.price, s.stock, p.name AS "productName", s.specs, p.spec_names AS "specNames"`,
    [skuId, quantity]
  )
  return rows[0] ? { skuId, productName: rows[0].productName, specText: specTextOf(rows[0]), price: rows[0].price, quantity } : null
}

/** A SKU on sale as it is now (for a checkout preview; nothing is reserved). */
export async function findSkuLine(db: Queryable, skuId: number): Promise<(LineInput & { stock: number }) | null> {
  const { rows } = await db.query<SkuLine>(
    `SELECT s.price, s.stock, p.name AS "productName", s.specs, p.spec_names AS "specNames"
     FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = $1 AND p.on_sale`,
    [skuId]
  )
  const line = rows[0]
  return line ? { skuId, productName: line.productName, specText: specTextOf(line), price: line.price, quantity: 0, stock: line.stock } : null
}

export async function releaseStock(db: Queryable, orderId: number) {
  // SKU rows are locked in id order, as placing an order reserves them, so the two never deadlock.
  await db.query(
    `SELECT s.id FROM skus s JOIN order_items i ON i.sku_id = s.id WHERE i.order_id = $1 ORDER BY s.id FOR NO KEY UPDATE OF s`,
    [orderId]
  )
  await db.query(
    `UPDATE skus s SET stock = s.stock + i.quantity FROM order_items i WHERE i.order_id = $1 AND s.id = i.sku_id`,
    [orderId]
  )
}

export type NewOrder = Pick<
  OrderRow,
  'orderNo' | 'memberId' | 'goodsAmount' | 'couponId' | 'couponDiscount' | 'pointsUsed' | 'deductionFen' | 'payAmount' | 'address' | 'createdAt' | 'expiresAt'
>

export async function insertOrder(db: Queryable, order: NewOrder, items: LineInput[]): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO orders (order_no, member_id, status, goods_amount, coupon_id, coupon_discount, points_used, deduction_fen, pay_amount, address, created_at, expires_at)
     VALUES ($1, $2, 'pending_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      order.orderNo,
      order.memberId,
      order.goodsAmount,
      order.couponId,
      order.couponDiscount,
      order.pointsUsed,
      order.deductionFen,
      order.payAmount,
      JSON.stringify(order.address),
      order.createdAt,
      order.expiresAt
    ]
  )
  for (const item of items) {
    await db.query(
      'INSERT INTO order_items (order_id, sku_id, product_name, spec_text, price, quantity) VALUES ($1, $2, $3, $4, $5, $6)',
      [rows[0].id, item.skuId, item.productName, item.specText, item.price, item.quantity]
    )
  }
  return rows[0].id
}

export async function findOrder(db: Queryable, orderNo: string): Promise<OrderRow | null> {
  const { rows } = await db.query<OrderRow>(`${ORDER_SELECT} WHERE o.order_no = $1`, [orderNo])
  return rows[0] ?? null
}

/** The order, its row locked: payments, refunds and cancels of one order take turns. */
export async function lockOrder(db: Queryable, orderNo: string): Promise<OrderRow | null> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM orders WHERE order_no = $1 FOR NO KEY UPDATE', [orderNo])
  return rows[0] ? findOrder(db, orderNo) : null
}

export async function orderItems(db: Queryable, orderId: number): Promise<Order['items']> {
  const { rows } = await db.query<Order['items'][number]>(
    `SELECT sku_id AS "skuId", product_name AS "productName", spec_text AS "specText", price, quantity,
            refunded_quantity AS "refundedQuantity"
     FROM order_items WHERE order_id = $1 ORDER BY sku_id`,
    [orderId]
  )
  return rows
}

export async function orderRefunds(db: Queryable, orderId: number): Promise<Refund[]> {
  const { rows } = await db.query<Omit<Refund, 'createdAt'> & { createdAt: Date }>(
    `SELECT r.refund_no AS "refundNo", r.status, r.amount, r.points_back AS "pointsBack", r.earned_back AS "earnedBack",
            r.reason, r.created_at AS "createdAt",
            (SELECT json_agg(json_build_object('skuId', i.sku_id, 'quantity', i.quantity) ORDER BY i.sku_id)
             FROM order_refund_items i WHERE i.refund_id = r.id) AS items
     FROM order_refunds r WHERE r.order_id = $1 ORDER BY r.id`,
    [orderId]
  )
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }))
}

/** Moves an unpaid order to cancelled; false when it was no longer unpaid (paid or cancelled meanwhile). */
export async function markCancelled(db: Queryable, orderId: number, now: Date, reason: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE orders SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3
     WHERE id = $1 AND status = 'pending_payment' RETURNING id`,
    [orderId, now, reason]
  )
  return rows.length > 0
}

export async function loadOrderRules(db: Queryable): Promise<{ unpaidCloseMinutes: number; autoReceiveDays: number }> {
  const { rows } = await db.query<{ unpaidCloseMinutes: number; autoReceiveDays: number }>(
    'SELECT unpaid_close_minutes AS "unpaidCloseMinutes", auto_receive_days AS "autoReceiveDays" FROM loyalty_order_rules'
  )
  return rows[0]
}

export async function markPrepaid(db: Queryable, orderId: number, now: Date): Promise<void> {
  await db.query('UPDATE orders SET prepaid_at = COALESCE(prepaid_at, $2) WHERE id = $1', [orderId, now])
}

/**
 * Moves an unpaid order to paid, recording what the payment posted; false when it was cancelled,
 * closed or paid already. `paidAt` is when the payer paid (WeChat's success time): a notify that
 * arrives after the order's time is still a payment made in time.
 */
export async function markPaid(
  db: Queryable,
  payment: { orderId: number; provider: 'dev' | 'wechat'; transactionId: string | null; paidAt: Date; pointsEarned: number; growthAdded: number }
): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE orders SET status = 'paid', paid_at = $2, payment_provider = $3, transaction_id = $4, points_earned = $5, growth_added = $6
     WHERE id = $1 AND status = 'pending_payment' AND expires_at > $2 RETURNING id`,
    [payment.orderId, payment.paidAt, payment.provider, payment.transactionId, payment.pointsEarned, payment.growthAdded]
  )
  return rows.length > 0
}

export async function markShipped(db: Queryable, orderId: number, shipment: { carrier: string; trackingNo: string; now: Date }): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE orders SET status = 'shipped', carrier = $2, tracking_no = $3, shipped_at = $4 WHERE id = $1 AND status = 'paid' RETURNING id`,
    [orderId, shipment.carrier, shipment.trackingNo, shipment.now]
  )
  return rows.length > 0
}

export async function markCompleted(db: Queryable, orderId: number, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE orders SET status = 'completed', completed_at = $2 WHERE id = $1 AND status = 'shipped' RETURNING id`,
    [orderId, now]
  )
  return rows.length > 0
}

export async function listOrders(
  db: Queryable,
  memberId: number,
  page: { status?: OrderStatus | 'aftersale'; before?: number; limit: number }
): Promise<OrderRow[]> {
  const aftersale = page.status === 'aftersale'
  const { rows } = await db.query<OrderRow>(
    `${ORDER_SELECT}
     WHERE o.member_id = $1 AND ($2::text IS NULL OR o.status = $2) AND ($3::int IS NULL OR o.id < $3)
       AND (NOT $5 OR EXISTS (SELECT 1 FROM order_refunds r WHERE r.order_id = o.id))
     ORDER BY o.id DESC LIMIT $4`,
    [memberId, aftersale ? null : (page.status ?? null), page.before ?? null, page.limit, aftersale]
  )
  return rows
}

/** Marks `quantity` more of a line as refunded if that many are left; false otherwise. */
export async function takeRefundQuantity(db: Queryable, orderId: number, skuId: number, quantity: number): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE order_items SET refunded_quantity = refunded_quantity + $3
     WHERE order_id = $1 AND sku_id = $2 AND refunded_quantity + claimed_quantity + $3 <= quantity RETURNING sku_id`,
    [orderId, skuId, quantity]
  )
  return rows.length > 0
}

/** The goods value refunded or being refunded, and the shares already given to refunds that did not fail. */
export async function refundTotals(db: Queryable, orderId: number) {
  const { rows } = await db.query<{ goods: number; amount: number; pointsBack: number; earnedBack: number; growthBack: number }>(
    `SELECT (SELECT COALESCE(sum(price * refunded_quantity), 0)::bigint FROM order_items WHERE order_id = $1) AS goods,
            COALESCE(sum(amount), 0)::bigint AS amount, COALESCE(sum(points_back), 0)::bigint AS "pointsBack",
            COALESCE(sum(earned_back), 0)::bigint AS "earnedBack", COALESCE(sum(growth_back), 0)::bigint AS "growthBack"
     FROM order_refunds WHERE order_id = $1 AND status <> 'failed'`,
    [orderId]
  )
  return rows[0]
}

export interface RefundRow {
  id: number
  refundNo: string
  orderId: number
  orderNo: string
  memberId: number
  amount: number
  pointsBack: number
  earnedBack: number
  growthBack: number
  closesOrder: boolean
  /** items: a member's refund of goods; closed_order: a payment that came after its order closed, returned whole. */
  kind: 'items' | 'closed_order'
  /** The items go back on sale when it succeeds. */
  restock: boolean
}

export async function insertRefund(
  db: Queryable,
  refund: Omit<RefundRow, 'id' | 'orderNo' | 'memberId' | 'kind' | 'restock'> & { kind?: RefundRow['kind']; restock?: boolean; reason: string; now: Date },
  items: { skuId: number; quantity: number }[]
): Promise<boolean> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO order_refunds (refund_no, order_id, status, amount, points_back, earned_back, growth_back, closes_order, reason, created_at, kind, restock)
     VALUES ($1, $2, 'processing', $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (refund_no) DO NOTHING RETURNING id`,
    [refund.refundNo, refund.orderId, refund.amount, refund.pointsBack, refund.earnedBack, refund.growthBack, refund.closesOrder, refund.reason, refund.now, refund.kind ?? 'items', refund.restock ?? false]
  )
  // Already recorded (a repeated notify asking for the same refund).
  if (rows.length === 0) return false
  for (const item of items) {
    await db.query('INSERT INTO order_refund_items (refund_id, order_id, sku_id, quantity) VALUES ($1, $2, $3, $4)', [
      rows[0].id,
      refund.orderId,
      item.skuId,
      item.quantity
    ])
  }
  return true
}

/** Moves a processing refund to succeeded or failed, once; null when it was not processing. */
export async function finishRefund(db: Queryable, refundNo: string, outcome: 'succeeded' | 'failed', now: Date): Promise<RefundRow | null> {
  const { rows } = await db.query<RefundRow>(
    `UPDATE order_refunds r SET status = $2, completed_at = $3 FROM orders o
     WHERE r.refund_no = $1 AND r.status = 'processing' AND o.id = r.order_id
     RETURNING r.id, r.refund_no AS "refundNo", r.order_id AS "orderId", o.order_no AS "orderNo", o.member_id AS "memberId",
               r.amount, r.points_back AS "pointsBack", r.earned_back AS "earnedBack", r.growth_back AS "growthBack",
               r.closes_order AS "closesOrder", r.kind, r.restock`,
    [refundNo, outcome, now]
  )
  return rows[0] ?? null
}

/** A succeeded refund's items go back on sale, SKU rows locked in id order as orders lock them. */
export async function restockRefund(db: Queryable, refundId: number): Promise<void> {
  await db.query(
    `SELECT s.id FROM skus s JOIN order_refund_items r ON r.sku_id = s.id WHERE r.refund_id = $1 ORDER BY s.id FOR NO KEY UPDATE OF s`,
    [refundId]
  )
  await db.query(`UPDATE skus s SET stock = s.stock + r.quantity FROM order_refund_items r WHERE r.refund_id = $1 AND s.id = r.sku_id`, [refundId])
}

/** A failed refund's items can be refunded again. */
export async function giveBackRefundQuantity(db: Queryable, refundId: number): Promise<void> {
  await db.query(
    `UPDATE order_items i SET refunded_quantity = i.refunded_quantity - r.quantity
     FROM order_refund_items r WHERE r.refund_id = $1 AND i.order_id = r.order_id AND i.sku_id = r.sku_id`,
    [refundId]
  )
}

export async function markRefunded(db: Queryable, orderId: number, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE orders SET status = 'refunded', refunded_at = $2 WHERE id = $1 AND status IN ('paid', 'shipped', 'completed') RETURNING id`,
    [orderId, now]
  )
  return rows.length > 0
}
