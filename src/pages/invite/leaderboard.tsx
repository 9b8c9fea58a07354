import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import dayjs from 'dayjs'
import type { ApiContract, RouteOutput } from '../../../types'
import { api } from '../../api'
import { EmptyState, ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { TierBadge } from '../../components/tier-badge'
import { formatNumber } from '../../utils/format'
import { useMemberQuery } from '../../utils/use-member-query'
import './leaderboard.scss'

type Leaderboard = RouteOutput<ApiContract['GET /api/referral/leaderboard']>

const PODIUM = 3

export function myRankText(me: Leaderboard['me']): string {
  return me.rank === null ? '本周还未上榜' : `您本周邀请 ${formatNumber(me.invites)} 人，排名第 ${me.rank}`
}

export default function InviteLeaderboardPage() {
  const { view, load } = useMemberQuery(() => api('GET /api/referral/leaderboard'), [])

  if (view.state === 'loading') return <LoadingSkeleton rows={8} />
  if (view.state === 'error') return <ErrorState message={view.message} onRetry={() => void load()} />
  if (view.state === 'not-member') return <NotMemberState description='加入会员后邀请好友，即可参与每周排行' />

  const board = view.data
  const inviteAction = (
    <Button type='primary' onClick={() => Taro.redirectTo({ url: '/pages/invite/index' })}>
      邀请好友
    </Button>
  )
  return (
    <View className='invite-board safe-bottom'>
      <View className='invite-board__head'>
        {/* weekStart is a Shanghai calendar day (YYYY-MM-DD), shown as it is. */}
        <Text className='invite-board__week'>本周（{dayjs(board.weekStart).format('M月D日')}起）</Text>
        <Text className='invite-board__me' data-testid='my-rank'>
          {myRankText(board.me)}
        </Text>
      </View>
      {board.items.length === 0 ? (
        <EmptyState title='本周还没有人上榜' description='好友通过您的邀请入会，即可上榜' action={inviteAction} />
      ) : (
        <View className='invite-board__list'>
          {board.items.map((item) => (
            <View key={item.rank} className={`invite-board__row${item.rank <= PODIUM ? ` invite-board__row--top${item.rank}` : ''}`} data-testid='board-row'>
              <Text className='invite-board__rank'>{item.rank}</Text>
              <View className='invite-board__who'>
                <Text className='invite-board__name'>{item.name}</Text>
                <TierBadge tier={item.tier} size='small' />
              </View>
              <Text className='invite-board__count'>{formatNumber(item.invites)} 人</Text>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}
