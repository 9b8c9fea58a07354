import type { Aftersale } from '../../../../types/aftersales'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import type { WechatPay } from '../../wechat/pay'
import { completeRefund, recordRefund, refundableLines, sendRefund, type RefundToSend } from '../orders/refunds'
import { lockOrder, orderRefunds, type OrderRow } from '../orders/repository'
import { memberOrder, type OrderLines } from '../orders/service'
import {
  addEvent,
  aftersaleDetails,
  claimLines,
  findAftersale,
  findAftersaleByRequest,
  insertAftersale,
  loadAftersaleRules,
  moveAftersale,
  releaseClaim,
  type AftersaleRow
} from './repository'

const DAY_MS = 86_400_000

export async function toAftersale(db: Queryable, row: AftersaleRow): Promise<Aftersale> {
  const { items, timeline } = await aftersaleDetails(db, row)
  const refund = row.refundNo ? ((await orderRefunds(db, row.orderId)).find((r) => r.refundNo === row.refundNo) ?? null) : null
  return {
    aftersaleNo: row.aftersaleNo,
    orderNo: row.orderNo,
    memberNo: row.memberNo,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    note: row.note,
    items,
    returnShipping: row.returnTrackingNo ? { carrier: row.returnCarrier!, trackingNo: row.returnTrackingNo } : null,
    decisionReason: row.decisionReason,
    refund,
    timeline,
    createdAt: row.createdAt.toISOString()
  }
}

export const aftersaleView = async (db: Queryable, aftersaleNo: string) => toAftersale(db, (await findAftersale(db, aftersaleNo))!)

/**
 * Starts the refund of a request: its lines stop being claimed and become a refund (whose shares
 * add up across refunds), linked to the request, which is 退款中 until WeChat Pay answers.
 */
async function startRefund(
  tx: Queryable,
  request: { id: number; from: Aftersale['status'][]; lines: [number, number][] | null; reason: string },
  order: OrderRow,
  options: { actor: string; restock: boolean; wechatPayConfigured: boolean; now: Date }
): Promise<RefundToSend | null> {
  const lines = request.lines ?? (await releaseClaim(tx, request.id))
  const refund = await recordRefund(tx, order, { lines, reason: request.reason, restock: options.restock, wechatPayConfigured: options.wechatPayConfigured, now: options.now })
  if (!(await moveAftersale(tx, request.id, { from: request.from, to: 'refunding', actor: options.actor, now: options.now, set: { refund_no: refund.refundNo } }))) {
    throw new AppError('AFTERSALE_STATE_CHANGED')
  }
  if (refund.completeNow) await completeRefund(tx, refund.refundNo, 'succeeded', options.now)
  return refund.toSend
}

/**
 * A member's 售后 request. Before shipping only 仅退款, approved at once (by the rules) and refunded
 * with the goods back on sale; after shipping (仅退款 or 退货退款) it waits for an operator, inside
 * the window after receipt. The lines are claimed, so two requests never ask for the same item.
 * The refund is asked of WeChat Pay after the transaction, and a refusal answers 503.
 */
export async function fileAftersale(
  db: Queryable,
  wechatPay: WechatPay | null,
  request: {
    memberId: number
    orderNo: string
    kind: Aftersale['kind']
    items?: OrderLines
    reason: string
    note?: string
    refundReason?: string
    /** The member's Idempotency-Key: an attempt that died after filing is resumed, not repeated. */
    requestKey: string | null
    now: Date
  }
): Promise<Aftersale> {
  const earlier = request.requestKey === null ? null : await findAftersaleByRequest(db, request.requestKey)
  if (earlier) return resumeFiled(db, wechatPay, earlier, request.now)
  const rules = await loadAftersaleRules(db)
  const filed = await db.transaction(async (tx) => {
    const order = await memberOrder(tx, request.memberId, request.orderNo, true)
    if (!['paid', 'shipped', 'completed'].includes(order.status)) throw new AppError('ORDER_NOT_REFUNDABLE')
    if (!request.refundReason && !rules.reasons.includes(request.reason)) throw new AppError('VALIDATION_FAILED', 'reason')
    const unshipped = order.status === 'paid'
    if (unshipped && request.kind === 'return_refund') throw new AppError('AFTERSALE_KIND_INVALID', 'kind')
    if (order.status === 'completed' && order.completedAt && request.now.getTime() > order.completedAt.getTime() + rules.windowDays * DAY_MS) {
      throw new AppError('AFTERSALE_WINDOW_CLOSED')
    }
    const lines = await refundableLines(tx, order.id, request.items)
    const aftersaleNo = await insertAftersale(tx, {
      orderId: order.id,
      memberId: request.memberId,
      kind: request.kind,
      reason: request.reason,
      note: request.note ?? '',
      lines,
      requestKey: request.requestKey,
      now: request.now
    })
    const row = (await findAftersale(tx, aftersaleNo))!
    await addEvent(tx, row.id, { status: 'pending', actor: 'member', note: request.note || null, now: request.now })
    if (unshipped && rules.autoApproveUnshipped) {
      const toSend = await startRefund(tx, { id: row.id, from: ['pending'], lines, reason: request.refundReason ?? request.reason }, order, {
        actor: 'system',
        restock: true,
        wechatPayConfigured: wechatPay !== null,
        now: request.now
      })
      return { aftersaleNo, toSend }
    }
    if (!(await claimLines(tx, order.id, lines))) throw new AppError('REFUND_EXCEEDS_ORDER', 'items')
    return { aftersaleNo, toSend: null }
  })
  if (filed.toSend && (await sendRefund(db, wechatPay!, filed.toSend, request.now)) === 'refused') throw new AppError('PAYMENT_UNAVAILABLE')
  return aftersaleView(db, filed.aftersaleNo)
}

/**
 * A request filed by an attempt that did not live to answer: its refund, if still processing, is
 * asked of WeChat Pay again under the same refund number (which WeChat Pay treats as the same
 * refund), and the request is answered as it stands.
 */
async function resumeFiled(db: Queryable, wechatPay: WechatPay | null, row: AftersaleRow, now: Date): Promise<Aftersale> {
  if (row.refundNo && wechatPay) {
    const { rows } = await db.query<RefundToSend & { status: string }>(
      `SELECT o.order_no AS "orderNo", r.refund_no AS "refundNo", r.reason, r.amount, o.pay_amount AS total, r.status
       FROM order_refunds r JOIN orders o ON o.id = r.order_id WHERE r.refund_no = $1`,
      [row.refundNo]
    )
    const refund = rows[0]
    if (refund.status === 'processing' && (await sendRefund(db, wechatPay, refund, now)) === 'refused') throw new AppError('PAYMENT_UNAVAILABLE')
  }
  return aftersaleView(db, row.aftersaleNo)
}

type Visible = (storeId: number | null) => boolean

async function openRequest(tx: Queryable, aftersaleNo: string, visible: Visible) {
  const row = await findAftersale(tx, aftersaleNo, true)
  if (!row || !visible(row.storeId)) throw new AppError('AFTERSALE_NOT_FOUND')
  return row
}

/** The operator approves: 仅退款 starts its refund; 退货退款 waits for the member to send the goods. */
export async function approveAftersale(
  tx: Queryable,
  request: { aftersaleNo: string; actor: string; visible: Visible; wechatPayConfigured: boolean; now: Date }
): Promise<{ aftersale: Aftersale; toSend: RefundToSend | null }> {
  const row = await openRequest(tx, request.aftersaleNo, request.visible)
  if (row.status !== 'pending') throw new AppError('AFTERSALE_STATE_CHANGED')
  const order = (await lockOrder(tx, row.orderNo))!
  let toSend: RefundToSend | null = null
  if (row.kind === 'refund_only') {
    toSend = await startRefund(tx, { id: row.id, from: ['pending'], lines: null, reason: row.reason }, order, {
      actor: request.actor,
      restock: order.status === 'paid',
      wechatPayConfigured: request.wechatPayConfigured,
      now: request.now
    })
  } else if (!(await moveAftersale(tx, row.id, { from: ['pending'], to: 'awaiting_return', actor: request.actor, now: request.now }))) {
    throw new AppError('AFTERSALE_STATE_CHANGED')
  }
  return { aftersale: await aftersaleView(tx, row.aftersaleNo), toSend }
}

export async function rejectAftersale(tx: Queryable, request: { aftersaleNo: string; actor: string; reason: string; visible: Visible; now: Date }): Promise<Aftersale> {
  const row = await openRequest(tx, request.aftersaleNo, request.visible)
  if (!(await moveAftersale(tx, row.id, { from: ['pending'], to: 'rejected', actor: request.actor, note: request.reason, now: request.now, set: { decision_reason: request.reason } }))) {
    throw new AppError('AFTERSALE_STATE_CHANGED')
  }
  await releaseClaim(tx, row.id)
  return aftersaleView(tx, row.aftersaleNo)
}

/** The goods are back: the refund is paid, and they go back on sale if the operator says they are sellable. */
export async function receiveReturn(
  tx: Queryable,
  request: { aftersaleNo: string; actor: string; sellable: boolean; visible: Visible; wechatPayConfigured: boolean; now: Date }
): Promise<{ aftersale: Aftersale; toSend: RefundToSend | null }> {
  const row = await openRequest(tx, request.aftersaleNo, request.visible)
  if (row.status !== 'returned') throw new AppError('AFTERSALE_STATE_CHANGED')
  const order = (await lockOrder(tx, row.orderNo))!
  const toSend = await startRefund(tx, { id: row.id, from: ['returned'], lines: null, reason: row.reason }, order, {
    actor: request.actor,
    restock: request.sellable,
    wechatPayConfigured: request.wechatPayConfigured,
    now: request.now
  })
  return { aftersale: await aftersaleView(tx, row.aftersaleNo), toSend }
}

async function memberRequest(db: Queryable, memberId: number, aftersaleNo: string) {
  const row = await findAftersale(db, aftersaleNo, true)
  if (!row || row.memberId !== memberId) throw new AppError('AFTERSALE_NOT_FOUND')
  return row
}

export async function submitReturn(db: Queryable, request: { memberId: number; aftersaleNo: string; carrier: string; trackingNo: string; now: Date }) {
  return db.transaction(async (tx) => {
    const row = await memberRequest(tx, request.memberId, request.aftersaleNo)
    const moved = await moveAftersale(tx, row.id, {
      from: ['awaiting_return'],
      to: 'returned',
      actor: 'member',
      note: `${request.carrier} ${request.trackingNo}`,
      now: request.now,
      set: { return_carrier: request.carrier, return_tracking_no: request.trackingNo }
    })
    if (!moved) throw new AppError('AFTERSALE_STATE_CHANGED')
    return aftersaleView(tx, row.aftersaleNo)
  })
}

export async function cancelAftersale(db: Queryable, request: { memberId: number; aftersaleNo: string; now: Date }) {
  return db.transaction(async (tx) => {
    const row = await memberRequest(tx, request.memberId, request.aftersaleNo)
    if (!(await moveAftersale(tx, row.id, { from: ['pending', 'awaiting_return'], to: 'cancelled', actor: 'member', now: request.now }))) {
      throw new AppError('AFTERSALE_STATE_CHANGED')
    }
    await releaseClaim(tx, row.id)
    return aftersaleView(tx, row.aftersaleNo)
  })
}
