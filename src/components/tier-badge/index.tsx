import { Text, View } from '@tarojs/components'
import type { Tier } from '../../../types'
import './index.scss'

/** The tier badge shown wherever a member appears; colour and emblem come from the tier's rank. */
export function TierBadge({ tier, size = 'normal' }: { tier: Pick<Tier, 'name' | 'rank'>; size?: 'normal' | 'small' }) {
  const rank = Math.min(Math.max(tier.rank, 0), 3)
  return (
    <View className={`tier-badge tier-badge--rank${rank} tier-badge--${size}`} aria-label={`会员等级：${tier.name}`}>
      <View className='tier-badge__emblem' />
      <Text className='tier-badge__name'>{tier.name}</Text>
    </View>
  )
}
