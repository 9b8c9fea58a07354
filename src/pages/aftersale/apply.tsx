import { Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import type { Aftersale, Order } from '../../../types'
import { api, ApiError } from '../../api'
import { EmptyState, QueryFallback } from '../../components/page-state'
import { messageOf } from '../../stores/member'
import { useMemberQuery } from '../../utils/use-member-query'
import { aftersaleWindowOpen, loadAftersaleRules, markWindowClosed } from '../orders/aftersale-window'
import { chosenItems, ItemPicker, type PickerLine } from '../orders/item-picker'
import { Section } from './parts'
import { availableQuantities, KIND_HINT, KIND_TEXT } from './text'
import './apply.scss'

/** Filing one request: a tap again after a lost answer gets the request made, not a second one. */
const fileAftersale = api.action('POST /api/orders/:orderNo/aftersales')

const ORDER_NO = /^[0-9]{8,24}$/
const NOTE_MAX = 200
const KINDS: Aftersale['kind'][] = ['refund_only', 'return_refund']

type Loaded = { found: false } | { found: true; order: Order; aftersales: Aftersale[]; windowDays: number; reasons: string[] }

async function loadForm(orderNo: string): Promise<Loaded> {
  if (!ORDER_NO.test(orderNo)) return { found: false }
  try {
    const [order, aftersales, rules] = await Promise.all([
      api('GET /api/orders/:orderNo', { params: { orderNo } }),
      api('GET /api/orders/:orderNo/aftersales', { params: { orderNo } }),
      loadAftersaleRules()
    ])
    return { found: true, order, aftersales: aftersales.items, windowDays: rules.windowDays, reasons: rules.reasons }
  } catch (error) {
    if (error instanceof ApiError && error.code === 'ORDER_NOT_FOUND') return { found: false }
    throw error
  }
}

const backToOrder = (orderNo: string) => () => {
  // Opened from 订单详情 the way back is a step back; from a list or a link, the order itself.
  const pages = Taro.getCurrentPages()
  if (pages.length > 1 && String(pages[pages.length - 2]?.route ?? '').includes('pages/aftersale/order')) void Taro.navigateBack()
  else void Taro.redirectTo({ url: `/pages/aftersale/order?orderNo=${orderNo}` })
}

export default function AftersaleApplyPage() {
  const { params } = useRouter()
  const orderNo = params.orderNo ?? ''
  const { view, load } = useMemberQuery(() => loadForm(orderNo), [orderNo])
  // The server said the window has closed since the page was opened.
  const [closed, setClosed] = useState(false)

  if (view.state !== 'ready') return <QueryFallback view={view} onRetry={() => void load()} notMember='加入会员后即可在商城下单，申请售后' />
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

  const { order, aftersales, windowDays, reasons } = view.data
  const back = (
    <Button type='primary' onClick={backToOrder(order.orderNo)}>
      返回订单详情
    </Button>
  )
  if (order.status === 'paid') {
    return <EmptyState title='订单尚未发货' description='未发货的订单请在订单详情中申请退款，退款将立即原路退回' action={back} />
  }
  if (order.status !== 'shipped' && order.status !== 'completed') {
    return <EmptyState title='该订单不能申请售后' description='已发货或已完成的订单可以申请售后' action={back} />
  }
  if (closed || !aftersaleWindowOpen(order, windowDays)) {
    return <EmptyState title='已超过售后期限' description={`确认收货后 ${windowDays} 天内可申请售后，如有问题请联系客服`} action={back} />
  }
  const available = availableQuantities(order, aftersales)
  const lines = order.items.filter((item) => available[item.skuId] > 0).map((item) => ({ item, max: available[item.skuId] }))
  if (lines.length === 0) {
    return <EmptyState title='暂无可申请售后的商品' description='商品已退款，或已在售后处理中' action={back} />
  }

  return (
    <AftersaleForm
      order={order}
      lines={lines}
      reasons={reasons}
      windowDays={windowDays}
      onClosed={() => {
        markWindowClosed(order.orderNo)
        setClosed(true)
      }}
      onStale={() => void load({ keepShown: true })}
    />
  )
}

interface FormProps {
  order: Order
  lines: PickerLine[]
  reasons: string[]
  windowDays: number
  /** The server refused: the window has closed. */
  onClosed: () => void
  /** The server refused the quantities: another request holds some of them now. */
  onStale: () => void
}

function AftersaleForm({ order, lines, reasons, windowDays, onClosed, onStale }: FormProps) {
  const [kind, setKind] = useState<Aftersale['kind'] | null>(null)
  const [picked, setPicked] = useState<Record<number, number>>(() => Object.fromEntries(lines.map(({ item, max }) => [item.skuId, max])))
  const [reason, setReason] = useState<string | null>(null)
  const [note, setNote] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)

  // After a reload fewer may be left than were picked: never more than is left.
  const quantities = Object.fromEntries(lines.map(({ item, max }) => [item.skuId, Math.min(picked[item.skuId] ?? 0, max)]))
  const { items } = chosenItems(lines, quantities)
  const count = items.reduce((sum, item) => sum + item.quantity, 0)
  const missing = !kind ? '请选择售后类型' : items.length === 0 ? '请选择商品' : !reason ? '请选择申请原因' : null

  const submit = async () => {
    if (submitting || missing || !kind || !reason) return
    const { confirm } = await Taro.showModal({
      title: '确认提交售后申请',
      content: `${KIND_TEXT[kind]} ${count} 件商品。${kind === 'return_refund' ? '商家同意后请寄回商品，商家收到后退款' : '商家同意后退款将原路退回'}`
    })
    if (!confirm) return
    setSubmitting(true)
    setFailure(null)
    try {
      const trimmed = note.trim()
      const filed = await fileAftersale({
        params: { orderNo: order.orderNo },
        body: { kind, items, reason, ...(trimmed ? { note: trimmed } : {}) }
      })
      void Taro.showToast({ title: '申请已提交', icon: 'success' })
      // Back from the request goes to the order, not to a form already sent.
      void Taro.redirectTo({ url: `/pages/aftersale/detail?orderNo=${order.orderNo}&aftersaleNo=${filed.aftersaleNo}` })
    } catch (error) {
      const message = messageOf(error)
      void Taro.showToast({ title: message, icon: 'none' })
      if (error instanceof ApiError && error.code === 'AFTERSALE_WINDOW_CLOSED') {
        onClosed()
        return
      }
      setFailure(message)
      if (error instanceof ApiError && error.code === 'REFUND_EXCEEDS_ORDER') onStale()
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <View className='as-page aftersale-apply'>
      {failure && (
        <View className='aftersale-apply__failure' data-testid='aftersale-failure'>
          <Text>{failure}</Text>
        </View>
      )}

      <Section title='售后类型'>
        {KINDS.map((k) => (
          <View
            key={k}
            className={`aftersale-option${kind === k ? ' aftersale-option--on' : ''}`}
            data-testid={`aftersale-kind-${k}`}
            aria-checked={kind === k}
            onClick={() => setKind(k)}
          >
            <View className='aftersale-option__text'>
              <Text className='aftersale-option__title'>{KIND_TEXT[k]}</Text>
              <Text className='aftersale-option__hint'>{KIND_HINT[k]}</Text>
            </View>
            <Text className='aftersale-option__radio'>{kind === k ? '✓' : ''}</Text>
          </View>
        ))}
      </Section>

      <Section title='选择商品' testId='aftersale-items'>
        <ItemPicker lines={lines} quantities={quantities} onChange={(skuId, quantity) => setPicked((q) => ({ ...q, [skuId]: quantity }))} />
      </Section>

      <Section title='申请原因' testId='aftersale-reasons'>
        {reasons.map((label) => (
          <View
            key={label}
            className={`aftersale-option aftersale-option--compact${label === reason ? ' aftersale-option--on' : ''}`}
            aria-checked={label === reason}
            onClick={() => setReason(label)}
          >
            <Text className='aftersale-option__title'>{label}</Text>
            <Text className='aftersale-option__radio'>{label === reason ? '✓' : ''}</Text>
          </View>
        ))}
      </Section>

      <Section title='补充说明（选填）'>
        <Textarea
          className='aftersale-apply__note'
          placeholder='请描述遇到的问题，便于商家尽快处理'
          maxlength={NOTE_MAX}
          value={note}
          onInput={(event) => setNote(event.detail.value)}
        />
        <Text className='aftersale-apply__count'>
          {note.length}/{NOTE_MAX}
        </Text>
      </Section>

      <Text className='aftersale-apply__rule'>
        确认收货后 {windowDays} 天内可申请售后。退款按商品分摊原路退回实付金额，已用积分同时退回，本单获得的积分相应扣回。
      </Text>

      <View className='as-actions'>
        <Button block type='primary' loading={submitting} disabled={submitting || missing !== null} onClick={() => void submit()}>
          {missing ?? '提交申请'}
        </Button>
      </View>
    </View>
  )
}
