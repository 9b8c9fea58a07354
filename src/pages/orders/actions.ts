import Taro from '@tarojs/taro'
import type { Order } from '../../../types'
import { api } from '../../api'
import { formatMoney } from '../../utils/format'
import { payOrder } from '../../utils/pay'
import type { RefundRequest } from './refund-popup'
import { refundableQuantity } from './text'

// What the member does to an order, made once for 我的订单 and 订单详情 alike: a retry after a lost
// answer is the same request (one refund, not two), from whichever page it comes.
export const cancelOrder = api.action('POST /api/orders/:orderNo/cancel')
export const confirmReceipt = api.action('POST /api/orders/:orderNo/receive')
export const requestRefund = api.action('POST /api/orders/:orderNo/refund')

export type OrderStep = 'pay' | 'cancel' | 'receive'

const CONFIRM: Record<OrderStep, { title: string; content: (order: Order) => string }> = {
  pay: { title: '确认支付', content: (order) => `支付 ${formatMoney(order.payAmount)}` },
  cancel: { title: '取消订单', content: () => '取消后，商品库存、优惠券和已用积分将退回' },
  receive: { title: '确认收货', content: () => '请确认已收到全部商品，确认后订单完成' }
}

export async function confirmStep(order: Order, step: OrderStep): Promise<boolean> {
  const { title, content } = CONFIRM[step]
  const { confirm } = await Taro.showModal({ title, content: content(order) })
  return confirm
}

/**
 * Pays, cancels or confirms receipt of an order the member has confirmed: the order afterwards,
 * or null when the payment did not go through (its flow has said why). Other failures throw.
 */
export async function takeStep(order: Order, step: OrderStep): Promise<Order | null> {
  const params = { params: { orderNo: order.orderNo } }
  if (step === 'pay') {
    const outcome = await payOrder(order.orderNo)
    return outcome.result === 'paid' || outcome.result === 'confirming' ? (outcome.order ?? null) : null
  }
  const updated = step === 'cancel' ? await cancelOrder(params) : await confirmReceipt(params)
  void Taro.showToast({ title: step === 'cancel' ? '订单已取消' : '已确认收货', icon: 'success' })
  return updated
}

/** Money goes back: the member says so once more, with how many items. */
export async function confirmRefund(order: Order, request: RefundRequest): Promise<boolean> {
  const count = request.items
    ? request.items.reduce((sum, item) => sum + item.quantity, 0)
    : order.items.reduce((sum, item) => sum + refundableQuantity(item), 0)
  const { confirm } = await Taro.showModal({
    title: '确认申请退款',
    content: `${count} 件商品的实付金额将原路退回，已用积分同时退回`
  })
  return confirm
}

export async function submitRefund(order: Order, request: RefundRequest): Promise<Order> {
  const updated = await requestRefund({ params: { orderNo: order.orderNo }, body: request })
  void Taro.showToast({ title: '退款申请已提交', icon: 'success' })
  return updated
}
