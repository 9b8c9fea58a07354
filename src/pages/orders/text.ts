import type { Order, OrderStatus, Refund } from '../../../types'

/** A list tab: every order, one status, or 售后 (orders with refunds). */
export type OrdersTab = 'all' | OrderStatus | 'aftersale'

export const TABS: { key: OrdersTab; label: string }[] = [
  { key: 'all', label: '全部' },
  { key: 'pending_payment', label: '待付款' },
  { key: 'paid', label: '待发货' },
  { key: 'shipped', label: '待收货' },
  { key: 'completed', label: '已完成' },
  { key: 'aftersale', label: '售后' }
]

/** The tab a link asks for (`?status=shipped`), or 全部 for anything else. */
export function tabFromParam(param: string | undefined): OrdersTab {
  return TABS.find((tab) => tab.key !== 'all' && tab.key === param)?.key ?? 'all'
}

/** Whether an order belongs on a tab, after an action changed it. */
export function belongsTo(order: Order, tab: OrdersTab): boolean {
  if (tab === 'all') return true
  if (tab === 'aftersale') return order.refunds.length > 0
  return order.status === tab
}

export const STATUS_TEXT: Record<OrderStatus, string> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  refunded: '已退款'
}

export const REFUND_STATUS_TEXT: Record<Refund['status'], string> = {
  processing: '退款中',
  succeeded: '已退款',
  failed: '退款失败'
}

/** Some items refunded or being refunded, the rest kept: a failed refund gave nothing back. */
export const partlyRefunded = (order: Order) => order.status !== 'refunded' && order.refunds.some((r) => r.status !== 'failed')

export const refundableQuantity = (item: Order['items'][number]) => item.quantity - item.refundedQuantity

/** Items left to refund; a 售后 request may hold some of them (see the aftersale pages). */
export const hasRefundableItems = (order: Order) => order.items.some((item) => refundableQuantity(item) > 0)

/** Before shipping the member refunds at once (仅退款, the refund popup). */
export const canRefundNow = (order: Order) => order.status === 'paid' && hasRefundableItems(order)

/** After shipping a refund is a 售后 request, asked for on its own page. */
export const canAskAftersale = (order: Order) => (order.status === 'shipped' || order.status === 'completed') && hasRefundableItems(order)

/** For an order not yet shipped: the server takes any reason there, and refunds at once. */
export const REFUND_REASONS = ['不想要了', '商品有瑕疵', '发错货', '其他'] as const
