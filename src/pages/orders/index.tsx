import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom, useRouter } from '@tarojs/taro'
import { useCallback, useState } from 'react'
import type { Order } from '../../../types'
import { api } from '../../api'
import { ErrorState, GoShoppingState, LoadingSkeleton } from '../../components/page-state'
import { messageOf } from '../../stores/member'
import { usePagedList } from '../../utils/use-paged-list'
import { usePullDownReload } from '../../utils/use-pull-down-reload'
import { confirmRefund, confirmStep, submitRefund, takeStep } from './actions'
import { OrderCard, type OrderAction } from './order-card'
import { RefundPopup, type RefundRequest } from './refund-popup'
import { belongsTo, tabFromParam, TABS, type OrdersTab } from './text'
import './index.scss'

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
    if (action === 'open') {
      void Taro.navigateTo({ url: `/pages/aftersale/order?orderNo=${order.orderNo}` })
      return
    }
    if (busy) return
    if (action === 'refund') {
      setRefunding(order)
      return
    }
    if (action === 'aftersale') {
      void Taro.navigateTo({ url: `/pages/aftersale/apply?orderNo=${order.orderNo}` })
      return
    }
    if (!(await confirmStep(order, action))) return
    await run(order, () => takeStep(order, action))
  }

  const onRefund = async (order: Order, request: RefundRequest) => {
    if (busy || !(await confirmRefund(order, request))) return
    await run(order, async () => {
      const updated = await submitRefund(order, request)
      setRefunding(null)
      return updated
    })
  }

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
      <RefundPopup order={refunding} submitting={refunding !== null && busy === refunding.orderNo} onClose={() => setRefunding(null)} onSubmit={onRefund} />
    </View>
  )
}
