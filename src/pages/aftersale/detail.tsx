import { Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useRef, useState } from 'react'
import type { Aftersale } from '../../../types'
import { api, ApiError } from '../../api'
import { EmptyState, QueryFallback } from '../../components/page-state'
import { Timeline } from '../../components/timeline'
import { messageOf } from '../../stores/member'
import { formatDateTime, formatMoney, formatPoints } from '../../utils/format'
import { useMemberQuery } from '../../utils/use-member-query'
import { usePullDownReload } from '../../utils/use-pull-down-reload'
import { ItemLine, Row, Section } from './parts'
import { actorText, canCancel, CARRIERS, eventText, KIND_TEXT, statusHint, statusText, TRACKING_PATTERN, validCarrier } from './text'
import './detail.scss'

// The member's steps on a request: a retry after a lost answer is the same step, answered once.
const sendReturn = api.action('POST /api/aftersales/:aftersaleNo/return')
const withdraw = api.action('POST /api/aftersales/:aftersaleNo/cancel')

const ORDER_NO = /^[0-9]{8,24}$/
const AFTERSALE_NO = /^AS[0-9]{8,24}$/

type Loaded = { found: false } | { found: true; aftersale: Aftersale }

/** The contract reads a request through its order: the link carries both numbers. */
async function loadRequest(orderNo: string, aftersaleNo: string): Promise<Loaded> {
  if (!ORDER_NO.test(orderNo) || !AFTERSALE_NO.test(aftersaleNo)) return { found: false }
  try {
    const { items } = await api('GET /api/orders/:orderNo/aftersales', { params: { orderNo } })
    const aftersale = items.find((a) => a.aftersaleNo === aftersaleNo)
    return aftersale ? { found: true, aftersale } : { found: false }
  } catch (error) {
    if (error instanceof ApiError && error.code === 'ORDER_NOT_FOUND') return { found: false }
    throw error
  }
}

const toOrder = (orderNo: string) => () => {
  const pages = Taro.getCurrentPages()
  if (pages.length > 1 && String(pages[pages.length - 2]?.route ?? '').includes('pages/aftersale/order')) void Taro.navigateBack()
  else void Taro.navigateTo({ url: `/pages/aftersale/order?orderNo=${orderNo}` })
}

export default function AftersaleDetailPage() {
  const { params } = useRouter()
  const orderNo = params.orderNo ?? ''
  const aftersaleNo = params.aftersaleNo ?? ''
  const { view, load, setData } = useMemberQuery(() => loadRequest(orderNo, aftersaleNo), [orderNo, aftersaleNo])
  const [busy, setBusy] = useState<'return' | 'cancel' | null>(null)

  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current) void load({ keepShown: true })
    shown.current = true
  })
  usePullDownReload(load)

  if (view.state !== 'ready') return <QueryFallback view={view} onRetry={() => void load()} notMember='加入会员后即可在商城下单，申请售后' />
  if (!view.data.found) {
    return (
      <EmptyState
        title='售后申请不存在'
        description='链接有误，或这不是您的申请'
        action={
          <Button type='primary' onClick={() => Taro.redirectTo({ url: '/pages/orders/index?status=aftersale' })}>
            查看售后订单
          </Button>
        }
      />
    )
  }

  const { aftersale } = view.data
  const show = (updated: Aftersale) => setData(() => ({ found: true, aftersale: updated }))

  /** A step refused because the request moved on (the operator decided meanwhile): show where it is now. */
  const act = async (what: 'return' | 'cancel', task: () => Promise<Aftersale>, done: string) => {
    setBusy(what)
    try {
      show(await task())
      void Taro.showToast({ title: done, icon: 'success' })
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
      if (error instanceof ApiError && error.code === 'AFTERSALE_STATE_CHANGED') void load({ keepShown: true })
    } finally {
      setBusy(null)
    }
  }

  const onCancel = async () => {
    if (busy) return
    const { confirm } = await Taro.showModal({ title: '撤销售后申请', content: '撤销后本次申请关闭，售后期限内可重新申请' })
    if (!confirm) return
    await act('cancel', () => withdraw({ params: { aftersaleNo: aftersale.aftersaleNo } }), '已撤销申请')
  }

  const onReturn = async (tracking: { carrier: string; trackingNo: string }) => {
    if (busy) return
    const { confirm } = await Taro.showModal({ title: '请核对退货物流', content: `${tracking.carrier} ${tracking.trackingNo}，提交后不能修改` })
    if (!confirm) return
    await act('return', () => sendReturn({ params: { aftersaleNo: aftersale.aftersaleNo }, body: tracking }), '已提交退货物流')
  }

  const steps = aftersale.timeline
    .map((event, index) => ({ key: `${index}`, title: eventText(aftersale, event.status), detail: event.note, at: event.at, actor: actorText(event.actor) }))
    .reverse()

  return (
    <View className='as-page aftersale-detail'>
      <View className='as-status' data-testid='aftersale-status'>
        <Text className='as-status__text'>{statusText(aftersale)}</Text>
        <Text className='as-status__hint'>{statusHint(aftersale)}</Text>
      </View>

      {aftersale.status === 'awaiting_return' && <ReturnForm submitting={busy === 'return'} disabled={busy !== null} onSubmit={onReturn} />}

      {aftersale.returnShipping && (
        <Section title='退货物流' testId='aftersale-return-shipping'>
          <Row label='快递公司' value={aftersale.returnShipping.carrier} />
          <Row label='运单号' value={aftersale.returnShipping.trackingNo} copy={aftersale.returnShipping.trackingNo} />
        </Section>
      )}

      {aftersale.refund && (
        <Section title='退款信息' testId='aftersale-refund'>
          <Row label='退款金额' value={formatMoney(aftersale.refund.amount)} strong testId='aftersale-refund-amount' />
          {aftersale.refund.pointsBack > 0 && <Row label='退回积分' value={formatPoints(aftersale.refund.pointsBack)} />}
          {aftersale.refund.earnedBack > 0 && <Row label='扣回本单所得积分' value={formatPoints(aftersale.refund.earnedBack)} />}
          <Row label='退回方式' value='原路退回' />
        </Section>
      )}

      <Section title='售后商品'>
        {aftersale.items.map((item) => (
          <ItemLine key={item.skuId} name={item.productName} spec={item.specText} quantity={item.quantity} />
        ))}
      </Section>

      <Section title='申请信息'>
        <Row label='售后编号' value={aftersale.aftersaleNo} copy={aftersale.aftersaleNo} />
        <Row label='售后类型' value={KIND_TEXT[aftersale.kind]} />
        <Row label='申请原因' value={aftersale.reason} />
        {aftersale.note && <Row label='补充说明' value={aftersale.note} />}
        <Row label='申请时间' value={formatDateTime(aftersale.createdAt)} />
      </Section>

      <Section title='协商历史'>
        <Timeline steps={steps} testId='aftersale-timeline' />
      </Section>

      <View className='as-actions'>
        <Button disabled={busy !== null} onClick={toOrder(aftersale.orderNo)}>
          查看订单
        </Button>
        {canCancel(aftersale) && (
          <Button type='primary' fill='outline' loading={busy === 'cancel'} disabled={busy !== null} onClick={() => void onCancel()}>
            撤销申请
          </Button>
        )}
      </View>
    </View>
  )
}

interface ReturnFormProps {
  submitting: boolean
  disabled: boolean
  onSubmit: (tracking: { carrier: string; trackingNo: string }) => Promise<void>
}

/** 填写退货物流: the carrier (one tap for the common ones) and the waybill number, checked as the server checks them. */
function ReturnForm({ submitting, disabled, onSubmit }: ReturnFormProps) {
  const [carrier, setCarrier] = useState('')
  const [trackingNo, setTrackingNo] = useState('')
  const tracking = trackingNo.replace(/\s+/g, '')
  const trackingOk = TRACKING_PATTERN.test(tracking)
  const ready = validCarrier(carrier) && trackingOk

  const scan = async () => {
    try {
      const { result } = await Taro.scanCode({ scanType: ['barCode', 'qrCode'] })
      setTrackingNo(result)
    } catch {
      // Closed without a code: nothing to fill in.
    }
  }

  return (
    <Section title='填写退货物流' testId='return-form'>
      <Text className='return-form__hint'>请将商品寄回商家（退货地址请联系客服获取），寄出后填写运单号</Text>
      <View className='return-form__field'>
        <Text className='return-form__label'>快递公司</Text>
        <Input className='return-form__input' placeholder='请选择或填写快递公司' maxlength={20} value={carrier} onInput={(event) => setCarrier(event.detail.value)} />
      </View>
      <View className='return-form__carriers'>
        {CARRIERS.map((name) => (
          <Text key={name} className={`return-form__carrier${carrier === name ? ' return-form__carrier--on' : ''}`} aria-selected={carrier === name} onClick={() => setCarrier(name)}>
            {name}
          </Text>
        ))}
      </View>
      <View className='return-form__field return-form__field--last'>
        <Text className='return-form__label'>运单号</Text>
        <Input className='return-form__input' placeholder='请填写运单号' maxlength={40} value={trackingNo} onInput={(event) => setTrackingNo(event.detail.value)} />
        {process.env.TARO_ENV === 'weapp' && (
          <Text className='return-form__scan' onClick={() => void scan()}>
            扫码
          </Text>
        )}
      </View>
      {tracking !== '' && !trackingOk && (
        <Text className='return-form__error' data-testid='return-form-error'>
          运单号为 4-40 位字母、数字或短横线
        </Text>
      )}
      <Button block type='primary' loading={submitting} disabled={disabled || !ready} onClick={() => void onSubmit({ carrier: carrier.trim(), trackingNo: tracking })}>
        提交退货物流
      </Button>
    </Section>
  )
}
