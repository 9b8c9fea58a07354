import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useRef, useState } from 'react'
import type { Aftersale, Order } from '../../../types'
import { api, ApiError } from '../../api'
import { EmptyState, QueryFallback } from '../../components/page-state'
import { Timeline, type TimelineStep } from '../../components/timeline'
import { messageOf } from '../../stores/member'
import { formatDateTime, formatMoney, formatPoints } from '../../utils/format'
import { useMemberQuery } from '../../utils/use-member-query'
import { usePullDownReload } from '../../utils/use-pull-down-reload'
import { confirmRefund, confirmStep, submitRefund, takeStep, type OrderStep } from '../orders/actions'
import { aftersaleWindowOpen, loadAftersaleRules } from '../orders/aftersale-window'
import { RefundPopup, type RefundRequest } from '../orders/refund-popup'
import { canAskAftersale, canRefundNow, partlyRefunded, STATUS_TEXT } from '../orders/text'
import { addOrderToCart } from './rebuy'
import { ItemLine, Row, Section } from './parts'
import { anythingAvailable, eventText, actorText, KIND_TEXT, statusText } from './text'
import './order.scss'

const ORDER_NO = /^[0-9]{8,24}$/

type Loaded = { found: false } | { found: true; order: Order; aftersales: Aftersale[]; windowDays: number | null }

/** An order, its 售后 requests and the window: one load, so the actions shown agree with each other. */
async function loadOrder(orderNo: string): Promise<Loaded> {
  if (!ORDER_NO.test(orderNo)) return { found: false }
  try {
    const [order, aftersales, rules] = await Promise.all([
      api('GET /api/orders/:orderNo', { params: { orderNo } }),
      api('GET /api/orders/:orderNo/aftersales', { params: { orderNo } }),
      // Only the window's days come from here: without them the server's own check still holds.
      loadAftersaleRules().catch(() => null)
    ])
    return { found: true, order, aftersales: aftersales.items, windowDays: rules?.windowDays ?? null }
  } catch (error) {
    if (error instanceof ApiError && error.code === 'ORDER_NOT_FOUND') return { found: false }
    throw error
  }
}

function statusHint(order: Order): string {
  switch (order.status) {
    case 'pending_payment':
      return `请在 ${formatDateTime(order.expiresAt)} 前支付，超时订单将自动取消`
    case 'paid':
      return '商家正在备货，发货后可在这里查看物流'
    case 'shipped':
      return '商品已发出，收到后请确认收货'
    case 'completed':
      return partlyRefunded(order) ? '订单已完成，部分商品已退款' : '订单已完成，感谢您的购买'
    case 'cancelled':
      return '订单已取消，库存、优惠券和已用积分已退回'
    case 'refunded':
      return '订单已全部退款，实付金额已原路退回'
  }
}

const REFUND_STEP: Record<Order['refunds'][number]['status'], string> = {
  processing: '退款处理中',
  succeeded: '退款成功',
  failed: '退款失败'
}

/**
 * The order's steps, newest first. A step without a time (the contract's order has no receipt or
 * cancel time) sorts with the step before it.
 */
export function orderSteps(order: Order): TimelineStep[] {
  const steps: TimelineStep[] = [{ key: 'placed', title: '提交订单', at: order.createdAt }]
  if (order.paidAt) steps.push({ key: 'paid', title: '支付成功', detail: `实付 ${formatMoney(order.payAmount)}`, at: order.paidAt })
  if (order.shipping) {
    steps.push({ key: 'shipped', title: '商家已发货', detail: `${order.shipping.carrier} ${order.shipping.trackingNo}`, at: order.shipping.shippedAt })
  }
  const { completedAt } = order
  if (order.status === 'completed' || completedAt) steps.push({ key: 'received', title: '已确认收货', at: completedAt })
  for (const refund of order.refunds) {
    const points = refund.pointsBack > 0 ? `，退回 ${formatPoints(refund.pointsBack)}` : ''
    steps.push({ key: refund.refundNo, title: REFUND_STEP[refund.status], detail: `${formatMoney(refund.amount)}${points}`, at: refund.createdAt })
  }
  if (order.status === 'cancelled') steps.push({ key: 'cancelled', title: '订单已取消', at: null })

  let last = 0
  const timed = steps.map((step, index) => {
    if (step.at) last = new Date(step.at).getTime()
    return { step, time: last, index }
  })
  timed.sort((a, b) => b.time - a.time || b.index - a.index)
  return timed.map(({ step }) => step)
}

function aftersaleSteps(aftersale: Aftersale): TimelineStep[] {
  return aftersale.timeline
    .map((event, index) => ({
      key: `${index}`,
      title: eventText(aftersale, event.status),
      detail: event.note,
      at: event.at,
      actor: actorText(event.actor)
    }))
    .reverse()
}

type Busy = OrderStep | 'refund' | 'rebuy' | null

export default function OrderDetailPage() {
  const { params } = useRouter()
  const orderNo = params.orderNo ?? ''
  const { view, load, setData } = useMemberQuery(() => loadOrder(orderNo), [orderNo])
  const [busy, setBusy] = useState<Busy>(null)
  const [refunding, setRefunding] = useState(false)

  // Back from 申请售后 or a request's page, or from WeChat Pay: what they changed shows here.
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current) void load({ keepShown: true })
    shown.current = true
  })
  usePullDownReload(load)

  const showOrder = (order: Order) => setData((data) => (data.found ? { ...data, order } : data))

  const run = async (what: Exclude<Busy, null>, task: () => Promise<Order | null>) => {
    setBusy(what)
    try {
      const updated = await task()
      if (updated) {
        showOrder(updated)
        // A refund is a 售后 entry too: read them again, keeping the page on screen.
        void load({ keepShown: true })
      }
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setBusy(null)
    }
  }

  if (view.state !== 'ready') return <QueryFallback view={view} onRetry={() => void load()} notMember='加入会员后即可在商城下单，查看订单' />
  if (!view.data.found) {
    return (
      <EmptyState
        title='订单不存在'
        description='订单号有误，或这不是您的订单'
        action={
          <Button type='primary' onClick={() => Taro.redirectTo({ url: '/pages/orders/index' })}>
            查看我的订单
          </Button>
        }
      />
    )
  }

  const { order, aftersales, windowDays } = view.data
  const aftersaleAllowed = canAskAftersale(order) && anythingAvailable(order, aftersales)
  const windowOpen = aftersaleWindowOpen(order, windowDays)

  const onStep = async (step: OrderStep) => {
    if (busy || !(await confirmStep(order, step))) return
    await run(step, () => takeStep(order, step))
  }

  const onRefund = async (_: Order, request: RefundRequest) => {
    if (busy || !(await confirmRefund(order, request))) return
    await run('refund', async () => {
      const updated = await submitRefund(order, request)
      setRefunding(false)
      return updated
    })
  }

  const onRebuy = async () => {
    if (busy) return
    setBusy('rebuy')
    try {
      const { added, unavailable } = await addOrderToCart(order)
      if (added === 0) {
        void Taro.showToast({ title: '商品已售罄或下架', icon: 'none' })
        return
      }
      void Taro.showToast(
        unavailable.length > 0 ? { title: `${unavailable.length} 件商品已售罄或下架，其余已加入购物车`, icon: 'none' } : { title: '已加入购物车', icon: 'success' }
      )
      void Taro.switchTab({ url: '/pages/cart/index' })
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setBusy(null)
    }
  }

  const button = (label: string, what: Exclude<Busy, null>, onClick: () => void, primary = false) => (
    <Button key={what} type={primary ? 'primary' : 'default'} loading={busy === what} disabled={busy !== null} onClick={onClick}>
      {label}
    </Button>
  )
  const buttons = [
    order.status === 'pending_payment' && button('取消订单', 'cancel', () => void onStep('cancel')),
    canRefundNow(order) && button('申请退款', 'refund', () => setRefunding(true)),
    aftersaleAllowed && windowOpen && (
      <Button key='aftersale' disabled={busy !== null} onClick={() => void Taro.navigateTo({ url: `/pages/aftersale/apply?orderNo=${order.orderNo}` })}>
        申请售后
      </Button>
    ),
    order.status !== 'pending_payment' && button('再次购买', 'rebuy', () => void onRebuy(), order.status !== 'shipped'),
    order.status === 'pending_payment' && button('去支付', 'pay', () => void onStep('pay'), true),
    order.status === 'shipped' && button('确认收货', 'receive', () => void onStep('receive'), true)
  ].filter(Boolean)

  return (
    <View className='as-page order-detail'>
      <View className='as-status' data-testid='order-detail-status'>
        <Text className='as-status__text'>{STATUS_TEXT[order.status]}</Text>
        <Text className='as-status__hint'>{statusHint(order)}</Text>
      </View>

      <Section title='收货信息'>
        <Text className='order-detail__person'>
          {order.address.name} {order.address.phone}
        </Text>
        <Text className='order-detail__address'>
          {order.address.region} {order.address.detail}
        </Text>
      </Section>

      {order.shipping && (
        <Section title='物流信息' testId='order-detail-shipping'>
          <Row label='快递公司' value={order.shipping.carrier} />
          <Row label='运单号' value={order.shipping.trackingNo} copy={order.shipping.trackingNo} testId='order-detail-tracking' />
          <Row label='发货时间' value={formatDateTime(order.shipping.shippedAt)} />
        </Section>
      )}

      <Section title='商品' testId='order-detail-items'>
        {order.items.map((item) => (
          <ItemLine
            key={item.skuId}
            name={item.productName}
            spec={item.specText}
            price={item.price}
            quantity={item.quantity}
            note={item.refundedQuantity > 0 ? `已退 ${item.refundedQuantity} 件` : null}
          />
        ))}
        <View className='order-detail__amounts' data-testid='order-detail-amounts'>
          <Row label='商品金额' value={formatMoney(order.goodsAmount)} />
          {order.couponDiscount > 0 && <Row label={`优惠券${order.couponName ? ` ${order.couponName}` : ''}`} value={`-${formatMoney(order.couponDiscount)}`} />}
          {order.pointsUsed > 0 && <Row label={`积分抵扣 ${formatPoints(order.pointsUsed)}`} value={`-${formatMoney(order.deductionFen)}`} />}
          <Row label='实付' value={formatMoney(order.payAmount)} strong testId='order-detail-pay' />
          {order.pointsEarned > 0 && <Row label='获得积分' value={formatPoints(order.pointsEarned)} />}
        </View>
      </Section>

      {aftersales.length > 0 && (
        <Section title='售后记录' testId='order-detail-aftersales'>
          {aftersales.map((aftersale) => (
            <View key={aftersale.aftersaleNo} className='order-aftersale' data-testid={`aftersale-${aftersale.aftersaleNo}`}>
              <View
                className='order-aftersale__head'
                onClick={() => void Taro.navigateTo({ url: `/pages/aftersale/detail?orderNo=${order.orderNo}&aftersaleNo=${aftersale.aftersaleNo}` })}
              >
                <Text className='order-aftersale__kind'>{KIND_TEXT[aftersale.kind]}</Text>
                <Text className='order-aftersale__status' data-testid='aftersale-status'>
                  {statusText(aftersale)}
                </Text>
                <Text className='order-aftersale__more'>详情 ›</Text>
              </View>
              <Text className='order-aftersale__items'>{aftersale.items.map((item) => `${item.productName} · ${item.specText} × ${item.quantity}`).join('；')}</Text>
              <Timeline steps={aftersaleSteps(aftersale)} />
            </View>
          ))}
        </Section>
      )}

      <Section title='订单进度'>
        <Timeline steps={orderSteps(order)} testId='order-detail-timeline' />
      </Section>

      <Section title='订单信息'>
        <Row label='订单编号' value={order.orderNo} copy={order.orderNo} testId='order-detail-no' />
        <Row label='下单时间' value={formatDateTime(order.createdAt)} />
        {order.paidAt && <Row label='支付时间' value={formatDateTime(order.paidAt)} />}
      </Section>

      <View className='as-actions' data-testid='order-detail-actions'>
        {canAskAftersale(order) && !windowOpen && <Text className='as-actions__note'>已超过售后期限</Text>}
        {buttons}
      </View>

      <RefundPopup order={refunding ? order : null} submitting={busy === 'refund'} onClose={() => setRefunding(false)} onSubmit={onRefund} />
    </View>
  )
}
