import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom, useRouter } from '@tarojs/taro'
import { useCallback, useState } from 'react'
import type { Order } from '../../../types'
import { api } from '../../api'
import { ErrorState, GoShoppingState, LoadingSkeleton } from '../../components/page-state'
import { messageOf } from '../../stores/member'
import { formatMoney } from '../../utils/format'
import { payOrder } from '../../utils/pay'
import { usePagedList } from '../../utils/use-paged-list'
import { usePullDownReload } from '../../utils/use-pull-down-reload'
import { OrderCard, type OrderAction } from './order-card'
import { RefundPopup, type RefundRequest } from './refund-popup'
import { belongsTo, tabFromParam, TABS, type OrdersTab } from './text'
import './index.scss'

// What the member does to an order: a retry after a lost answer is the same request (one refund, not two).
const cancelOrder = api.action('POST /api/orders/:orderNo/cancel')
const confirmReceipt = api.action('POST /api/orders/:orderNo/receive')
const requestRefund = api.action('POST /api/orders/:orderNo/refund')

const statusQuery = (tab: OrdersTab) => (tab === 'all' ? {} : { status: tab })

/** One tab's orders; an order an action changed is updated in place, or gone from a tab it no longer belongs to. */
function useOrderList(tab: OrdersTab) {
  const list = usePagedList(
    (cursor: number | null) => api('GET /api/orders', { query: cursor === null ? statusQuery(tab) : { ...statusQuery(tab), cursor } }),
    (order) => order.orderNo,
    [tab]
  )
  const { setItems } = list
  const replace = useCallback(
    (order: Order) =>
      setItems((orders) =>
        belongsTo(order, tab) ? orders.map((o) => (o.orderNo === order.orderNo ? order : o)) : orders.filter((o) => o.orderNo !== order.orderNo)
      ),
    [setItems, tab]
  )
  return { ...list, replace }
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
    if (list.loaded()) void list.reload({ keepShown: true })
  })
  usePullDownReload(list.reload)
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
        action === 'cancel' ? await cancelOrder(params) : await confirmReceipt(params)
      void Taro.showToast({ title: action === 'cancel' ? '订单已取消' : '已确认收货', icon: 'success' })
      return updated
    })
  }

  const submitRefund = (order: Order, request: RefundRequest) =>
    run(order, async () => {
      const updated = await requestRefund({ params: { orderNo: order.orderNo }, body: request })
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
      {list.phase === 'ready' && list.items.length === 0 && (
        <GoShoppingState title={tab === 'aftersale' ? '暂无售后订单' : '暂无订单'} description='去逛逛，挑几件喜欢的商品吧' />
      )}
      {list.phase === 'ready' && list.items.length > 0 && (
        <>
          {list.items.map((order) => (
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
