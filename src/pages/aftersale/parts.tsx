import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { ReactNode } from 'react'
import type { Order } from '../../../types'
import { formatMoney } from '../../utils/format'
import './parts.scss'

/** A white card with a title, the building block of the detail pages. */
export function Section({ title, extra, children, testId }: { title?: string; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <View className='as-section' data-testid={testId}>
      {(title || extra) && (
        <View className='as-section__head'>
          {title && <Text className='as-section__title'>{title}</Text>}
          {extra}
        </View>
      )}
      {children}
    </View>
  )
}

/** A label and its value on one line; `copy` adds 复制 (WeChat says 内容已复制 itself). */
export function Row({ label, value, copy, strong, testId }: { label: string; value: ReactNode; copy?: string; strong?: boolean; testId?: string }) {
  return (
    <View className={`as-row${strong ? ' as-row--strong' : ''}`}>
      <Text className='as-row__label'>{label}</Text>
      <View className='as-row__value'>
        <Text data-testid={testId}>{value}</Text>
        {copy && (
          <Text className='as-row__copy' data-testid={testId ? `${testId}-copy` : undefined} onClick={() => void Taro.setClipboardData({ data: copy })}>
            复制
          </Text>
        )}
      </View>
    </View>
  )
}

/** An order line: a lettered tile (order lines carry no picture), name and spec, price and quantity. */
export function ItemLine({ name, spec, price, quantity, note }: { name: string; spec: string; price?: number; quantity: number; note?: string | null }) {
  return (
    <View className='as-item'>
      <View className='as-item__tile'>
        <Text>{name.slice(0, 1)}</Text>
      </View>
      <View className='as-item__info'>
        <Text className='as-item__name'>{name}</Text>
        <Text className='as-item__spec'>{spec}</Text>
        {note && <Text className='as-item__note'>{note}</Text>}
      </View>
      <View className='as-item__price'>
        {price !== undefined && <Text>{formatMoney(price)}</Text>}
        <Text className='as-item__quantity'>× {quantity}</Text>
      </View>
    </View>
  )
}

export const orderItem = (order: Order, skuId: number) => order.items.find((item) => item.skuId === skuId)
