import Taro from '@tarojs/taro'
import type { Order } from '../../types'
import { api } from '../api'
import { messageOf } from '../stores/member'

/** How a payment attempt ended, for the page to move on: the toast has been shown already. */
export type PayOutcome =
  | { result: 'paid'; order: Order }
  /** WeChat Pay said yes but the server has not heard yet: the order may still show unpaid for a moment. */
  | { result: 'confirming'; order: Order | null }
  | { result: 'cancelled' }
  | { result: 'failed' }

/** Paying one order: a retry after a lost answer asks for the same payment, not another one. */
const startPayment = api.action('POST /api/orders/:orderNo/pay')

const errMsgOf = (error: unknown) => String((error as { errMsg?: unknown } | null)?.errMsg ?? '')

/**
 * Pays an unpaid order, the one flow for checkout and 我的订单: the server either pays at once (its
 * dev stand-in) or signs WeChat Pay parameters for wx.requestPayment. The member's answer in WeChat
 * is not proof of payment, so the order is fetched again (the server asks WeChat Pay) before saying 支付成功.
 */
export async function payOrder(orderNo: string): Promise<PayOutcome> {
  let payment
  try {
    payment = await startPayment({ params: { orderNo } })
  } catch (error) {
    void Taro.showToast({ title: messageOf(error), icon: 'none' })
    return { result: 'failed' }
  }

  if (payment.provider === 'dev') {
    void Taro.showToast({ title: '支付成功', icon: 'success' })
    return { result: 'paid', order: payment.order }
  }

  try {
    await Taro.requestPayment({ ...payment.params })
  } catch (error) {
    if (errMsgOf(error).includes('cancel')) {
      void Taro.showToast({ title: '已取消支付', icon: 'none' })
      return { result: 'cancelled' }
    }
    void Taro.showToast({ title: '支付未完成，请稍后在订单中重试', icon: 'none' })
    return { result: 'failed' }
  }

  let order: Order | null = null
  try {
    order = await api('GET /api/orders/:orderNo', { params: { orderNo } })
  } catch {
    // Paid in WeChat but not confirmed here: say so rather than claim success.
  }
  if (order && order.status !== 'pending_payment') {
    void Taro.showToast({ title: '支付成功', icon: 'success' })
    return { result: 'paid', order }
  }
  void Taro.showToast({ title: '支付结果确认中', icon: 'none' })
  return { result: 'confirming', order }
}
