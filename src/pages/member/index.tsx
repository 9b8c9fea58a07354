import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import type { MemberCard } from '../../../types'
import { MemberQrCode } from '../../components/member-qr-code'
import { ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { TierBadge } from '../../components/tier-badge'
import { TierProgress } from '../../components/tier-progress'
import { useMemberStore } from '../../stores/member'
import { formatDay, formatNumber, formatPoints } from '../../utils/format'
import { TierCelebration } from './celebration'
import './index.scss'

const openTierPage = () => Taro.navigateTo({ url: '/pages/tier/index' })

export function MemberCardView({ card }: { card: MemberCard }) {
  return (
    <View className='member-card' data-testid='member-card'>
      <View className='member-card__head'>
        <Text className='member-card__brand'>乐享会员</Text>
        <View className='member-card__tier' onClick={openTierPage}>
          <TierBadge tier={card.tier} />
          <Text className='member-card__tier-more'>›</Text>
        </View>
      </View>
      <View className='member-card__points' onClick={() => Taro.navigateTo({ url: '/pages/points/index' })}>
        <Text className='member-card__points-value' data-testid='points-balance'>
          {formatNumber(card.points.balance)}
        </Text>
        <Text className='member-card__points-unit'>积分</Text>
        <Text className='member-card__points-unit'>明细 ›</Text>
      </View>
      {card.points.pending > 0 && (
        <Text className='member-card__pending' data-testid='points-pending'>
          {formatPoints(card.points.pending)}待生效
        </Text>
      )}
      <View onClick={openTierPage}>
        <TierProgress card={card} />
      </View>
      <View className='member-card__foot'>
        <Text>NO. {card.memberNo}</Text>
        <Text>
          {card.joinedStore ? `${card.joinedStore.name} · ` : ''}
          {formatDay(card.joinedAt)}入会
        </Text>
      </View>
    </View>
  )
}

export default function MemberPage() {
  const { status, card, error, load } = useMemberStore()

  useDidShow(() => {
    void load()
  })
  usePullDownRefresh(async () => {
    await load()
    Taro.stopPullDownRefresh()
  })

  if (status === 'idle' || status === 'loading') return <LoadingSkeleton rows={6} />
  if (status === 'error') return <ErrorState message={error ?? ''} onRetry={load} />
  if (status === 'not-member' || !card) {
    return <NotMemberState description='扫描门店的会员码，或选择一家门店，即可加入会员、领取入会积分' />
  }
  return (
    <View className='member-page safe-bottom'>
      <MemberCardView card={card} />
      <View className='member-page__code'>
        <Text className='section-title'>会员码</Text>
        <MemberQrCode />
      </View>
      <TierCelebration tier={card.celebrate} onDismissed={() => void load()} />
    </View>
  )
}
