import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { Order } from '../../../types'
import { formatDateTime, formatMoney, formatPoints } from '../../utils/format'
import { aftersaleWindowOpen } from './aftersale-window'
import { canAskAftersale, canRefundNow, partlyRefunded, REFUND_STATUS_TEXT, STATUS_TEXT } from './text'

/** refund: 申请退款 before shipping (the popup); aftersale: 申请售后 after it (its own page); open: the detail. */
export type OrderAction = 'pay' | 'cancel' | 'receive' | 'refund' | 'aftersale' | 'open'

interface OrderCardProps {
  order: Order
  /** An action on this order is in flight: its buttons wait. */
  busy: boolean
  onAction: (order: Order, action: OrderAction) => void
}

export function OrderCard({ order, busy, onAction }: OrderCardProps) {
  const act = (action: OrderAction) => () => onAction(order, action)
  // The list has no rules loaded: only a window the server has refused is known to be closed here.
  const aftersale = canAskAftersale(order) && aftersaleWindowOpen(order, null)
  const refund = canRefundNow(order)
  return (
    <View className='order-card' data-testid={`order-${order.orderNo}`}>
      {/* Everything but the buttons opens the detail, so a tap on 去支付 never does both. */}
      <View className='order-card__body' data-testid='order-open' onClick={act('open')}>
        <View className='order-card__head'>
          <Text>{formatDateTime(order.createdAt)}</Text>
          <View>
            {partlyRefunded(order) && <Text className='order-card__tag'>部分退款</Text>}
            <Text className={`order-card__status order-card__status--${order.status}`} data-testid='order-status'>
              {STATUS_TEXT[order.status]}
            </Text>
          </View>
        </View>

        {order.items.map((item) => (
          <View key={item.skuId} className='order-card__item'>
            <Text className='order-card__item-name'>
              {item.productName} · {item.specText}
            </Text>
            <Text className='order-card__item-quantity'>
              {formatMoney(item.price)} × {item.quantity}
              {item.refundedQuantity > 0 && <Text className='order-card__refunded'>（已退 {item.refundedQuantity} 件）</Text>}
            </Text>
          </View>
        ))}

        {order.couponDiscount > 0 && (
          <View className='order-card__line'>
            <Text>优惠券{order.couponName ? ` ${order.couponName}` : ''}</Text>
            <Text>-{formatMoney(order.couponDiscount)}</Text>
          </View>
        )}
        {order.pointsUsed > 0 && (
          <View className='order-card__line'>
            <Text>积分抵扣 {formatPoints(order.pointsUsed)}</Text>
            <Text>-{formatMoney(order.deductionFen)}</Text>
          </View>
        )}
        <View className='order-card__line order-card__total'>
          <Text>实付</Text>
          <Text data-testid='order-pay'>{formatMoney(order.payAmount)}</Text>
        </View>

        {order.status === 'pending_payment' && <Text className='order-card__note'>请在 {formatDateTime(order.expiresAt)} 前支付，超时订单将自动取消</Text>}
        {order.shipping && (
          <Text className='order-card__note' data-testid='order-shipping'>
            {order.shipping.carrier} {order.shipping.trackingNo}
          </Text>
        )}

        {order.refunds.length > 0 && (
          <View className='order-card__refunds'>
            {order.refunds.map((refund) => (
              <View key={refund.refundNo} className='order-card__refund' data-testid={`refund-${refund.refundNo}`}>
                <View className='order-card__line'>
                  <Text>退款 {refund.refundNo}</Text>
                  <Text className={`order-card__refund-status order-card__refund-status--${refund.status}`}>{REFUND_STATUS_TEXT[refund.status]}</Text>
                </View>
                <Text className='order-card__refund-amount'>
                  {formatMoney(refund.amount)}
                  {refund.pointsBack > 0 ? `，退回 ${formatPoints(refund.pointsBack)}` : ''}
                </Text>
              </View>
            ))}
          </View>
        )}
      </View>

      {order.status === 'pending_payment' && (
        <View className='order-card__actions'>
          <Button size='small' disabled={busy} onClick={act('cancel')}>
            取消订单
          </Button>
          <Button size='small' type='primary' disabled={busy} onClick={act('pay')}>
            去支付
          </Button>
        </View>
      )}
      {(order.status === 'shipped' || refund || aftersale) && (
        <View className='order-card__actions'>
          {refund && (
            <Button size='small' disabled={busy} onClick={act('refund')}>
              申请退款
            </Button>
          )}
          {aftersale && (
            <Button size='small' disabled={busy} onClick={act('aftersale')}>
              申请售后
            </Button>
          )}
          {order.status === 'shipped' && (
            <Button size='small' type='primary' disabled={busy} onClick={act('receive')}>
              确认收货
            </Button>
          )}
        </View>
      )}
    </View>
  )
}
