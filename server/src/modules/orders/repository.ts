import type { Address, Order } from '../../../../types/orders'
import type { Queryable } from '../../db'

export interface OrderRow {
  id: number
  orderNo: string
  memberId: number
  status: Order['status']
  goodsAmount: number
  pointsUsed: number
  deductionFen: number
  payAmount: number
  address: Address
  createdAt: Date
  expiresAt: Date
}

const ORDER_COLUMNS = `id, order_no AS "orderNo", member_id AS "memberId", status, goods_amount AS "goodsAmount",
  points_used AS "pointsUsed", deduction_fen AS "deductionFen", pay_amount AS "payAmount", address,
  created_at AS "createdAt", expires_at AS "expiresAt"`

/**
 * Takes `quantity` from a SKU's stock if that much is left: one conditional update, so concurrent
 * orders can never take the stock below zero. Null when the SKU is gone or short.
 */
export async function reserveStock(db: Queryable, skuId: number, quantity: number) {
  const { rows } = await db.query<{ price: number; productName: string; specs: Record<string, string>; specNames: string[] }>(
    `UPDATE skus s SET stock = s.stock - $2 FROM products p
     WHERE s.id = $1 AND p.id = s.product_id AND p.on_sale AND s.stock >= $2
     RETURNING s.price, p.name AS "productName", s.specs, p.spec_names AS "specNames"`,
    [skuId, quantity]
  )
  return rows[0] ?? null
}

export async function skuExists(db: Queryable, skuId: number): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT 1 FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = $1 AND p.on_sale',
    [skuId]
  )
  return rows.length > 0
}

export async function releaseStock(db: Queryable, orderId: number) {
  await db.query(
    `UPDATE skus s SET stock = s.stock + i.quantity FROM order_items i WHERE i.order_id = $1 AND s.id = i.sku_id`,
    [orderId]
  )
}

export async function insertOrder(
  db: Queryable,
  order: Omit<OrderRow, 'id' | 'status'>,
  items: { skuId: number; productName: string; specText: string; price: number; quantity: number }[]
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO orders (order_no, member_id, status, goods_amount, points_used, deduction_fen, pay_amount, address, created_at, expires_at)
     VALUES ($1, $2, 'pending_payment', $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [order.orderNo, order.memberId, order.goodsAmount, order.pointsUsed, order.deductionFen, order.payAmount, JSON.stringify(order.address), order.createdAt, order.expiresAt]
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
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE order_no = $1`, [orderNo])
  return rows[0] ?? null
}

export async function orderItems(db: Queryable, orderId: number) {
  const { rows } = await db.query<Order['items'][number]>(
    `SELECT sku_id AS "skuId", product_name AS "productName", spec_text AS "specText", price, quantity
     FROM order_items WHERE order_id = $1 ORDER BY sku_id`,
    [orderId]
  )
  return rows
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

export async function unpaidCloseMinutes(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ minutes: number }>('SELECT unpaid_close_minutes AS minutes FROM loyalty_order_rules')
  return rows[0].minutes
}

/** Moves an unpaid, unexpired order to paid; false when it was cancelled, closed, expired or paid already. */
export async function markPaid(db: Queryable, orderId: number, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE orders SET status = 'paid', paid_at = $2 WHERE id = $1 AND status = 'pending_payment' AND expires_at > $2 RETURNING id`,
    [orderId, now]
  )
  return rows.length > 0
}

export async function listOrders(
  db: Queryable,
  memberId: number,
  page: { status?: Order['status']; before?: number; limit: number }
): Promise<OrderRow[]> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders
     WHERE member_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::int IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [memberId, page.status ?? null, page.before ?? null, page.limit]
  )
  return rows
}

/** Moves a paid order to refunded; false when it was not paid or is refunded already. */
export async function markRefunded(db: Queryable, orderId: number, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE orders SET status = 'refunded', refunded_at = $2 WHERE id = $1 AND status = 'paid' RETURNING id`,
    [orderId, now]
  )
  return rows.length > 0
}
