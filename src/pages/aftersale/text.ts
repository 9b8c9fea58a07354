import type { Aftersale, Order } from '../../../types'
import { formatMoney } from '../../utils/format'

export const KIND_TEXT: Record<Aftersale['kind'], string> = {
  refund_only: '仅退款',
  return_refund: '退货退款'
}

export const KIND_HINT: Record<Aftersale['kind'], string> = {
  refund_only: '未收到货，或与商家协商不退货',
  return_refund: '已收到货，需要寄回商品'
}

const STATUS_WORDS: Record<Aftersale['status'], string> = {
  pending: '待审核',
  rejected: '已拒绝',
  awaiting_return: '待寄回',
  returned: '已寄回，待商家确认',
  refunding: '退款中',
  refunded: '已退款',
  refund_failed: '退款失败',
  cancelled: '已取消'
}

/** The state in words, a refusal with the operator's reason: 已拒绝（商品已使用）. */
export function statusText(aftersale: Pick<Aftersale, 'status' | 'decisionReason'>): string {
  if (aftersale.status === 'rejected' && aftersale.decisionReason) return `已拒绝（${aftersale.decisionReason}）`
  return STATUS_WORDS[aftersale.status]
}

/** What the member should know or do next. */
export function statusHint(aftersale: Aftersale): string {
  switch (aftersale.status) {
    case 'pending':
      return '商家将尽快审核您的申请，审核期间可撤销'
    case 'rejected':
      return '如有疑问可联系客服，售后期限内可重新申请'
    case 'awaiting_return':
      return '商家已同意退货，请寄回商品并填写退货物流'
    case 'returned':
      return '商家收到退货并确认后，退款将原路退回'
    case 'refunding':
      return '退款处理中，一般 1-3 个工作日到账'
    case 'refunded':
      return aftersale.refund ? `${formatMoney(aftersale.refund.amount)} 已原路退回` : '退款已原路退回'
    case 'refund_failed':
      return '退款未成功，商品可重新申请售后，或联系客服处理'
    case 'cancelled':
      return '申请已撤销，售后期限内可重新申请'
  }
}

/** Requests that still hold their items: the server claims them until a decision or a refund. */
const OPEN: Aftersale['status'][] = ['pending', 'awaiting_return', 'returned']

export const isOpen = (aftersale: Aftersale) => OPEN.includes(aftersale.status)

/** The member may withdraw while the operator has not decided, or before the goods are sent. */
export const canCancel = (aftersale: Aftersale) => aftersale.status === 'pending' || aftersale.status === 'awaiting_return'

/** How many of each item a new request may ask for: neither refunded nor held by an open request. */
export function availableQuantities(order: Order, aftersales: Aftersale[]): Record<number, number> {
  const held: Record<number, number> = {}
  for (const aftersale of aftersales.filter(isOpen)) {
    for (const item of aftersale.items) held[item.skuId] = (held[item.skuId] ?? 0) + item.quantity
  }
  return Object.fromEntries(order.items.map((item) => [item.skuId, Math.max(0, item.quantity - item.refundedQuantity - (held[item.skuId] ?? 0))]))
}

export const anythingAvailable = (order: Order, aftersales: Aftersale[]) => Object.values(availableQuantities(order, aftersales)).some((n) => n > 0)

/** Who moved a request on, as the member reads it. */
export function actorText(actor: string): string {
  if (actor === 'member') return '您'
  if (actor === 'system') return '系统'
  return '商家'
}

/** One step of a request's timeline in words. */
export function eventText(aftersale: Aftersale, status: Aftersale['status']): string {
  switch (status) {
    case 'pending':
      return `提交${KIND_TEXT[aftersale.kind]}申请`
    case 'rejected':
      return '商家拒绝了申请'
    case 'awaiting_return':
      return '商家同意退货，请寄回商品'
    case 'returned':
      return '已寄回商品'
    case 'refunding':
      return aftersale.kind === 'return_refund' ? '商家已确认收到退货，退款处理中' : '已同意退款，退款处理中'
    case 'refunded':
      return aftersale.refund ? `退款成功，${formatMoney(aftersale.refund.amount)} 已原路退回` : '退款成功'
    case 'refund_failed':
      return '退款失败'
    case 'cancelled':
      return '已撤销申请'
  }
}

/** Common carriers offered as one tap; any other is typed. */
export const CARRIERS = ['顺丰速运', '中通快递', '圆通速递', '韵达快递', '申通快递', '京东快递', '邮政EMS'] as const

/** The contract's checks of a return's tracking, so a form the server would refuse is not sent. */
export const TRACKING_PATTERN = /^[A-Za-z0-9-]{4,40}$/
export const validCarrier = (carrier: string) => carrier.trim().length >= 1 && carrier.trim().length <= 20
