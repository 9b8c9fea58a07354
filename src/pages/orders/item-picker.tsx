import { Text, View } from '@tarojs/components'
import type { Order } from '../../../types'
import { formatMoney } from '../../utils/format'
import './item-picker.scss'

type Line = Order['items'][number]

export interface PickerLine {
  item: Line
  /** The most of it that may be asked for. */
  max: number
}

/**
 * The items a refund or a 售后 request asks for, and how many of each: a tap on the line picks
 * all of it or none, − and + change the count. Keys are SKU ids, as the routes take them.
 */
export function ItemPicker({ lines, quantities, onChange }: { lines: PickerLine[]; quantities: Record<number, number>; onChange: (skuId: number, quantity: number) => void }) {
  return (
    <View className='item-picker'>
      {lines.map(({ item, max }) => {
        const quantity = quantities[item.skuId] ?? 0
        return (
          <View key={item.skuId} className='refund-item' data-testid={`refund-item-${item.skuId}`}>
            <View className='refund-item__pick' onClick={() => onChange(item.skuId, quantity > 0 ? 0 : max)}>
              <Text className={`refund-item__check${quantity > 0 ? ' refund-item__check--on' : ''}`} aria-checked={quantity > 0}>
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
            </View>
            <View className='refund-item__stepper'>
              <Text className='refund-item__button' data-testid='refund-minus' onClick={() => onChange(item.skuId, Math.max(0, quantity - 1))}>
                −
              </Text>
              <Text className='refund-item__value' data-testid='refund-quantity'>
                {quantity}
              </Text>
              <Text className='refund-item__button' data-testid='refund-plus' onClick={() => onChange(item.skuId, Math.min(max, quantity + 1))}>
                +
              </Text>
            </View>
          </View>
        )
      })}
    </View>
  )
}

/** What to send: the lines chosen, or nothing when every line is asked for in full (the routes then take all that is left). */
export function chosenItems(lines: PickerLine[], quantities: Record<number, number>): { items: { skuId: number; quantity: number }[]; everything: boolean } {
  const items = lines.filter(({ item }) => (quantities[item.skuId] ?? 0) > 0).map(({ item }) => ({ skuId: item.skuId, quantity: quantities[item.skuId] }))
  const everything = lines.every(({ item, max }) => quantities[item.skuId] === max)
  return { items, everything }
}
