import { Button as TaroButton, Image, Input, Text, View } from '@tarojs/components'
import Taro, { useShareAppMessage } from '@tarojs/taro'
import { Button, Cell, CellGroup } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { InviteSummary } from '../../../types'
import { api } from '../../api'
import { ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { TierBadge } from '../../components/tier-badge'
import { messageOf } from '../../stores/member'
import { formatNumber } from '../../utils/format'
import { useMemberQuery } from '../../utils/use-member-query'
import { InvitePoster } from './poster'
import { friendOfferText, rewardRuleText, shareCard } from './share'
import './index.scss'

const saveNickname = api.action('POST /api/referral/nickname')

/** Where a share from this page leads when the summary is not there yet: never a card without a code. */
const FALLBACK_SHARE = { title: '乐享会员', path: '/pages/member/index' }

/**
 * The share card for WeChat: shown at once without a share id, and replaced by one carrying the
 * recorded share when the record comes back (WeChat waits up to 3 s for `promise`).
 */
export function inviteShareMessage(summary: InviteSummary) {
  const card = shareCard(summary, null)
  const promise = api('POST /api/referral/shares', { body: { channel: 'card' } }).then(
    ({ shareId }) => shareCard(summary, shareId),
    () => card
  )
  return { ...card, promise }
}

function NicknameForm({ onSaved }: { onSaved: (nickname: string) => void }) {
  const [draft, setDraft] = useState('')
  const [saving, setSaving] = useState(false)

  const save = async () => {
    const nickname = draft.trim()
    if (!nickname) {
      void Taro.showToast({ title: '请先填写昵称', icon: 'none' })
      return
    }
    setSaving(true)
    try {
      const saved = await saveNickname({ body: { nickname } })
      onSaved(saved.nickname)
      void Taro.showToast({ title: '昵称已保存', icon: 'success' })
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setSaving(false)
    }
  }

  return (
    <View className='invite-nickname'>
      <Text className='invite-nickname__hint'>设置昵称，好友就知道是谁邀请了他</Text>
      <View className='invite-nickname__row'>
        {/* WeChat offers the person's own nickname above the keyboard for type='nickname'. */}
        <Input
          className='invite-nickname__input'
          type='nickname'
          maxlength={20}
          placeholder='点击填写或使用微信昵称'
          value={draft}
          onInput={(event) => setDraft(event.detail.value)}
          onBlur={(event) => setDraft(event.detail.value)}
        />
        <Button type='primary' size='small' loading={saving} disabled={saving} onClick={() => void save()}>
          保存
        </Button>
      </View>
    </View>
  )
}

export default function InvitePage() {
  const { view, load, setData } = useMemberQuery(() => api('GET /api/referral/me'), [])
  const [avatar, setAvatar] = useState<string | null>(null)
  const [posterOpen, setPosterOpen] = useState(false)

  useShareAppMessage(() => (view.state === 'ready' ? inviteShareMessage(view.data) : FALLBACK_SHARE))

  if (view.state === 'loading') return <LoadingSkeleton rows={6} />
  if (view.state === 'error') return <ErrorState message={view.message} onRetry={() => void load()} />
  if (view.state === 'not-member') return <NotMemberState description='加入会员后即可邀请好友，每邀请一位好友入会都能得积分' />

  const summary = view.data
  const { rules } = summary
  const displayName = summary.nickname ?? '乐享会员'
  const setNickname = (nickname: string) => setData((shown) => ({ ...shown, nickname }))

  return (
    <View className='invite-page safe-bottom'>
      <View className='invite-hero'>
        <Text className='invite-hero__title'>邀请好友 · 一起享好礼</Text>
        <Text className='invite-hero__rule' data-testid='invite-rule'>
          {rewardRuleText(rules)}
        </Text>
        <Text className='invite-hero__limit'>每日最多奖励 {rules.dailyRewardLimit} 位</Text>
        <View className='invite-hero__stats'>
          <View className='invite-hero__stat'>
            <Text className='invite-hero__value' data-testid='invite-count'>
              {formatNumber(summary.invitedCount)}
            </Text>
            <Text className='invite-hero__label'>已邀请（人）</Text>
          </View>
          <View className='invite-hero__stat'>
            <Text className='invite-hero__value' data-testid='invite-points'>
              {formatNumber(summary.pointsEarned)}
            </Text>
            <Text className='invite-hero__label'>邀请获得积分</Text>
          </View>
        </View>
      </View>

      <View className='invite-profile'>
        {process.env.TARO_ENV === 'weapp' ? (
          // chooseAvatar hands back a local temp file: used on the poster only, never uploaded.
          <TaroButton className='invite-profile__avatar' openType='chooseAvatar' onChooseAvatar={(event) => setAvatar(event.detail.avatarUrl)}>
            {avatar ? <Image className='invite-profile__photo' src={avatar} mode='aspectFill' /> : <Text>{[...displayName][0]}</Text>}
          </TaroButton>
        ) : (
          <View className='invite-profile__avatar'>
            <Text>{[...displayName][0]}</Text>
          </View>
        )}
        <View className='invite-profile__info'>
          <Text className='invite-profile__name'>{displayName}</Text>
          <TierBadge tier={summary.tier} size='small' />
          {process.env.TARO_ENV === 'weapp' && <Text className='invite-profile__tip'>点击头像可放到海报上</Text>}
        </View>
      </View>
      {summary.nickname === null && <NicknameForm onSaved={setNickname} />}

      <View className='invite-actions'>
        <TaroButton className='invite-actions__share' openType='share'>
          分享给好友
        </TaroButton>
        <Button type='primary' fill='outline' block onClick={() => setPosterOpen(true)}>
          生成海报
        </Button>
      </View>

      <CellGroup>
        <Cell title='邀请记录' extra='好友入会进度' clickable onClick={() => Taro.navigateTo({ url: '/pages/invite/records' })} />
        <Cell title='邀请排行榜' extra='本周排名' clickable onClick={() => Taro.navigateTo({ url: '/pages/invite/leaderboard' })} />
      </CellGroup>

      {posterOpen && <InvitePoster nickname={summary.nickname} offer={friendOfferText(rules.friendCoupon)} avatar={avatar} onClose={() => setPosterOpen(false)} />}
    </View>
  )
}
