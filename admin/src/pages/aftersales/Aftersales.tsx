import { useState } from 'react'
import { useSearchParams } from 'react-router'
import { App, Card, Input, Skeleton, Space, Tabs, Typography } from 'antd'
import type { Aftersale } from '../../../../types'
import { api } from '../../api/client'
import { CursorPager, useCursorPages } from '../../components/paging'
import { PageHeader } from '../../components/PageHeader'
import { EmptyState, ErrorState } from '../../components/states'
import { useCan } from '../../session'
import { AftersaleCard } from './AftersaleCard'

type Tab = 'pending' | 'awaiting_return' | 'returned' | 'all'

const tabs: { key: Tab; label: string; empty: string }[] = [
  { key: 'pending', label: '待审核', empty: '没有待审核的售后申请。会员发起的仅退款、退货退款会出现在这里' },
  { key: 'awaiting_return', label: '待退货', empty: '没有等待会员寄回的退货' },
  { key: 'returned', label: '待收货确认', empty: '没有待确认收货的退货。会员填写退货物流后会出现在这里' },
  { key: 'all', label: '全部', empty: '还没有售后申请' }
]

function Queue({ tab, orderNo }: { tab: Tab; orderNo?: string }) {
  const status: Aftersale['status'] | undefined = tab === 'all' ? undefined : tab
  const pages = useCursorPages(['aftersales', tab, orderNo ?? null], (cursor) => api('GET /api/admin/aftersales', { query: { status, orderNo, cursor, limit: 20 } }))
  const { query } = pages
  if (query.isPending) return <Skeleton active paragraph={{ rows: 8 }} />
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  const items = query.data.items
  return (
    <div style={{ opacity: query.isFetching && query.isPlaceholderData ? 0.6 : 1 }}>
      {items.length === 0 ? (
        <EmptyState description={orderNo ? `订单 ${orderNo} 没有${tab === 'all' ? '' : `“${tabs.find((t) => t.key === tab)!.label}”的`}售后申请` : tabs.find((t) => t.key === tab)!.empty} />
      ) : (
        items.map((aftersale) => <AftersaleCard key={aftersale.aftersaleNo} aftersale={aftersale} />)
      )}
      <CursorPager pages={pages} />
    </div>
  )
}

export default function AftersalesPage() {
  const { message } = App.useApp()
  const can = useCan()
  const [params, setParams] = useSearchParams()
  const tab = (tabs.some((t) => t.key === params.get('tab')) ? params.get('tab') : 'pending') as Tab
  const [orderNo, setOrderNo] = useState<string | undefined>(params.get('orderNo') ?? undefined)

  const update = (next: { tab?: Tab; orderNo?: string | null }) => {
    const search = new URLSearchParams(params)
    if (next.tab) search.set('tab', next.tab)
    if (next.orderNo !== undefined) {
      if (next.orderNo) search.set('orderNo', next.orderNo)
      else search.delete('orderNo')
    }
    setParams(search, { replace: true })
  }

  return (
    <>
      <PageHeader
        title="售后"
        sub="发货后的仅退款、退货退款由运营审核；退货退款在确认收到退货后退款。未发货的仅退款已自动退款，只在“全部”中可见"
      />
      <Card>
        <Space style={{ marginBottom: 12 }} wrap>
          <Input.Search
            allowClear
            defaultValue={orderNo}
            placeholder="按订单号筛选"
            maxLength={24}
            style={{ width: 260 }}
            onSearch={(value) => {
              const v = value.trim()
              if (v && !/^[0-9]{8,24}$/.test(v)) return void message.warning('订单号是 8–24 位数字')
              setOrderNo(v || undefined)
              update({ orderNo: v || null })
            }}
          />
          {!can('orders:write') && <Typography.Text type="secondary">您的角色只能查看售后，审核需要「订单发货」权限</Typography.Text>}
        </Space>
        <Tabs
          activeKey={tab}
          onChange={(key) => update({ tab: key as Tab })}
          destroyOnHidden
          items={tabs.map((t) => ({ key: t.key, label: t.label, children: <Queue tab={t.key} orderNo={orderNo} /> }))}
        />
      </Card>
    </>
  )
}
