import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Progress } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { MemberTier, TierDetail } from '../../../types'
import { api } from '../../api'
import { QueryFallback } from '../../components/page-state'
import { TierBadge } from '../../components/tier-badge'
import { tierProgressPercent } from '../../components/tier-progress'
import { messageOf } from '../../stores/member'
import { formatDay, formatNumber } from '../../utils/format'
import { askSubscribeConsent } from '../../utils/subscribe'
import { useMemberQuery } from '../../utils/use-member-query'
import { CHANGE_LABELS, changePath, keepConditionText, PRIVILEGE_ROWS, upgradeText } from './text'
import './index.scss'

/** One consent per tap: a retry after a lost answer is not counted as a second one. */
const recordNoticeConsent = api.action('POST /api/members/me/tier/notices')

export default function TierPage() {
  const { view, load } = useMemberQuery(() => api('GET /api/members/me/tier'), [])

  if (view.state !== 'ready') return <QueryFallback view={view} onRetry={() => void load()} notMember='加入会员即可累积成长值，升级享更多积分和权益' />

  const { data } = view
  return (
    <View className='tier-page safe-bottom'>
      <TierHeader data={data} />
      {data.review && (
        <View className='tier-card tier-review' data-testid='tier-review'>
          <Text className='tier-card__title'>年度复核</Text>
          <Text className='tier-review__line'>{keepConditionText(data.review)}</Text>
          <Text className='tier-review__line'>复核日期 {formatDay(data.review.at)}</Text>
          <Text className='tier-review__note'>退款会扣减成长值，等级在年度复核时调整</Text>
        </View>
      )}
      {data.nextTier && <UpgradeNotice nextTier={data.nextTier} />}
      <PrivilegesTable data={data} />
      <TierChanges changes={data.changes} />
    </View>
  )
}

function TierHeader({ data }: { data: MemberTier }) {
  return (
    <View className='tier-header'>
      <View className='tier-header__top'>
        <View className='tier-header__current'>
          <Text className='tier-header__label'>当前等级</Text>
          <Text className='tier-header__name'>{data.tier.name}</Text>
        </View>
        <TierBadge tier={data.tier} />
      </View>
      <View className='tier-header__growth'>
        <Text className='tier-header__label'>成长值</Text>
        <Text className='tier-header__growth-value' data-testid='tier-growth'>
          {formatNumber(data.growth)}
        </Text>
      </View>
      <Progress percent={tierProgressPercent(data)} color='#c9972e' background='rgba(255,255,255,0.25)' strokeWidth='6' />
      <Text className='tier-header__hint' data-testid='tier-upgrade-hint'>
        {upgradeText(data)}
      </Text>
    </View>
  )
}

function UpgradeNotice({ nextTier }: { nextTier: TierDetail }) {
  const [busy, setBusy] = useState(false)
  // The contract reports the credits only when a consent is recorded, so nothing is shown before.
  const [credits, setCredits] = useState<number | null>(null)

  const subscribe = async () => {
    if (busy) return
    setBusy(true)
    try {
      const consent = await askSubscribeConsent(TIER_UPGRADE_TEMPLATE_ID)
      if (consent === 'unavailable') {
        void Taro.showToast({ title: '暂时无法订阅提醒，请稍后重试', icon: 'none' })
        return
      }
      const accepted = consent === 'accept'
      const { noticeCredits } = await recordNoticeConsent({ body: { accepted } })
      setCredits(noticeCredits)
      void Taro.showToast(accepted ? { title: '已开启升级提醒', icon: 'success' } : { title: '您未允许升级提醒', icon: 'none' })
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='tier-card tier-notice'>
      <View className='tier-notice__text'>
        <Text className='tier-card__title'>升级通知</Text>
        <Text className='tier-notice__why'>升级到{nextTier.name}时通过微信通知您</Text>
        {credits !== null && (
          <Text className='tier-notice__why' data-testid='notice-credits'>
            {credits > 0 ? `已订阅，可通知 ${credits} 次` : '尚未订阅升级提醒'}
          </Text>
        )}
      </View>
      <Button type='primary' size='small' loading={busy} disabled={busy} onClick={subscribe}>
        升级提醒
      </Button>
    </View>
  )
}

function PrivilegesTable({ data }: { data: MemberTier }) {
  const isCurrent = (rank: number) => rank === data.tier.rank
  const cellClass = (rank: number) => `tier-table__cell${isCurrent(rank) ? ' tier-table__cell--current' : ''}`
  return (
    <View className='tier-card'>
      <Text className='tier-card__title'>等级权益</Text>
      <View className='tier-table' data-testid='tier-table'>
        <View className='tier-table__row tier-table__row--head'>
          <Text className='tier-table__label' />
          {data.tiers.map((tier) => (
            <View
              key={tier.code}
              className={cellClass(tier.rank)}
              data-testid={`tier-col-${tier.rank}`}
              data-current={isCurrent(tier.rank)}
              aria-current={isCurrent(tier.rank) ? 'true' : undefined}
            >
              <Text className='tier-table__tier'>{tier.name}</Text>
              {isCurrent(tier.rank) && <Text className='tier-table__mine'>当前</Text>}
            </View>
          ))}
        </View>
        {PRIVILEGE_ROWS.map((row) => (
          <View key={row.key} className='tier-table__row' data-testid={`tier-row-${row.key}`}>
            <Text className='tier-table__label'>{row.label}</Text>
            {data.tiers.map((tier) => (
              <Text key={tier.code} className={cellClass(tier.rank)} data-testid={`tier-cell-${row.key}-${tier.rank}`} data-current={isCurrent(tier.rank)}>
                {row.value(tier)}
              </Text>
            ))}
          </View>
        ))}
      </View>
    </View>
  )
}

function TierChanges({ changes }: { changes: MemberTier['changes'] }) {
  return (
    <View className='tier-card'>
      <Text className='tier-card__title'>等级变动</Text>
      {changes.length === 0 ? (
        <Text className='tier-changes__empty'>暂无等级变动</Text>
      ) : (
        changes.map((change) => (
          <View key={`${change.at}-${change.kind}`} className='tier-change' data-testid='tier-change'>
            <View className='tier-change__head'>
              <Text className={`tier-change__kind tier-change__kind--${change.kind}`}>{CHANGE_LABELS[change.kind]}</Text>
              <Text className='tier-change__path'>{changePath(change)}</Text>
              <Text className='tier-change__at'>{formatDay(change.at)}</Text>
            </View>
            <Text className='tier-change__reason'>{change.reason}</Text>
          </View>
        ))
      )}
    </View>
  )
}
