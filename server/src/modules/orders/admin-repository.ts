import type { AdminOrderDetail, AdminOrderRow, OrderFilters } from '../../../../types/order-admin'
import type { OrderStatus } from '../../../../types/orders'
import type { Queryable } from '../../db'

/**
 * Filters as one WHERE clause on `orders o` alone, shared by the list, its count and the export:
 * members and stores are reached through subqueries, so the count joins nothing, and every filter
 * but a store's has an index of its own (orders_member, orders_phone, orders_created, orders_status).
 */
function whereOf(filters: OrderFilters, storeIds: number[] | null, params: unknown[]): string {
  const add = (value: unknown) => `$${params.push(value)}`
  const conditions: string[] = []
  if (storeIds !== null) conditions.push(`o.member_id IN (SELECT id FROM members WHERE joined_store_id = ANY(${add(storeIds)}::int[]))`)
  if (filters.orderNo !== undefined) conditions.push(`o.order_no = ${add(filters.orderNo)}`)
  if (filters.memberNo !== undefined) conditions.push(`o.member_id = (SELECT id FROM members WHERE member_no = ${add(filters.memberNo)})`)
  if (filters.phone !== undefined) conditions.push(`o.address ->> 'phone' = ${add(filters.phone)}`)
  if (filters.status !== undefined) conditions.push(`o.status = ${add(filters.status)}`)
  if (filters.createdFrom !== undefined) conditions.push(`o.created_at >= ${add(filters.createdFrom)}`)
  if (filters.createdTo !== undefined) conditions.push(`o.created_at < ${add(filters.createdTo)}`)
  if (filters.storeCode !== undefined) {
    conditions.push(`o.member_id IN (SELECT id FROM members WHERE joined_store_id = (SELECT id FROM stores WHERE code = ${add(filters.storeCode)}))`)
  }
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
}

const ROW_COLUMNS = `
  o.id, o.order_no AS "orderNo", o.status, m.member_no AS "memberNo", s.code AS "storeCode", s.name AS "storeName",
  o.address, o.goods_amount AS "goodsAmount", o.coupon_discount AS "couponDiscount", o.points_used AS "pointsUsed",
  o.deduction_fen AS "deductionFen", o.pay_amount AS "payAmount", o.created_at AS "createdAt", o.paid_at AS "paidAt",
  o.carrier, o.tracking_no AS "trackingNo", o.shipped_at AS "shippedAt",
  (SELECT json_agg(json_build_object('name', i.product_name, 'spec', i.spec_text, 'quantity', i.quantity) ORDER BY i.sku_id)
   FROM order_items i WHERE i.order_id = o.id) AS items,
  (SELECT COALESCE(sum(r.amount), 0)::int FROM order_refunds r WHERE r.order_id = o.id AND r.status = 'succeeded') AS "refundedAmount",
  (SELECT count(*)::int FROM aftersales a WHERE a.order_id = o.id AND a.status IN ('pending', 'awaiting_return', 'returned')) AS "openAftersales"`

const FROM_ORDERS = `FROM orders o JOIN members m ON m.id = o.member_id LEFT JOIN stores s ON s.id = m.joined_store_id`

export interface Row {
  id: number
  orderNo: string
  status: OrderStatus
  memberNo: string
  storeCode: string | null
  storeName: string | null
  address: { name: string; phone: string; region: string; detail: string }
  goodsAmount: number
  couponDiscount: number
  pointsUsed: number
  deductionFen: number
  payAmount: number
  createdAt: Date
  paidAt: Date | null
  carrier: string | null
  trackingNo: string | null
  shippedAt: Date | null
  items: { name: string; spec: string; quantity: number }[] | null
  refundedAmount: number
  openAftersales: number
}

function summary(items: { name: string; quantity: number }[]): string {
  const count = items.reduce((sum, item) => sum + item.quantity, 0)
  if (items.length === 0) return ''
  const first = `${items[0].name} ×${items[0].quantity}`
  return items.length === 1 ? first : `${first} 等 ${count} 件`
}

export const toAdminOrderRow = (row: Row): AdminOrderRow => ({
  orderNo: row.orderNo,
  status: row.status,
  memberNo: row.memberNo,
  store: row.storeCode ? { code: row.storeCode, name: row.storeName! } : null,
  consignee: { name: row.address.name, phone: row.address.phone },
  itemsSummary: summary(row.items ?? []),
  itemCount: (row.items ?? []).reduce((sum, item) => sum + item.quantity, 0),
  goodsAmount: row.goodsAmount,
  couponDiscount: row.couponDiscount,
  pointsUsed: row.pointsUsed,
  deductionFen: row.deductionFen,
  payAmount: row.payAmount,
  refundedAmount: row.refundedAmount,
  openAftersales: row.openAftersales,
  createdAt: row.createdAt.toISOString(),
  paidAt: row.paidAt?.toISOString() ?? null,
  shipping: row.shippedAt ? { carrier: row.carrier!, trackingNo: row.trackingNo!, shippedAt: row.shippedAt.toISOString() } : null
})

/** Newest first by id; the cursor is the last row's id, so a deep page costs what the first does. */
export async function searchOrders(
  db: Queryable,
  request: { filters: OrderFilters; storeIds: number[] | null; cursor?: string; limit: number }
): Promise<{ items: AdminOrderRow[]; nextCursor: string | null; total: number }> {
  const params: unknown[] = []
  const where = whereOf(request.filters, request.storeIds, params)
  const countParams = [...params]
  const keyset = request.cursor === undefined ? '' : `${where ? ' AND' : 'WHERE'} o.id < $${params.push(request.cursor)}::bigint`
  const { rows } = await db.query<Row>(
    `SELECT ${ROW_COLUMNS} FROM (SELECT o.* FROM orders o ${where}${keyset} ORDER BY o.id DESC LIMIT $${params.push(request.limit + 1)}) o
     JOIN members m ON m.id = o.member_id LEFT JOIN stores s ON s.id = m.joined_store_id
     ORDER BY o.id DESC`,
    params
  )
  const { rows: counted } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM orders o ${where}`, countParams)
  const page = rows.slice(0, request.limit)
  return {
    items: page.map(toAdminOrderRow),
    nextCursor: rows.length > request.limit ? String(page[page.length - 1].id) : null,
    total: Number(counted[0].n)
  }
}

export const EXPORT_LIMIT = 100_000

export async function exportOrders(db: Queryable, filters: OrderFilters, storeIds: number[] | null): Promise<Row[]> {
  const params: unknown[] = []
  const where = whereOf(filters, storeIds, params)
  const { rows } = await db.query<Row>(`SELECT ${ROW_COLUMNS} ${FROM_ORDERS} ${where} ORDER BY o.id DESC LIMIT $${params.push(EXPORT_LIMIT)}`, params)
  return rows
}

/** The order's member and store, for store scoping and the detail's header. */
export async function orderOwner(db: Queryable, orderNo: string) {
  const { rows } = await db.query<{ orderId: number; memberNo: string; nickname: string | null; storeId: number | null; storeCode: string | null; storeName: string | null }>(
    `SELECT o.id AS "orderId", m.member_no AS "memberNo", u.nickname, m.joined_store_id AS "storeId", s.code AS "storeCode", s.name AS "storeName"
     FROM orders o JOIN members m ON m.id = o.member_id JOIN users u ON u.id = m.user_id LEFT JOIN stores s ON s.id = m.joined_store_id
     WHERE o.order_no = $1`,
    [orderNo]
  )
  return rows[0] ?? null
}

/** The order's own steps from its timestamps, oldest first. */
export async function orderEvents(db: Queryable, orderId: number): Promise<AdminOrderDetail['events']> {
  const { rows } = await db.query<{ createdAt: Date; paidAt: Date | null; shippedAt: Date | null; completedAt: Date | null; cancelledAt: Date | null; cancelReason: string | null; refundedAt: Date | null; carrier: string | null; trackingNo: string | null }>(
    `SELECT created_at AS "createdAt", paid_at AS "paidAt", shipped_at AS "shippedAt", completed_at AS "completedAt",
            cancelled_at AS "cancelledAt", cancel_reason AS "cancelReason", refunded_at AS "refundedAt", carrier, tracking_no AS "trackingNo"
     FROM orders WHERE id = $1`,
    [orderId]
  )
  const o = rows[0]
  const events: AdminOrderDetail['events'] = [{ kind: 'created', at: o.createdAt.toISOString(), note: null }]
  if (o.paidAt) events.push({ kind: 'paid', at: o.paidAt.toISOString(), note: null })
  if (o.shippedAt) events.push({ kind: 'shipped', at: o.shippedAt.toISOString(), note: `${o.carrier} ${o.trackingNo}` })
  if (o.completedAt) events.push({ kind: 'completed', at: o.completedAt.toISOString(), note: null })
  if (o.cancelledAt) events.push({ kind: 'cancelled', at: o.cancelledAt.toISOString(), note: o.cancelReason })
  if (o.refundedAt) events.push({ kind: 'refunded', at: o.refundedAt.toISOString(), note: null })
  return events.sort((a, b) => a.at.localeCompare(b.at))
}
