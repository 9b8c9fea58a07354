import { Text, View } from '@tarojs/components'
import type { Tier } from '../../../types'
import './index.scss'

/**
 * The tier badge shown wherever a member appears. Colour and emblem come from the rank, not the
 * code or name an operator may rename, and each rank differs in shape as well as colour so the
 * tiers stay apart for people who do not tell the colours apart.
 */
export function TierBadge({ tier, size = 'normal' }: { tier: Pick<Tier, 'name' | 'rank'>; size?: 'small' | 'normal' | 'large' }) {
  const rank = Math.min(Math.max(tier.rank, 0), 3)
  return (
    <View className={`tier-badge tier-badge--rank${rank} tier-badge--${size}`} aria-label={`会员等级：${tier.name}`}>
      <View className='tier-badge__emblem' />
      <Text className='tier-badge__name'>{tier.name}</Text>
    </View>
  )
}
