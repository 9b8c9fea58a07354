import { ScrollView, Text, View } from '@tarojs/components'
import { Button, Popup } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { Order } from '../../../types'
import { chosenItems, ItemPicker } from './item-picker'
import { REFUND_REASONS, refundableQuantity } from './text'
import './refund-popup.scss'

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
  const lines = order.items.filter((item) => refundableQuantity(item) > 0).map((item) => ({ item, max: refundableQuantity(item) }))
  // Everything that can still be refunded, unless the member says otherwise.
  const [quantities, setQuantities] = useState<Record<number, number>>(() => Object.fromEntries(lines.map(({ item, max }) => [item.skuId, max])))
  const [reason, setReason] = useState<string | null>(null)

  const { items, everything } = chosenItems(lines, quantities)
  const submit = () => {
    if (!reason || items.length === 0) return
    onSubmit(order, everything ? { reason } : { items, reason })
  }

  return (
    <ScrollView scrollY className='refund-form' data-testid='refund-form'>
      <Text className='refund-form__title'>选择退款商品</Text>
      <ItemPicker lines={lines} quantities={quantities} onChange={(skuId, quantity) => setQuantities((q) => ({ ...q, [skuId]: quantity }))} />

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
      <Button block type='primary' loading={submitting} disabled={submitting || !reason || items.length === 0} onClick={submit}>
        {reason ? '提交退款' : '请选择退款原因'}
      </Button>
    </ScrollView>
  )
}
