import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { EntryCategory, PointsEntry, PointsSummary } from '../../../types'
import { api } from '../../api'
import { EmptyState, ErrorState, LoadingSkeleton, QueryFallback } from '../../components/page-state'
import { messageOf } from '../../stores/member'
import { formatDateTime, formatNumber } from '../../utils/format'
import { askSubscribeConsent } from '../../utils/subscribe'
import { useMemberQuery } from '../../utils/use-member-query'
import { usePointsHistory } from './history'
import { CATEGORY_LABELS, entryPendingText, FILTER_CATEGORIES, expiringText, pendingText, reminderWhy, ruleLines, signedPoints } from './text'
import './index.scss'

/** One consent per tap: a retry after a lost answer is not counted as a second one. */
const recordReminderConsent = api.action('POST /api/points/expiry-reminders')

export default function PointsPage() {
  const { view, load: loadSummary, setData: setSummary } = useMemberQuery(() => api('GET /api/points/summary'), [])
  const [category, setCategory] = useState<EntryCategory | null>(null)
  const history = usePointsHistory(category)

  usePullDownRefresh(async () => {
    try {
      const failures = await Promise.all([loadSummary({ keepShown: true }), history.reload({ keepShown: true })])
      const failure = failures.find((message) => message !== null)
      if (failure) void Taro.showToast({ title: failure, icon: 'none' })
    } finally {
      Taro.stopPullDownRefresh()
    }
  })

  useReachBottom(() => {
    void history.loadMore()
  })

  const retryAll = () => {
    void loadSummary()
    void history.reload()
  }

  if (view.state !== 'ready') return <QueryFallback view={view} onRetry={retryAll} notMember='加入会员即可领取入会积分，消费还能再得积分' />

  const summary = view.data
  const setCredits = (reminderCredits: number) => setSummary((shown) => ({ ...shown, reminderCredits }))

  return (
    <View className='points-page safe-bottom'>
      <PointsHeader summary={summary} />
      <ExpiryReminder summary={summary} onCredits={setCredits} />
      <PointsRulesSection summary={summary} />

      <View className='points-filter'>
        {[null, ...FILTER_CATEGORIES].map((value) => (
          <View
            key={value ?? 'all'}
            className={`points-filter__chip${value === category ? ' points-filter__chip--active' : ''}`}
            data-testid={`points-filter-${value ?? 'all'}`}
            aria-selected={value === category}
            onClick={() => setCategory(value)}
          >
            <Text>{value ? CATEGORY_LABELS[value] : '全部'}</Text>
          </View>
        ))}
      </View>

      <PointsHistoryList history={history} category={category} onShowAll={() => setCategory(null)} />
    </View>
  )
}

function PointsHeader({ summary }: { summary: PointsSummary }) {
  const pending = pendingText(summary.pending)
  const expiring = expiringText(summary.expiring)
  return (
    <View className='points-header'>
      <Text className='points-header__label'>当前积分</Text>
      <View className='points-header__balance'>
        <Text className='points-header__value' data-testid='points-balance'>
          {formatNumber(summary.balance)}
        </Text>
        <Text className='points-header__unit'>积分</Text>
      </View>
      {summary.balance < 0 && (
        <Text className='points-header__note'>退货扣回了已使用的积分，之后获得的积分会先补足欠分</Text>
      )}
      {pending && (
        <Text className='points-header__note' data-testid='points-pending'>
          {pending}
        </Text>
      )}
      {expiring && (
        <Text className='points-header__note points-header__note--warn' data-testid='points-expiring'>
          {expiring}
        </Text>
      )}
    </View>
  )
}

function ExpiryReminder({ summary, onCredits }: { summary: PointsSummary; onCredits: (credits: number) => void }) {
  const [busy, setBusy] = useState(false)
  const [refused, setRefused] = useState(false)

  const subscribe = async () => {
    if (busy) return
    setBusy(true)
    try {
      const consent = await askSubscribeConsent(EXPIRY_REMINDER_TEMPLATE_ID)
      if (consent === 'unavailable') {
        void Taro.showToast({ title: '暂时无法订阅提醒，请稍后重试', icon: 'none' })
        return
      }
      const accepted = consent === 'accept'
      const { reminderCredits } = await recordReminderConsent({ body: { accepted } })
      onCredits(reminderCredits)
      setRefused(!accepted)
      void Taro.showToast(accepted ? { title: '已开启到期提醒', icon: 'success' } : { title: '您未允许到期提醒', icon: 'none' })
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='points-card points-reminder'>
      <View className='points-reminder__main'>
        <View className='points-reminder__text'>
          <Text className='points-card__title'>积分到期提醒</Text>
          <Text className='points-reminder__why'>{reminderWhy(summary.rules)}</Text>
          <Text className='points-reminder__credits' data-testid='reminder-credits'>
            {summary.reminderCredits > 0 ? `还可提醒 ${summary.reminderCredits} 次，每订阅一次可多提醒一次` : '尚未订阅提醒'}
          </Text>
        </View>
        <Button type='primary' size='small' loading={busy} disabled={busy} onClick={subscribe}>
          {summary.reminderCredits > 0 ? '继续订阅' : '开启提醒'}
        </Button>
      </View>
      {refused && (
        <View className='points-reminder__refused'>
          <Text className='points-reminder__refused-text'>您未允许提醒。如需开启，请在设置的「订阅消息」中打开</Text>
          <Button size='small' fill='outline' onClick={() => void Taro.openSetting({ withSubscriptions: true })}>
            去设置
          </Button>
        </View>
      )}
    </View>
  )
}

function PointsRulesSection({ summary }: { summary: PointsSummary }) {
  const [open, setOpen] = useState(false)
  return (
    <View className='points-card points-rules'>
      <View className='points-rules__head' data-testid='points-rules-toggle' onClick={() => setOpen(!open)}>
        <Text className='points-card__title'>积分规则</Text>
        <Text className='points-rules__toggle'>{open ? '收起' : '查看'}</Text>
      </View>
      {open && (
        <View className='points-rules__list' data-testid='points-rules'>
          {ruleLines(summary.rules).map((line) => (
            <Text key={line} className='points-rules__line'>
              {line}
            </Text>
          ))}
        </View>
      )}
    </View>
  )
}

function PointsHistoryList({
  history,
  category,
  onShowAll
}: {
  history: ReturnType<typeof usePointsHistory>
  category: EntryCategory | null
  onShowAll: () => void
}) {
  if (history.phase === 'loading') return <LoadingSkeleton rows={5} />
  if (history.phase === 'error') return <ErrorState message={history.error} onRetry={() => void history.reload()} />
  if (history.items.length === 0) {
    return category ? (
      <EmptyState
        title={`暂无${CATEGORY_LABELS[category]}记录`}
        description='换个分类看看全部积分记录'
        action={
          <Button type='primary' onClick={onShowAll}>
            查看全部
          </Button>
        }
      />
    ) : (
      <EmptyState
        title='暂无积分记录'
        description='到店消费时出示会员码，即可获得积分'
        action={
          <Button type='primary' onClick={() => Taro.switchTab({ url: '/pages/member/index' })}>
            出示会员码
          </Button>
        }
      />
    )
  }
  return (
    <View className='points-list'>
      {history.items.map((entry) => (
        <EntryRow key={entry.id} entry={entry} />
      ))}
      <View className='points-list__foot'>
        {history.more === 'loading' && <Text>加载中…</Text>}
        {history.more === 'error' && (
          <Text className='points-list__retry' onClick={() => void history.loadMore()}>
            加载失败，点击重试
          </Text>
        )}
        {history.more === 'idle' && history.nextCursor === null && <Text>没有更多了</Text>}
      </View>
    </View>
  )
}

function EntryRow({ entry }: { entry: PointsEntry }) {
  const pending = entryPendingText(entry)
  const tone = entry.points > 0 ? 'plus' : 'minus'
  return (
    <View className='points-entry' data-testid={`points-entry-${entry.id}`}>
      <View className='points-entry__main'>
        <View className='points-entry__title'>
          <Text className={`points-entry__tag points-entry__tag--${entry.category}`}>{CATEGORY_LABELS[entry.category]}</Text>
          <Text className='points-entry__reason'>{entry.reason}</Text>
        </View>
        <Text className='points-entry__time'>{formatDateTime(entry.createdAt)}</Text>
        {pending && <Text className='points-entry__pending'>{pending}</Text>}
      </View>
      <Text
        className={`points-entry__points points-entry__points--${tone}${pending ? ' points-entry__points--pending' : ''}`}
        data-testid='entry-points'
      >
        {signedPoints(entry.points)}
      </Text>
    </View>
  )
}
