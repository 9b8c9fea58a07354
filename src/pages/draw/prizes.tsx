import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { WonPrize } from '../../../types'
import { api } from '../../api'
import { EmptyState, ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { formatDateTime } from '../../utils/format'
import { useMemberQuery } from '../../utils/use-member-query'
import { usePullDownReload } from '../../utils/use-pull-down-reload'
import { ClaimPopup } from './claim-popup'
import { PrizeIcon } from './prize-icon'
import './prizes.scss'

const STATUS_LABELS: Record<WonPrize['status'], string> = {
  awarded: '已发放',
  to_claim: '待领取',
  claimed: '已领取',
  shipped: '已发货',
  expired: '已过期'
}

export default function PrizesPage() {
  const { view, load, setData } = useMemberQuery(() => api('GET /api/draw/prizes').then(({ items }) => items), [])
  const [claim, setClaim] = useState<{ drawNo: string; prizeName: string } | null>(null)

  usePullDownReload(load)

  const claimed = (won: WonPrize) => {
    setClaim(null)
    setData((items) => items.map((item) => (item.drawNo === won.drawNo ? won : item)))
  }

  return (
    <View className='prizes-page safe-bottom'>
      {view.state === 'loading' && <LoadingSkeleton rows={5} />}
      {view.state === 'error' && <ErrorState message={view.message} onRetry={() => void load()} />}
      {view.state === 'not-member' && <NotMemberState description='加入会员即可参加积分抽奖，赢取积分、优惠券和好礼' />}
      {view.state === 'ready' && view.data.length === 0 && (
        <EmptyState
          title='还没有奖品'
          description='每天都有免费抽奖机会，试试手气吧'
          action={
            <Button type='primary' onClick={() => Taro.navigateTo({ url: '/pages/draw/index' })}>
              去抽奖
            </Button>
          }
        />
      )}
      {view.state === 'ready' &&
        view.data.map((won) => <PrizeRow key={won.drawNo} won={won} onClaim={() => setClaim({ drawNo: won.drawNo, prizeName: won.prize.name })} />)}
      <ClaimPopup claim={claim} onClose={() => setClaim(null)} onClaimed={claimed} />
    </View>
  )
}

function PrizeRow({ won, onClaim }: { won: WonPrize; onClaim: () => void }) {
  return (
    <View className={`prize-row${won.status === 'expired' ? ' prize-row--muted' : ''}`} data-testid={`prize-${won.drawNo}`}>
      <PrizeIcon kind={won.prize.kind} />
      <View className='prize-row__body'>
        <View className='prize-row__top'>
          <Text className='prize-row__name'>{won.prize.name}</Text>
          <Text className={`prize-row__status prize-row__status--${won.status}`} data-testid='prize-status'>
            {STATUS_LABELS[won.status]}
          </Text>
        </View>
        <Text className='prize-row__line'>{won.activityName}</Text>
        <Text className='prize-row__line'>中奖时间 {formatDateTime(won.wonAt)}</Text>
        {won.status === 'to_claim' && won.claimDeadline && (
          <Text className='prize-row__note'>请在 {formatDateTime(won.claimDeadline)} 前填写收货地址</Text>
        )}
        {won.status === 'claimed' && <Text className='prize-row__note'>等待发货</Text>}
        {won.status === 'shipped' && won.shipping && (
          <Text className='prize-row__note'>
            {won.shipping.carrier} {won.shipping.trackingNo}
          </Text>
        )}
        {won.status === 'expired' && won.claimDeadline && <Text className='prize-row__note'>未在 {formatDateTime(won.claimDeadline)} 前领取</Text>}
      </View>
      {won.status === 'to_claim' && (
        <Text className='prize-row__claim' onClick={onClaim}>
          领取
        </Text>
      )}
    </View>
  )
}
