import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Button, Tag } from '@nutui/nutui-react-taro'
import { useCallback, useEffect, useState } from 'react'
import type { InviteRecord } from '../../../types'
import { api, ApiError } from '../../api'
import { EmptyState, ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { messageOf } from '../../stores/member'
import { formatDay } from '../../utils/format'
import './records.scss'

type RecordsView = { state: 'loading' } | { state: 'not-member' } | { state: 'error'; message: string } | { state: 'ready'; items: InviteRecord[] }

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
  const [view, setView] = useState<RecordsView>({ state: 'loading' })

  /** `quiet` keeps the list on screen while a pull-down refreshes it. */
  const load = useCallback(async ({ quiet = false }: { quiet?: boolean } = {}) => {
    if (!quiet) setView({ state: 'loading' })
    try {
      const { items } = await api('GET /api/referral/invites')
      setView({ state: 'ready', items })
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NOT_A_MEMBER') setView({ state: 'not-member' })
      else if (quiet) void Taro.showToast({ title: messageOf(error), icon: 'none' })
      else setView({ state: 'error', message: messageOf(error) })
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  usePullDownRefresh(async () => {
    await load({ quiet: view.state === 'ready' })
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
      if (view.items.length === 0) {
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
          {view.items.map((record, index) => (
            // Records carry no id; newest-first order is stable between refreshes.
            <RecordRow key={`${record.invitedAt}-${index}`} record={record} />
          ))}
        </View>
      )
  }
}
