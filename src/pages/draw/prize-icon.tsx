import { View } from '@tarojs/components'
import type { Prize } from '../../../types'
import './prize-icon.scss'

const KIND_LABELS: Record<Prize['kind'], string> = { points: '积分', coupon: '优惠券', physical: '实物奖品', thanks: '谢谢参与' }

/**
 * Each kind drawn in CSS (a coin, a ticket, a gift box, a smile): the package carries no pictures,
 * and prize pictures are not in the contract.
 */
export function PrizeIcon({ kind }: { kind: Prize['kind'] }) {
  return (
    <View className={`prize-icon prize-icon--${kind}`} role='img' aria-label={KIND_LABELS[kind]}>
      <View className='prize-icon__a' />
      <View className='prize-icon__b' />
    </View>
  )
}
