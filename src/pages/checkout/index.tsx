import { ScrollView, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Popup } from '@nutui/nutui-react-taro'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { Address, CheckoutPreview } from '../../../types'
import { api, ApiError } from '../../api'
import { addressComplete, AddressForm, emptyAddress } from '../../components/address-form'
import { CouponCard } from '../../components/coupon-card'
import { EmptyState, ErrorState, LoadingSkeleton, NotMemberState } from '../../components/page-state'
import { useCartStore, type CartLine } from '../../stores/cart'
import { messageOf } from '../../stores/member'
import { formatMoney, formatPoints } from '../../utils/format'
import { payOrder } from '../../utils/pay'
import { clampPoints, POINTS_STEP, stepPoints, type PointsBounds } from './points'
import './index.scss'

/** undefined: let the server choose the best coupon; null: none; an id: the member's pick. */
type CouponChoice = number | null | undefined

/** Errors a fresh preview can put right: the coupon or the points cap changed since the page priced the order. */
const REPRICE_AFTER = new Set(['COUPON_UNAVAILABLE', 'INSUFFICIENT_POINTS', 'POINTS_BELOW_MINIMUM', 'POINTS_OVER_LIMIT'])

/**
 * Placing an order: retried with the same lines, coupon, points and address (after a timeout, or
 * after leaving the page and coming back) it keeps its Idempotency-Key, so the server answers with
 * the order the lost attempt placed instead of placing a second one. Changed inputs are a new order.
 */
const placeOrder = api.action('POST /api/orders')

const boundsOf = (preview: CheckoutPreview): PointsBounds => ({ min: preview.points.minPoints, max: preview.points.maxPoints })

function couponRowText(preview: CheckoutPreview): string {
  const chosen = preview.coupons.find((c) => c.coupon.id === preview.couponId)
  if (chosen) return `-${formatMoney(preview.couponDiscount)} ${chosen.coupon.name}`
  return preview.coupons.some((c) => c.unusableReason === null) ? '不使用优惠券' : '无可用优惠券'
}

export default function CheckoutPage() {
  const cartLines = useCartStore((s) => s.lines)
  const removeLine = useCartStore((s) => s.remove)
  // Once the order is placed its lines leave the cart; the page keeps showing them while paying.
  const [placedLines, setPlacedLines] = useState<CartLine[] | null>(null)
  const selectedLines = useMemo(() => cartLines.filter((l) => l.selected), [cartLines])
  const lines = placedLines ?? selectedLines
  const items = useMemo(() => lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity })), [lines])

  const [address, setAddress] = useState<Address>(emptyAddress)
  const [preview, setPreview] = useState<CheckoutPreview | null>(null)
  const [loadError, setLoadError] = useState<{ notMember: boolean; message: string } | null>(null)
  const [couponChoice, setCouponChoice] = useState<CouponChoice>(undefined)
  const [points, setPoints] = useState(0)
  const [previewing, setPreviewing] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [pickerOpen, setPickerOpen] = useState(false)
  // Taps on the stepper can outrun the server: only the latest preview is shown.
  const generation = useRef(0)
  // What a failed re-pricing falls back to; read in the same tick, before a render.
  const shown = useRef<CheckoutPreview | null>(null)

  /**
   * Prices the order on the server. With `clamp` (another coupon) the cap may have moved, so the
   * preview is first asked without points and the choice is kept within the new cap.
   */
  const reprice = async (couponId: CouponChoice, wanted: number, clamp: boolean) => {
    const mine = ++generation.current
    setPreviewing(true)
    const ask = (pointsToUse: number) =>
      api('POST /api/orders/preview', {
        body: { items, ...(couponId !== undefined ? { couponId } : {}), ...(pointsToUse > 0 ? { pointsToUse } : {}) }
      })
    try {
      let next = await ask(clamp ? 0 : wanted)
      if (clamp) {
        const kept = clampPoints(wanted, boundsOf(next))
        if (kept > 0 && mine === generation.current) next = await ask(kept)
      }
      if (mine !== generation.current) return
      shown.current = next
      setPreview(next)
      setPoints(next.points.selected?.points ?? 0)
      setCouponChoice(couponId)
      setLoadError(null)
    } catch (error) {
      if (mine !== generation.current) return
      if (shown.current === null) {
        setLoadError({ notMember: error instanceof ApiError && error.code === 'NOT_A_MEMBER', message: messageOf(error) })
      } else {
        setPoints(shown.current.points.selected?.points ?? 0)
        void Taro.showToast({ title: messageOf(error), icon: 'none' })
      }
    } finally {
      if (mine === generation.current) setPreviewing(false)
    }
  }

  useEffect(() => {
    // Only a change of the lines prices the order afresh; choices reprice where they are made.
    if (items.length > 0) void reprice(undefined, 0, false)
  }, [items])

  useEffect(() => {
    // After the page has switched to the placed lines, so emptying the cart does not empty the page.
    for (const line of placedLines ?? []) removeLine(line.skuId)
  }, [placedLines])

  if (lines.length === 0) {
    return <EmptyState title='没有要结算的商品' description='在购物车里勾选商品后再来结算' />
  }
  if (preview === null) {
    if (loadError?.notMember) return <NotMemberState description='加入会员后即可下单，还能用积分抵扣' />
    if (loadError) {
      return (
        <ErrorState
          message={loadError.message}
          onRetry={() => {
            setLoadError(null)
            void reprice(couponChoice, 0, false)
          }}
        />
      )
    }
    return <LoadingSkeleton rows={8} />
  }

  const quote = preview.points
  const usedPoints = quote.selected?.points ?? 0
  const chosenCoupon = preview.coupons.find((c) => c.coupon.id === preview.couponId) ?? null

  const changePoints = (delta: number) => {
    const next = stepPoints(points, delta, boundsOf(preview))
    if (next === points) return
    setPoints(next)
    void reprice(couponChoice, next, false)
  }

  const chooseCoupon = (couponId: number | null) => {
    setPickerOpen(false)
    if (couponId === preview.couponId) {
      setCouponChoice(couponId)
      return
    }
    void reprice(couponId, points, true)
  }

  const submit = async () => {
    if (submitting || previewing) return
    if (!addressComplete(address)) {
      await Taro.showToast({ title: '请填写完整的收货信息', icon: 'none' })
      return
    }
    const spend = [
      chosenCoupon ? `，使用优惠券「${chosenCoupon.coupon.name}」` : '',
      usedPoints > 0 ? `，使用 ${formatPoints(usedPoints)}` : ''
    ].join('')
    const { confirm } = await Taro.showModal({ title: '确认支付', content: `支付 ${formatMoney(preview.payAmount)}${spend}` })
    if (!confirm) return
    setSubmitting(true)
    let orderNo: string
    try {
      const order = await placeOrder({
        body: {
          items,
          ...(preview.couponId !== null ? { couponId: preview.couponId } : {}),
          ...(usedPoints > 0 ? { pointsToUse: usedPoints } : {}),
          address
        }
      })
      orderNo = order.orderNo
    } catch (error) {
      setSubmitting(false)
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
      if (error instanceof ApiError && REPRICE_AFTER.has(error.code)) {
        // A coupon that has gone is no choice to keep: the server picks again.
        void reprice(error.code === 'COUPON_UNAVAILABLE' ? undefined : couponChoice, usedPoints, true)
      }
      return
    }
    setPlacedLines(lines)
    const outcome = await payOrder(orderNo)
    // An order left unpaid stays payable until it closes: 待付款 is where the member finds it.
    const paid = outcome.result === 'paid' || outcome.result === 'confirming'
    await Taro.redirectTo({ url: paid ? '/pages/orders/index' : '/pages/orders/index?status=pending_payment' })
  }

  return (
    <View className='checkout-page'>
      <View className='checkout-card'>
        <AddressForm value={address} onChange={setAddress} />
      </View>

      <View className='checkout-card'>
        {lines.map((line) => (
          <View key={line.skuId} className='checkout-line'>
            <Text className='checkout-line__name'>
              {line.name} · {line.specText}
            </Text>
            <Text>
              {formatMoney(line.price)} × {line.quantity}
            </Text>
          </View>
        ))}
        <View className='checkout-line'>
          <Text>商品金额</Text>
          <Text data-testid='checkout-goods'>{formatMoney(preview.goodsAmount)}</Text>
        </View>
        <View
          className={`checkout-line checkout-coupon${preview.coupons.length > 0 ? ' checkout-coupon--open' : ''}`}
          data-testid='checkout-coupon-row'
          onClick={() => preview.coupons.length > 0 && setPickerOpen(true)}
        >
          <Text>优惠券</Text>
          <Text className={`checkout-coupon__value${chosenCoupon ? ' checkout-coupon__value--on' : ''}`} data-testid='checkout-coupon'>
            {couponRowText(preview)}
          </Text>
        </View>
      </View>

      <View className='checkout-card checkout-points'>
        <View className='checkout-line'>
          <Text>积分抵扣</Text>
          <View className='checkout-points__stepper'>
            <Text className='checkout-points__button' data-testid='checkout-points-minus' onClick={() => changePoints(-POINTS_STEP)}>
              −
            </Text>
            <Text className='checkout-points__value' data-testid='checkout-points'>
              {points}
            </Text>
            <Text className='checkout-points__button' data-testid='checkout-points-plus' onClick={() => changePoints(POINTS_STEP)}>
              +
            </Text>
          </View>
        </View>
        <Text className='checkout-points__hint' data-testid='checkout-points-hint'>
          {quote.maxPoints === 0
            ? `本单不可使用积分（${formatPoints(quote.minPoints)}起用，当前 ${formatPoints(quote.balance)}）`
            : usedPoints > 0
              ? `使用 ${formatPoints(usedPoints)}抵 ${formatMoney(preview.deductionFen)}（本单最多 ${formatPoints(quote.maxPoints)}）`
              : `本单最多可用 ${formatPoints(quote.maxPoints)}，抵 ${formatMoney(quote.maxDeductionFen)}`}
        </Text>
      </View>

      <View className='checkout-bar safe-bottom'>
        <View className='checkout-bar__total'>
          <Text className='checkout-bar__pay' data-testid='checkout-pay'>
            实付 {formatMoney(preview.payAmount)}
          </Text>
          {preview.pointsToEarn > 0 && (
            <Text className='checkout-bar__earn' data-testid='checkout-earn'>
              本单可得 {formatPoints(preview.pointsToEarn)}
            </Text>
          )}
        </View>
        <Button type='primary' loading={submitting} disabled={submitting || previewing} onClick={submit}>
          提交订单
        </Button>
      </View>

      <Popup visible={pickerOpen} position='bottom' title='选择优惠券' closeable onClose={() => setPickerOpen(false)}>
        <ScrollView scrollY className='coupon-picker' data-testid='coupon-picker'>
          {preview.coupons.map(({ coupon, discount, unusableReason }) => (
            <CouponCard
              key={coupon.id}
              coupon={coupon}
              muted={unusableReason !== null}
              note={unusableReason ?? `本单可减 ${formatMoney(discount)}`}
              selected={coupon.id === preview.couponId}
              onClick={unusableReason === null ? () => chooseCoupon(coupon.id) : undefined}
            />
          ))}
          <View
            className={`coupon-picker__none${preview.couponId === null ? ' coupon-picker__none--on' : ''}`}
            aria-selected={preview.couponId === null}
            onClick={() => chooseCoupon(null)}
          >
            <Text>不使用优惠券</Text>
          </View>
        </ScrollView>
      </Popup>
    </View>
  )
}
