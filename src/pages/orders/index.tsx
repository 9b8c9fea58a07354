import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Order } from '../../../types'
import { api } from '../../api'
import { ErrorState, GoShoppingState, LoadingSkeleton } from '../../components/page-state'
import { messageOf } from '../../stores/member'
import { formatMoney } from '../../utils/format'
import { payOrder } from '../../utils/pay'
import { OrderCard, type OrderAction } from './order-card'
import { RefundPopup, type RefundRequest } from './refund-popup'
import { belongsTo, tabFromParam, TABS, type OrdersTab } from './text'
import './index.scss'

interface ListState {
  /** The first page: loading (nothing to show yet), ready, or failed. */
  phase: 'loading' | 'ready' | 'error'
  orders: Order[]
  nextCursor: number | null
  /** The page after the last one shown. */
  more: 'idle' | 'loading' | 'error'
  error: string
}

const initialList: ListState = { phase: 'loading', orders: [], nextCursor: null, more: 'idle', error: '' }

const statusQuery = (tab: OrdersTab) => (tab === 'all' ? {} : { status: tab })

/**
 * One tab's orders, paged by cursor. Each first-page load is a new generation: a late answer for
 * another tab or an earlier refresh is dropped.
 */
function useOrderList(tab: OrdersTab) {
  const [list, setList] = useState<ListState>(initialList)
  // Read synchronously: reach-bottom can fire twice before a render.
  const run = useRef({ generation: 0, busy: false, loaded: false, cursor: null as number | null })

  /** With `keepItems` (pull-down, coming back) what is shown stays and a failure comes back as a message. */
  const reload = useCallback(
    async ({ keepItems = false }: { keepItems?: boolean } = {}): Promise<string | null> => {
      const r = run.current
      const generation = ++r.generation
      r.busy = true
      if (!keepItems || !r.loaded) {
        r.loaded = false
        r.cursor = null
        setList(initialList)
      }
      try {
        const page = await api('GET /api/orders', { query: statusQuery(tab) })
        if (generation !== r.generation) return null
        r.loaded = true
        r.cursor = page.nextCursor
        setList({ phase: 'ready', orders: page.items, nextCursor: page.nextCursor, more: 'idle', error: '' })
        return null
      } catch (error) {
        if (generation !== r.generation) return null
        const message = messageOf(error)
        if (!r.loaded) setList({ ...initialList, phase: 'error', error: message })
        return message
      } finally {
        if (generation === r.generation) r.busy = false
      }
    },
    [tab]
  )

  const loadMore = useCallback(async () => {
    const r = run.current
    if (r.busy || !r.loaded || r.cursor === null) return
    const generation = r.generation
    r.busy = true
    setList((s) => ({ ...s, more: 'loading' }))
    try {
      const page = await api('GET /api/orders', { query: { ...statusQuery(tab), cursor: r.cursor } })
      if (generation !== r.generation) return
      r.cursor = page.nextCursor
      setList((s) => {
        const seen = new Set(s.orders.map((order) => order.orderNo))
        return { ...s, orders: [...s.orders, ...page.items.filter((order) => !seen.has(order.orderNo))], nextCursor: page.nextCursor, more: 'idle' }
      })
    } catch {
      if (generation === r.generation) setList((s) => ({ ...s, more: 'error' }))
    } finally {
      if (generation === r.generation) r.busy = false
    }
  }, [tab])

  /** An order an action changed: updated in place, or gone from a tab it no longer belongs to. */
  const replace = useCallback(
    (order: Order) =>
      setList((s) => ({
        ...s,
        orders: belongsTo(order, tab) ? s.orders.map((o) => (o.orderNo === order.orderNo ? order : o)) : s.orders.filter((o) => o.orderNo !== order.orderNo)
      })),
    [tab]
  )

  useEffect(() => {
    void reload()
  }, [reload])

  return { ...list, loaded: () => run.current.loaded, reload, loadMore, replace }
}

const CONFIRM: Record<Exclude<OrderAction, 'refund'>, { title: string; content: (order: Order) => string }> = {
  pay: { title: '确认支付', content: (order) => `支付 ${formatMoney(order.payAmount)}` },
  cancel: { title: '取消订单', content: () => '取消后，商品库存、优惠券和已用积分将退回' },
  receive: { title: '确认收货', content: () => '请确认已收到全部商品，确认后订单完成' }
}

export default function OrdersPage() {
  const router = useRouter()
  const [tab, setTab] = useState<OrdersTab>(() => tabFromParam(router.params.status))
  const list = useOrderList(tab)
  const [busy, setBusy] = useState<string | null>(null)
  const [refunding, setRefunding] = useState<Order | null>(null)

  // Back from WeChat Pay or the background: orders may have moved on (shipped, closed unpaid).
  useDidShow(() => {
    if (list.loaded()) void list.reload({ keepItems: true })
  })
  usePullDownRefresh(async () => {
    try {
      const failure = await list.reload({ keepItems: true })
      if (failure) void Taro.showToast({ title: failure, icon: 'none' })
    } finally {
      Taro.stopPullDownRefresh()
    }
  })
  useReachBottom(() => {
    void list.loadMore()
  })

  const run = async (order: Order, task: () => Promise<Order | null>) => {
    setBusy(order.orderNo)
    try {
      const updated = await task()
      if (updated) list.replace(updated)
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' })
    } finally {
      setBusy(null)
    }
  }

  const onAction = async (order: Order, action: OrderAction) => {
    if (busy) return
    if (action === 'refund') {
      setRefunding(order)
      return
    }
    const { title, content } = CONFIRM[action]
    const { confirm } = await Taro.showModal({ title, content: content(order) })
    if (!confirm) return
    const params = { params: { orderNo: order.orderNo } }
    await run(order, async () => {
      if (action === 'pay') {
        const outcome = await payOrder(order.orderNo)
        return outcome.result === 'paid' || outcome.result === 'confirming' ? (outcome.order ?? null) : null
      }
      const updated =
        action === 'cancel' ? await api('POST /api/orders/:orderNo/cancel', params) : await api('POST /api/orders/:orderNo/receive', params)
      void Taro.showToast({ title: action === 'cancel' ? '订单已取消' : '已确认收货', icon: 'success' })
      return updated
    })
  }

  const submitRefund = (order: Order, request: RefundRequest) =>
    run(order, async () => {
      const updated = await api('POST /api/orders/:orderNo/refund', { params: { orderNo: order.orderNo }, body: request })
      setRefunding(null)
      void Taro.showToast({ title: '退款申请已提交', icon: 'success' })
      return updated
    })

  return (
    <View className='orders-page safe-bottom'>
      <View className='orders-tabs'>
        {TABS.map(({ key, label }) => (
          <Text
            key={key}
            className={`orders-tabs__tab${key === tab ? ' orders-tabs__tab--on' : ''}`}
            data-testid={`orders-tab-${key}`}
            aria-selected={key === tab}
            onClick={() => setTab(key)}
          >
            {label}
          </Text>
        ))}
      </View>
      {list.phase === 'loading' && <LoadingSkeleton rows={5} />}
      {list.phase === 'error' && <ErrorState message={list.error} onRetry={() => void list.reload()} />}
      {list.phase === 'ready' && list.orders.length === 0 && (
        <GoShoppingState title={tab === 'aftersale' ? '暂无售后订单' : '暂无订单'} description='去逛逛，挑几件喜欢的商品吧' />
      )}
      {list.phase === 'ready' && list.orders.length > 0 && (
        <>
          {list.orders.map((order) => (
            <OrderCard key={order.orderNo} order={order} busy={busy === order.orderNo} onAction={onAction} />
          ))}
          <View className='orders-page__foot'>
            {list.more === 'loading' && <Text>加载中…</Text>}
            {list.more === 'error' && (
              <Text className='orders-page__retry' onClick={() => void list.loadMore()}>
                加载失败，点击重试
              </Text>
            )}
            {list.more === 'idle' && <Text>{list.nextCursor === null ? '没有更多了' : '上拉加载更多'}</Text>}
          </View>
        </>
      )}
      <RefundPopup order={refunding} submitting={refunding !== null && busy === refunding.orderNo} onClose={() => setRefunding(null)} onSubmit={submitRefund} />
    </View>
  )
}
