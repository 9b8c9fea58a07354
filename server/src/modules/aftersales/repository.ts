import type { Aftersale } from '../../../../types/aftersales'
import type { Queryable } from '../../db'

export interface AftersaleRow {
  id: number
  aftersaleNo: string
  orderId: number
  orderNo: string
  memberId: number
  memberNo: string
  storeId: number | null
  kind: Aftersale['kind']
  status: Aftersale['status']
  reason: string
  note: string
  returnCarrier: string | null
  returnTrackingNo: string | null
  decisionReason: string | null
  refundNo: string | null
  createdAt: Date
}

const SELECT_AFTERSALE = `
  SELECT a.id, a.aftersale_no AS "aftersaleNo", a.order_id AS "orderId", o.order_no AS "orderNo", a.member_id AS "memberId",
         m.member_no AS "memberNo", m.joined_store_id AS "storeId", a.kind, a.status, a.reason, a.note,
         a.return_carrier AS "returnCarrier", a.return_tracking_no AS "returnTrackingNo", a.decision_reason AS "decisionReason",
         a.refund_no AS "refundNo", a.created_at AS "createdAt"
  FROM aftersales a JOIN orders o ON o.id = a.order_id JOIN members m ON m.id = a.member_id`

export async function findAftersaleByRequest(db: Queryable, requestKey: string): Promise<AftersaleRow | null> {
  const { rows } = await db.query<AftersaleRow>(`${SELECT_AFTERSALE} WHERE a.request_key = $1`, [requestKey])
  return rows[0] ?? null
}

export async function findAftersale(db: Queryable, aftersaleNo: string, lock = false): Promise<AftersaleRow | null> {
  if (lock) await db.query('SELECT 1 FROM aftersales WHERE aftersale_no = $1 FOR NO KEY UPDATE', [aftersaleNo])
  const { rows } = await db.query<AftersaleRow>(`${SELECT_AFTERSALE} WHERE a.aftersale_no = $1`, [aftersaleNo])
  return rows[0] ?? null
}

export async function listAftersales(db: Queryable, filter: { orderId?: number; status?: string; before?: number; limit: number; storeIds: number[] | null }) {
  const { rows } = await db.query<AftersaleRow>(
    `${SELECT_AFTERSALE}
     WHERE ($1::int IS NULL OR a.order_id = $1) AND ($2::text IS NULL OR a.status = $2) AND ($3::int IS NULL OR a.id < $3)
       AND ($5::int[] IS NULL OR m.joined_store_id = ANY($5))
     ORDER BY a.id DESC LIMIT $4`,
    [filter.orderId ?? null, filter.status ?? null, filter.before ?? null, filter.limit, filter.storeIds]
  )
  return rows
}

export async function insertAftersale(
  db: Queryable,
  request: { orderId: number; memberId: number; kind: Aftersale['kind']; reason: string; note: string; lines: [number, number][]; requestKey: string | null; now: Date }
): Promise<string> {
  const { rows } = await db.query<{ id: number; no: string }>(
    `INSERT INTO aftersales (aftersale_no, order_id, member_id, kind, status, reason, note, created_at, updated_at, request_key)
     VALUES ('AS' || to_char($6::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(nextval('aftersale_no_seq')::text, 8, '0'),
             $1, $2, $3, 'pending', $4, $5, $6, $6, $7)
     RETURNING id, aftersale_no AS no`,
    [request.orderId, request.memberId, request.kind, request.reason, request.note, request.now, request.requestKey]
  )
  for (const [skuId, quantity] of request.lines) {
    await db.query('INSERT INTO aftersale_items (aftersale_id, order_id, sku_id, quantity) VALUES ($1, $2, $3, $4)', [rows[0].id, request.orderId, skuId, quantity])
  }
  return rows[0].no
}

/** Claims the lines for an open request: with what was refunded, never more than was bought. */
export async function claimLines(db: Queryable, orderId: number, lines: [number, number][]): Promise<boolean> {
  for (const [skuId, quantity] of lines) {
    const { rows } = await db.query(
      `UPDATE order_items SET claimed_quantity = claimed_quantity + $3
       WHERE order_id = $1 AND sku_id = $2 AND refunded_quantity + claimed_quantity + $3 <= quantity RETURNING sku_id`,
      [orderId, skuId, quantity]
    )
    if (rows.length === 0) return false
  }
  return true
}

/** The request's lines stop being claimed: refunded now, or free again (rejected, cancelled). */
export async function releaseClaim(db: Queryable, aftersaleId: number): Promise<[number, number][]> {
  const { rows } = await db.query<{ skuId: number; quantity: number }>(
    `UPDATE order_items i SET claimed_quantity = i.claimed_quantity - a.quantity
     FROM aftersale_items a WHERE a.aftersale_id = $1 AND i.order_id = a.order_id AND i.sku_id = a.sku_id
     RETURNING a.sku_id AS "skuId", a.quantity`,
    [aftersaleId]
  )
  return rows.map((r): [number, number] => [r.skuId, r.quantity]).sort(([a], [b]) => a - b)
}

/**
 * Moves a request on, only from the states given: the condition decides races (an approve and a
 * reject at once: one wins, the other finds the state changed). Every move is a timeline event.
 */
export async function moveAftersale(
  db: Queryable,
  id: number,
  move: { from: Aftersale['status'][]; to: Aftersale['status']; actor: string; note?: string | null; now: Date; set?: Record<string, unknown> }
): Promise<boolean> {
  const extra = Object.keys(move.set ?? {})
  const assignments = extra.map((column, i) => `${column} = $${i + 5}`).join(', ')
  const { rows } = await db.query(
    `UPDATE aftersales SET status = $2, updated_at = $3${assignments ? `, ${assignments}` : ''}
     WHERE id = $1 AND status = ANY($4::text[]) RETURNING id`,
    [id, move.to, move.now, move.from, ...Object.values(move.set ?? {})]
  )
  if (rows.length === 0) return false
  await db.query('INSERT INTO aftersale_events (aftersale_id, status, actor, note, at) VALUES ($1, $2, $3, $4, $5)', [id, move.to, move.actor, move.note ?? null, move.now])
  return true
}

export async function addEvent(db: Queryable, id: number, event: { status: Aftersale['status']; actor: string; note?: string | null; now: Date }) {
  await db.query('INSERT INTO aftersale_events (aftersale_id, status, actor, note, at) VALUES ($1, $2, $3, $4, $5)', [id, event.status, event.actor, event.note ?? null, event.now])
}

/** A refund's outcome moves its request to 已退款 or 退款失败 (called from the refund's own posting, once). */
export async function aftersaleRefundFinished(db: Queryable, refundNo: string, outcome: 'succeeded' | 'failed', now: Date) {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM aftersales WHERE refund_no = $1 AND status = $2', [refundNo, 'refunding'])
  if (rows.length === 0) return
  await moveAftersale(db, rows[0].id, { from: ['refunding'], to: outcome === 'succeeded' ? 'refunded' : 'refund_failed', actor: 'system', now })
}

export async function aftersaleDetails(db: Queryable, row: AftersaleRow) {
  const { rows: items } = await db.query<{ skuId: number; productName: string; specText: string; quantity: number }>(
    `SELECT a.sku_id AS "skuId", i.product_name AS "productName", i.spec_text AS "specText", a.quantity
     FROM aftersale_items a JOIN order_items i ON i.order_id = a.order_id AND i.sku_id = a.sku_id WHERE a.aftersale_id = $1 ORDER BY a.sku_id`,
    [row.id]
  )
  const { rows: timeline } = await db.query<{ status: Aftersale['status']; actor: string; note: string | null; at: Date }>(
    'SELECT status, actor, note, at FROM aftersale_events WHERE aftersale_id = $1 ORDER BY id',
    [row.id]
  )
  return { items, timeline: timeline.map((e) => ({ ...e, at: e.at.toISOString() })) }
}

export async function loadAftersaleRules(db: Queryable): Promise<{ windowDays: number; autoApproveUnshipped: boolean; reasons: string[] }> {
  const { rows } = await db.query<{ windowDays: number; autoApproveUnshipped: boolean; reasons: string[] }>(
    'SELECT window_days AS "windowDays", auto_approve_unshipped AS "autoApproveUnshipped", reasons FROM aftersale_rules'
  )
  return rows[0]
}
