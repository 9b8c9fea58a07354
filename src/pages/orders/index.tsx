import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useRef, useState } from 'react'
import type { Order } from '../../../types'
import { api } from '../../api'
import { ErrorState, GoShoppingState, LoadingSkeleton } from '../../components/page-state'
import { messageOf } from '../../stores/member'
import { formatDateTime, formatMoney, formatPoints } from '../../utils/format'
import './index.scss'

type Status = Order['status'] | undefined
const TABS: { status: Status; label: string }[] = [
  { status: undefined, label: '全部' },
  { status: 'pending_payment', label: '待付款' },
  { status: 'paid', label: '已支付' },
  { status: 'cancelled', label: '已取消' },
  { status: 'refunded', label: '已退款' }
]
const STATUS_TEXT: Record<Order['status'], string> = { pending_payment: '待付款', paid: '已支付', cancelled: '已取消', refunded: '已退款' }

type Action = 'pay' | 'cancel' | 'refund'
const ACTIONS: Record<Action, { title: string; content: (order: Order) => string; done: string }> = {
  pay: { title: '确认支付', content: (order) => `支付 ${formatMoney(order.payAmount)}`, done: '支付成功' },
  cancel: { title: '取消订单', content: () => '取消后库存和已用积分将退回', done: '订单已取消' },
  refund: { title: '申请退款', content: (order) => `退款 ${formatMoney(order.payAmount)}，本单获得的积分将扣回，使用的积分将退回`, done: '已退款' }
}

export default function OrdersPage() {
  const [status, setStatus] = useState<Status>(undefined)
  const [orders, setOrders] = useState<Order[]>([])
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading')
  const [error, setError] = useState('')
  const [nextCursor, setNextCursor] = useState<number | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const generation = useRef(0)

  const load = useCallback(async (which: Status, cursor?: number) => {
    const mine = cursor === undefined ? ++generation.current : generation.current
    if (cursor === undefined) setState('loading')
    try {
      const page = await api('GET /api/orders', { query: { status: which, cursor } })
      if (mine !== generation.current) return
      setOrders((current) => (cursor === undefined ? page.items : [...current, ...page.items]))
      setNextCursor(page.nextCursor)
      setState('ready')
    } catch (e) {
      if (mine !== generation.current) return
      if (cursor === undefined) {
        setError(messageOf(e))
        setState('error')
      } else void Taro.showToast({ title: messageOf(e), icon: 'none' })
    }
  }, [])

  useDidShow(() => void load(status))
  usePullDownRefresh(async () => {
    await load(status)
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => {
    if (state === 'ready' && nextCursor !== null) void load(status, nextCursor)
  })

  const act = async (order: Order, action: Action) => {
    const { title, content, done } = ACTIONS[action]
    const { confirm } = await Taro.showModal({ title, content: content(order) })
    if (!confirm) return
    setBusy(order.orderNo)
    try {
      const params = { params: { orderNo: order.orderNo } }
      if (action === 'pay') await api('POST /api/orders/:orderNo/pay', params)
      else if (action === 'cancel') await api('POST /api/orders/:orderNo/cancel', params)
      else await api('POST /api/orders/:orderNo/refund', params)
      await Taro.showToast({ title: done, icon: 'success' })
      await load(status)
    } catch (e) {
      await Taro.showToast({ title: messageOf(e), icon: 'none' })
    } finally {
      setBusy(null)
    }
  }

  return (
    <View className='orders-page safe-bottom'>
      <View className='orders-tabs'>
        {TABS.map((tab) => (
          <Text
            key={tab.label}
            className={`orders-tabs__tab${tab.status === status ? ' orders-tabs__tab--on' : ''}`}
            onClick={() => {
              setStatus(tab.status)
              void load(tab.status)
            }}
          >
            {tab.label}
          </Text>
        ))}
      </View>
      {state === 'loading' && <LoadingSkeleton rows={5} />}
      {state === 'error' && <ErrorState message={error} onRetry={() => void load(status)} />}
      {state === 'ready' && orders.length === 0 && (
        <GoShoppingState title='暂无订单' description='去逛逛，挑几件喜欢的商品吧' />
      )}
      {state === 'ready' &&
        orders.map((order) => (
          <View key={order.orderNo} className='order-card' data-testid={`order-${order.orderNo}`}>
            <View className='order-card__head'>
              <Text>{formatDateTime(order.createdAt)}</Text>
              <Text className={`order-card__status order-card__status--${order.status}`}>{STATUS_TEXT[order.status]}</Text>
            </View>
            {order.items.map((item) => (
              <Text key={item.skuId} className='order-card__item'>
                {item.productName} · {item.specText} × {item.quantity}
              </Text>
            ))}
            <Text className='order-card__total'>
              实付 {formatMoney(order.payAmount)}
              {order.pointsUsed > 0 ? `（${formatPoints(order.pointsUsed)}抵 ${formatMoney(order.deductionFen)}）` : ''}
            </Text>
            {order.status === 'paid' && (
              <View className='order-card__actions'>
                <Button size='small' disabled={busy === order.orderNo} onClick={() => act(order, 'refund')}>
                  申请退款
                </Button>
              </View>
            )}
            {order.status === 'pending_payment' && (
              <View className='order-card__actions'>
                <Button size='small' disabled={busy === order.orderNo} onClick={() => act(order, 'cancel')}>
                  取消订单
                </Button>
                <Button size='small' type='primary' disabled={busy === order.orderNo} onClick={() => act(order, 'pay')}>
                  去支付
                </Button>
              </View>
            )}
          </View>
        ))}
      {state === 'ready' && orders.length > 0 && <Text className='orders-page__foot'>{nextCursor === null ? '没有更多了' : '上拉加载更多'}</Text>}
    </View>
  )
}
