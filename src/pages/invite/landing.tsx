import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiContract, RouteOutput } from '../../../types'
import { api, ApiError } from '../../api'
import { CouponCard } from '../../components/coupon-card'
import { EmptyState, ErrorState, LoadingSkeleton } from '../../components/page-state'
import { TierBadge } from '../../components/tier-badge'
import { messageOf, useMemberStore } from '../../stores/member'
import { formatPoints } from '../../utils/format'
import { inviteFromParams } from './landing-params'
import './landing.scss'

type Landing = RouteOutput<ApiContract['GET /api/referral/landing/:code']>
type FriendCoupon = Landing['friendCoupon']

type LandingView =
  | { state: 'loading' }
  | { state: 'invalid'; description: string }
  | { state: 'error'; message: string }
  | { state: 'ready'; landing: Landing }
  | { state: 'welcome'; points: number; coupon: FriendCoupon }

const MEMBER_TAB = '/pages/member/index'
const goToMemberTab = () => Taro.switchTab({ url: MEMBER_TAB })

function InvalidInvite({ description }: { description: string }) {
  return (
    <EmptyState
      title='邀请码无效'
      description={description}
      action={
        <Button type='primary' onClick={goToMemberTab}>
          去会员中心
        </Button>
      }
    />
  )
}

/** Where a friend lands from an invite card or a scanned poster: who invited them, the gift, and joining. */
export default function InviteLandingPage() {
  const { params } = useRouter()
  const [invite] = useState(() => inviteFromParams(params))
  const join = useMemberStore((s) => s.join)
  const [view, setView] = useState<LandingView>(
    invite.kind === 'invalid' ? { state: 'invalid', description: '请让好友重新分享邀请，或直接加入会员' } : { state: 'loading' }
  )
  const [joining, setJoining] = useState(false)
  // The visit binds the friend to the inviter; joining waits for it so the invite is counted.
  const visit = useRef<Promise<unknown> | null>(null)

  const load = useCallback(async () => {
    if (invite.kind === 'invalid') return
    setView({ state: 'loading' })
    try {
      setView({ state: 'ready', landing: await api('GET /api/referral/landing/:code', { params: { code: invite.code } }) })
    } catch (error) {
      if (error instanceof ApiError && error.code === 'INVITE_NOT_FOUND') setView({ state: 'invalid', description: error.message })
      else setView({ state: 'error', message: messageOf(error) })
    }
  }, [invite])

  useEffect(() => {
    if (invite.kind === 'invalid') return
    const { code, channel, shareId } = invite
    // A failed visit only loses the attribution; the friend can still join.
    visit.current ??= api('POST /api/referral/visits', { body: shareId ? { code, channel, shareId } : { code, channel } }).catch(() => null)
    void load()
  }, [invite, load])

  const onJoin = async (landing: Landing) => {
    setJoining(true)
    try {
      await visit.current
      const { joinedNow, welcomePoints } = await join()
      if (joinedNow) {
        setView({ state: 'welcome', points: welcomePoints, coupon: landing.eligible ? landing.friendCoupon : null })
      } else {
        void Taro.showToast({ title: '您已是会员', icon: 'none' })
        void goToMemberTab()
      }
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setJoining(false)
    }
  }

  switch (view.state) {
    case 'loading':
      return <LoadingSkeleton rows={5} />
    case 'invalid':
      return <InvalidInvite description={view.description} />
    case 'error':
      return <ErrorState message={view.message} onRetry={() => void load()} />
    case 'welcome':
      return (
        <View className='invite-landing safe-bottom'>
          <View className='invite-landing__hero'>
            <Text className='invite-landing__title'>欢迎加入乐享会员</Text>
            {view.points > 0 && (
              <Text className='invite-landing__welcome' data-testid='welcome-points'>
                入会赠送 {formatPoints(view.points)}
              </Text>
            )}
          </View>
          {view.coupon && (
            <View className='invite-landing__gift'>
              <Text className='section-title'>邀请礼已放入您的卡包</Text>
              <CouponCard coupon={view.coupon} />
            </View>
          )}
          <View className='invite-landing__action'>
            <Button type='primary' block onClick={goToMemberTab}>
              查看会员卡
            </Button>
          </View>
        </View>
      )
    case 'ready': {
      const { landing } = view
      return (
        <View className='invite-landing safe-bottom'>
          <View className='invite-landing__hero'>
            <View className='invite-landing__inviter'>
              <Text className='invite-landing__inviter-name' data-testid='inviter-name'>
                {landing.inviter.name}
              </Text>
              <TierBadge tier={landing.inviter.tier} size='small' />
            </View>
            <Text className='invite-landing__title'>邀请您加入乐享会员</Text>
          </View>
          {landing.eligible ? (
            <>
              <View className='invite-landing__gift'>
                <Text className='section-title'>入会即得</Text>
                {landing.friendCoupon ? (
                  <CouponCard coupon={landing.friendCoupon} />
                ) : (
                  <Text className='invite-landing__plain-gift'>入会即送积分，消费再得积分</Text>
                )}
              </View>
              <View className='invite-landing__action'>
                <Button type='primary' block loading={joining} disabled={joining} onClick={() => void onJoin(landing)}>
                  加入会员
                </Button>
                <Text className='invite-landing__terms'>加入即表示您同意《会员服务协议》与《隐私政策》</Text>
              </View>
            </>
          ) : landing.member ? (
            <View className='invite-landing__action'>
              <Text className='invite-landing__ineligible'>您已是会员，无法领取邀请礼</Text>
              <Button type='primary' block onClick={goToMemberTab}>
                去会员中心
              </Button>
            </View>
          ) : (
            // Invited by someone else first (or their own code): joining is still open, the gift is not.
            <View className='invite-landing__action'>
              <Text className='invite-landing__ineligible'>{landing.reason ?? '无法领取本次邀请礼'}，仍可直接加入会员</Text>
              <Button type='primary' block loading={joining} disabled={joining} onClick={() => void onJoin(landing)}>
                加入会员
              </Button>
            </View>
          )}
        </View>
      )
    }
  }
}
