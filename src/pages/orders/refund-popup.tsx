import { ScrollView, Text, View } from '@tarojs/components'
import { Button, Popup } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { Order } from '../../../types'
import { formatMoney } from '../../utils/format'
import { REFUND_REASONS, refundableQuantity } from './text'

export interface RefundRequest {
  /** Omitted when everything left is chosen: the server then refunds all of it. */
  items?: { skuId: number; quantity: number }[]
  reason: string
}

interface RefundPopupProps {
  /** The order being refunded; null keeps the popup closed. */
  order: Order | null
  submitting: boolean
  onClose: () => void
  onSubmit: (order: Order, request: RefundRequest) => void
}

export function RefundPopup({ order, submitting, onClose, onSubmit }: RefundPopupProps) {
  return (
    <Popup visible={order !== null} position='bottom' title='申请退款' closeable onClose={onClose}>
      {/* Keyed by order: another order starts from its own defaults. */}
      {order && <RefundForm key={order.orderNo} order={order} submitting={submitting} onSubmit={onSubmit} />}
    </Popup>
  )
}

function RefundForm({ order, submitting, onSubmit }: { order: Order; submitting: boolean; onSubmit: RefundPopupProps['onSubmit'] }) {
  const refundable = order.items.filter((item) => refundableQuantity(item) > 0)
  // Everything that can still be refunded, unless the member says otherwise.
  const [quantities, setQuantities] = useState<Record<number, number>>(() =>
    Object.fromEntries(refundable.map((item) => [item.skuId, refundableQuantity(item)]))
  )
  const [reason, setReason] = useState<string | null>(null)

  const set = (skuId: number, quantity: number) => setQuantities((q) => ({ ...q, [skuId]: quantity }))
  const chosen = refundable.filter((item) => quantities[item.skuId] > 0)
  const everything = refundable.every((item) => quantities[item.skuId] === refundableQuantity(item))

  const submit = () => {
    if (!reason || chosen.length === 0) return
    const items = chosen.map((item) => ({ skuId: item.skuId, quantity: quantities[item.skuId] }))
    onSubmit(order, everything ? { reason } : { items, reason })
  }

  return (
    <ScrollView scrollY className='refund-form' data-testid='refund-form'>
      <Text className='refund-form__title'>选择退款商品</Text>
      {refundable.map((item) => {
        const max = refundableQuantity(item)
        const quantity = quantities[item.skuId]
        return (
          <View key={item.skuId} className='refund-item' data-testid={`refund-item-${item.skuId}`}>
            <Text
              className={`refund-item__check${quantity > 0 ? ' refund-item__check--on' : ''}`}
              aria-checked={quantity > 0}
              onClick={() => set(item.skuId, quantity > 0 ? 0 : max)}
            >
              {quantity > 0 ? '✓' : ''}
            </Text>
            <View className='refund-item__info'>
              <Text className='refund-item__name'>
                {item.productName} · {item.specText}
              </Text>
              <Text className='refund-item__hint'>
                {formatMoney(item.price)} · 可退 {max} 件
              </Text>
            </View>
            <View className='refund-item__stepper'>
              <Text className='refund-item__button' data-testid='refund-minus' onClick={() => set(item.skuId, Math.max(0, quantity - 1))}>
                −
              </Text>
              <Text className='refund-item__value' data-testid='refund-quantity'>
                {quantity}
              </Text>
              <Text className='refund-item__button' data-testid='refund-plus' onClick={() => set(item.skuId, Math.min(max, quantity + 1))}>
                +
              </Text>
            </View>
          </View>
        )
      })}

      <Text className='refund-form__title'>退款原因</Text>
      <View className='refund-form__reasons'>
        {REFUND_REASONS.map((label) => (
          <Text
            key={label}
            className={`refund-form__reason${label === reason ? ' refund-form__reason--on' : ''}`}
            aria-selected={label === reason}
            onClick={() => setReason(label)}
          >
            {label}
          </Text>
        ))}
      </View>
      <Text className='refund-form__note'>退款按商品分摊原路退回实付金额，已用积分同时退回，本单获得的积分相应扣回</Text>
      <Button block type='primary' loading={submitting} disabled={submitting || !reason || chosen.length === 0} onClick={submit}>
        {reason ? '提交退款' : '请选择退款原因'}
      </Button>
    </ScrollView>
  )
}
