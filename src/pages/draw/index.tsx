import { Text, View } from '@tarojs/components'
import Taro, { useRouter, useShareAppMessage } from '@tarojs/taro'
import { Button, Popup } from '@nutui/nutui-react-taro'
import { useEffect, useRef, useState } from 'react'
import type { DrawResult, Prize } from '../../../types'
import { api } from '../../api'
import { CouponCard } from '../../components/coupon-card'
import { ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { messageOf } from '../../stores/member'
import { formatDateTime, formatPoints } from '../../utils/format'
import { useMemberQuery } from '../../utils/use-member-query'
import { ClaimPopup } from './claim-popup'
import { PrizeIcon } from './prize-icon'
import { DEFAULT_TIMING, GRID_LAYOUT, nextCell, planStop } from './spin'
import './index.scss'

/** The seeded demo activity, for a page opened without ?code=. */
const DEFAULT_CODE = 'lucky-grid'
const MIN_ROUNDS = 2

/**
 * One draw per tap; a tap after a draw whose answer was lost retries that draw (same key), so the
 * member sees the prize it won instead of paying for a second draw. After an answer, a new draw.
 */
const drawOnce = api.action('POST /api/draw/activities/:code/draws')

export default function DrawPage() {
  const { params } = useRouter()
  const code = params.code || DEFAULT_CODE
  const { view, load, setData } = useMemberQuery(() => api('GET /api/draw/activities/:code', { params: { code } }), [code])
  const [highlight, setHighlight] = useState<number | null>(null)
  const [drawing, setDrawing] = useState(false)
  const [result, setResult] = useState<DrawResult | null>(null)
  const [claim, setClaim] = useState<{ drawNo: string; prizeName: string } | null>(null)
  const [rulesOpen, setRulesOpen] = useState(false)
  // The timers read and move the highlight between renders, so its position lives in a ref too.
  const cell = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout>>()
  const mounted = useRef(true)

  useEffect(
    () => () => {
      mounted.current = false
      clearTimeout(timer.current)
    },
    []
  )

  useShareAppMessage(() => ({ title: '一起来抽奖', path: `/pages/draw/index?code=${code}` }))

  if (view.state === 'loading') return <LoadingSkeleton rows={8} />
  if (view.state === 'error') return <ErrorState message={view.message} onRetry={() => void load()} />
  if (view.state === 'not-member') return <NotMemberState description='加入会员即可用积分参加抽奖，每天还有免费机会' />

  const activity = view.data
  const { me } = activity
  const prizeAt = new Map(activity.prizes.map((prize) => [prize.slot, prize]))
  const free = me.freeDrawsLeftToday > 0
  const blocked = me.blockedReason !== null

  const moveTo = (next: number) => {
    cell.current = next
    setHighlight(next)
  }

  // Round and round until the server has picked: the animation shows the wait, it picks nothing.
  const circle = () => {
    timer.current = setTimeout(() => {
      moveTo(nextCell(cell.current))
      circle()
    }, DEFAULT_TIMING.fastMs)
  }

  const stopOn = (target: number, landed: () => void) => {
    const steps = planStop(cell.current, target, MIN_ROUNDS)
    const play = (i: number) => {
      if (i === steps.length) return landed()
      timer.current = setTimeout(() => {
        moveTo(steps[i].cell)
        play(i + 1)
      }, steps[i].delayMs)
    }
    play(0)
  }

  const start = async () => {
    if (drawing || blocked) return
    // Disabled from the tap on, so a second tap cannot open a second confirmation.
    setDrawing(true)
    if (!free && activity.costPoints > 0) {
      const { confirm } = await Taro.showModal({ title: '确认抽奖', content: `消耗 ${formatPoints(activity.costPoints)}抽奖一次？` })
      if (!confirm) {
        setDrawing(false)
        return
      }
    }
    moveTo(cell.current)
    circle()
    let drawn: DrawResult
    try {
      drawn = await drawOnce({ params: { code } })
    } catch (error) {
      clearTimeout(timer.current)
      setHighlight(null)
      setDrawing(false)
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
      // A refusal (limit reached, not enough points) usually means the counts shown are stale.
      // The failure toast above is enough: a failed refresh keeps the counts shown.
      void load({ keepShown: true })
      return
    }
    clearTimeout(timer.current)
    if (!mounted.current) return
    stopOn(drawn.prize.slot, () => {
      setDrawing(false)
      setResult(drawn)
      // The draw's own answer is current; the refresh then brings what it does not carry (blockedReason).
      setData((shown) => ({
        ...shown,
        me: { ...shown.me, balance: drawn.balance, freeDrawsLeftToday: drawn.freeDrawsLeftToday, drawsLeftToday: drawn.drawsLeftToday }
      }))
      void load({ keepShown: true })
    })
  }

  return (
    <View className='draw-page safe-bottom'>
      <View className='draw-head'>
        <View className='draw-head__top'>
          <Text className='draw-head__name'>{activity.name}</Text>
          <Text className='draw-head__link' onClick={() => Taro.navigateTo({ url: '/pages/draw/prizes' })}>
            我的奖品 ›
          </Text>
        </View>
        <Text className='draw-head__window' data-testid='draw-window'>
          {formatDateTime(activity.startsAt)} – {formatDateTime(activity.endsAt)}
        </Text>
      </View>

      <View className='draw-stats'>
        <View className='draw-stats__item'>
          <Text className='draw-stats__value' data-testid='draw-balance'>
            {formatPoints(me.balance)}
          </Text>
          <Text className='draw-stats__label'>我的积分</Text>
        </View>
        <View className='draw-stats__item'>
          <Text className='draw-stats__value' data-testid='draw-free-left'>
            今日免费 {me.freeDrawsLeftToday} 次
          </Text>
          <Text className='draw-stats__label'>每天 {activity.freeDrawsPerDay} 次免费</Text>
        </View>
        <View className='draw-stats__item'>
          <Text className='draw-stats__value' data-testid='draw-left'>
            今日还可抽 {me.drawsLeftToday} 次
          </Text>
          <Text className='draw-stats__label'>每次 {formatPoints(activity.costPoints)}</Text>
        </View>
      </View>

      <View className='draw-grid' data-testid='draw-grid'>
        {GRID_LAYOUT.map((slot) =>
          slot === 'start' ? (
            <View
              key='start'
              className={`draw-start${blocked || drawing ? ' draw-start--off' : ''}`}
              role='button'
              data-testid='draw-start'
              aria-disabled={blocked || drawing}
              onClick={start}
            >
              <Text className='draw-start__title'>抽奖</Text>
              <Text className='draw-start__note'>{me.blockedReason ?? (free ? '免费抽奖' : `${formatPoints(activity.costPoints)}/次`)}</Text>
            </View>
          ) : (
            <PrizeCell key={slot} slot={slot} prize={prizeAt.get(slot)} on={highlight === slot} />
          )
        )}
      </View>

      <View className='draw-rules'>
        <View className='draw-rules__head' data-testid='draw-rules-toggle' onClick={() => setRulesOpen((open) => !open)}>
          <Text className='draw-rules__title'>活动规则</Text>
          <Text className='draw-rules__toggle'>{rulesOpen ? '收起' : '展开'}</Text>
        </View>
        {rulesOpen && (
          <View className='draw-rules__body' data-testid='draw-rules'>
            <Text className='draw-rules__text'>{activity.rules}</Text>
            {activity.totalLimit !== null && <Text className='draw-rules__text'>活动期间每人最多抽 {activity.totalLimit} 次</Text>}
          </View>
        )}
      </View>

      <Popup visible={result !== null} position='center' round closeable onClose={() => setResult(null)}>
        {result && (
          <DrawResultCard
            result={result}
            onClaim={() => {
              setResult(null)
              setClaim({ drawNo: result.drawNo, prizeName: result.prize.name })
            }}
            onClose={() => setResult(null)}
          />
        )}
      </Popup>
      <ClaimPopup claim={claim} onClose={() => setClaim(null)} onClaimed={() => setClaim(null)} />
    </View>
  )
}

function PrizeCell({ slot, prize, on }: { slot: number; prize: Prize | undefined; on: boolean }) {
  return (
    <View className={`draw-cell${on ? ' draw-cell--on' : ''}`} data-testid={`draw-cell-${slot}`} aria-current={on}>
      {prize && (
        <>
          <PrizeIcon kind={prize.kind} />
          <Text className='draw-cell__name'>{prize.name}</Text>
        </>
      )}
    </View>
  )
}

/** What the member won, and what to do next: nothing for points, look at the coupon, give an address for a gift. */
function DrawResultCard({ result, onClaim, onClose }: { result: DrawResult; onClaim: () => void; onClose: () => void }) {
  const { prize } = result
  return (
    <View className={`draw-result draw-result--${prize.kind}`} data-testid='draw-result'>
      <PrizeIcon kind={prize.kind} />
      {prize.kind === 'points' && (
        <>
          <Text className='draw-result__title'>获得 {formatPoints(prize.points ?? 0)}，已到账</Text>
          <Text className='draw-result__line'>当前积分 {formatPoints(result.balance)}</Text>
        </>
      )}
      {prize.kind === 'coupon' && (
        <>
          <Text className='draw-result__title'>优惠券已放入「我的优惠券」</Text>
          {prize.coupon && (
            <View className='draw-result__coupon'>
              <CouponCard coupon={prize.coupon} />
            </View>
          )}
        </>
      )}
      {prize.kind === 'physical' && (
        <>
          <Text className='draw-result__title'>恭喜获得 {prize.name}</Text>
          {result.claimDeadline && <Text className='draw-result__line'>请在 {formatDateTime(result.claimDeadline)} 前填写收货地址</Text>}
          <Text className='draw-result__line'>也可以稍后在「我的奖品」中领取</Text>
        </>
      )}
      {prize.kind === 'thanks' && <Text className='draw-result__title'>谢谢参与，再接再厉</Text>}
      <Text className='draw-result__cost'>{result.free ? '本次为免费抽奖' : `本次消耗 ${formatPoints(result.pointsSpent)}`}</Text>
      <View className='draw-result__actions'>
        {prize.kind === 'coupon' && (
          <Button
            type='primary'
            block
            onClick={() => {
              onClose()
              void Taro.navigateTo({ url: '/pages/coupons/index' })
            }}
          >
            查看我的优惠券
          </Button>
        )}
        {prize.kind === 'physical' && (
          <Button type='primary' block onClick={onClaim}>
            填写地址
          </Button>
        )}
        <Button className='draw-result__close' block onClick={onClose}>
          {prize.kind === 'physical' ? '稍后填写' : '知道了'}
        </Button>
      </View>
    </View>
  )
}
