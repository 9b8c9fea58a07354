import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Button, Tag } from '@nutui/nutui-react-taro'
import type { InviteRecord } from '../../../types'
import { api } from '../../api'
import { EmptyState, ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { formatDay } from '../../utils/format'
import { useMemberQuery } from '../../utils/use-member-query'
import './records.scss'

const STATUS: Record<InviteRecord['status'], { text: string; type: 'success' | 'warning' | 'default' }> = {
  joined: { text: '已加入', type: 'success' },
  pending: { text: '待加入', type: 'warning' },
  ineligible: { text: '不符合条件', type: 'default' }
}

const CHANNEL: Record<InviteRecord['channel'], string> = { card: '卡片', poster: '海报' }

function RecordRow({ record }: { record: InviteRecord }) {
  const status = STATUS[record.status]
  return (
    <View className='invite-record' data-testid='invite-record'>
      <View className='invite-record__main'>
        <View className='invite-record__head'>
          <Text className='invite-record__friend'>{record.friend}</Text>
          <Tag type={status.type}>{status.text}</Tag>
        </View>
        <Text className='invite-record__meta'>
          {formatDay(record.invitedAt)}邀请 · {CHANNEL[record.channel]}
        </Text>
        {record.reason && <Text className='invite-record__reason'>{record.reason}</Text>}
      </View>
      {record.points > 0 && <Text className='invite-record__points'>+{record.points} 积分</Text>}
    </View>
  )
}

export default function InviteRecordsPage() {
  const { view, load } = useMemberQuery(() => api('GET /api/referral/invites').then(({ items }) => items), [])

  // A list on screen stays there while a pull-down refreshes it; anything else shows the skeleton again.
  usePullDownRefresh(async () => {
    const keepShown = view.state === 'ready'
    const failure = await load({ keepShown })
    if (failure && keepShown) void Taro.showToast({ title: failure, icon: 'none' })
    Taro.stopPullDownRefresh()
  })

  switch (view.state) {
    case 'loading':
      return <LoadingSkeleton rows={6} />
    case 'error':
      return <ErrorState message={view.message} onRetry={() => void load()} />
    case 'not-member':
      return <NotMemberState description='加入会员后即可邀请好友，好友入会您得积分' />
    case 'ready':
      if (view.data.length === 0) {
        return (
          <EmptyState
            title='还没有邀请记录'
            description='好友通过您的邀请卡片或海报进入后，会显示在这里'
            action={
              <Button type='primary' onClick={() => Taro.redirectTo({ url: '/pages/invite/index' })}>
                邀请好友
              </Button>
            }
          />
        )
      }
      return (
        <View className='invite-records safe-bottom'>
          {view.data.map((record, index) => (
            // Records carry no id; newest-first order is stable between refreshes.
            <RecordRow key={`${record.invitedAt}-${index}`} record={record} />
          ))}
        </View>
      )
  }
}
