import { Text, View } from '@tarojs/components'
import { Progress } from '@nutui/nutui-react-taro'
import type { MemberCard } from '../../../types'
import { formatNumber } from '../../utils/format'
import './index.scss'

/** Share of the way from the current tier's threshold to the next one, 0–100. */
export function tierProgressPercent(card: Pick<MemberCard, 'growth' | 'tier' | 'nextTier'>): number {
  if (!card.nextTier) return 100
  const span = card.nextTier.growthThreshold - card.tier.growthThreshold
  const done = card.growth - card.tier.growthThreshold
  return Math.max(0, Math.min(100, Math.floor((done * 100) / span)))
}

export function TierProgress({ card }: { card: Pick<MemberCard, 'growth' | 'tier' | 'nextTier'> }) {
  const { nextTier, growth } = card
  return (
    <View className='tier-progress'>
      <View className='tier-progress__labels'>
        <Text>成长值 {formatNumber(growth)}</Text>
        {nextTier && <Text>{nextTier.name} {formatNumber(nextTier.growthThreshold)}</Text>}
      </View>
      <Progress percent={tierProgressPercent(card)} color='#c9972e' background='rgba(255,255,255,0.25)' strokeWidth='6' />
      <Text className='tier-progress__hint'>
        {nextTier ? `再获得 ${formatNumber(nextTier.growthThreshold - growth)} 成长值升级为${nextTier.name}` : '您已是最高等级'}
      </Text>
    </View>
  )
}
