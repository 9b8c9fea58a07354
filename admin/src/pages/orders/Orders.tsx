import { useMemo, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { App, Badge, Button, Card, DatePicker, Form, Input, Select, Space, Typography } from 'antd'
import { DownloadOutlined, ReloadOutlined, SearchOutlined, SendOutlined } from '@ant-design/icons'
import dayjs, { type Dayjs } from 'dayjs'
import type { OrderStatus } from '../../../../types'
import type { AdminOrderRow, OrderFilters } from '../../../../types/order-admin'
import { api, errorMessage, saveFile } from '../../api/client'
import { CursorTable, useCursorPages } from '../../components/paging'
import { PageHeader } from '../../components/PageHeader'
import { formatDateTime, formatMoney, formatNumber, inShanghai, shanghaiDayEnd, shanghaiDayStart } from '../../lib/format'
import { orderStatusName } from '../../lib/labels'
import { useStoreOptions } from '../../lib/queries'
import { useCan } from '../../session'
import { BatchShipModal } from './BatchShipModal'
import { ORDER_STATUSES, OrderStatusTag, ShipModal, type ShipTarget } from './ShipModal'

const FILTER_KEYS = ['orderNo', 'memberNo', 'phone', 'status', 'storeCode', 'createdFrom', 'createdTo'] as const

interface FilterForm {
  orderNo?: string
  memberNo?: string
  phone?: string
  status?: OrderStatus
  storeCode?: string
  created?: [Dayjs, Dayjs] | null
}

/** Filters live in the address, so 返回 from an order's page finds the same list. */
function readFilters(params: URLSearchParams): OrderFilters {
  const filters: Record<string, string> = {}
  for (const key of FILTER_KEYS) {
    const value = params.get(key)
    if (value) filters[key] = value
  }
  return filters as OrderFilters
}

export const shipTargetOf = (row: Pick<AdminOrderRow, 'orderNo' | 'consignee' | 'itemsSummary'>): ShipTarget => ({
  orderNo: row.orderNo,
  consignee: `${row.consignee.name} ${row.consignee.phone}`,
  items: row.itemsSummary
})

export default function OrdersPage() {
  const navigate = useNavigate()
  const can = useCan()
  const { message } = App.useApp()
  const [params, setParams] = useSearchParams()
  const filters = useMemo(() => readFilters(params), [params])
  const [form] = Form.useForm<FilterForm>()
  const stores = useStoreOptions()
  const [exporting, setExporting] = useState(false)
  const [shipping, setShipping] = useState<ShipTarget | null>(null)
  const [batchOpen, setBatchOpen] = useState(false)
  const writable = can('orders:write')

  const pages = useCursorPages(['orders', filters], (cursor) => api('GET /api/admin/orders', { query: { ...filters, cursor, limit: 20 } }))
  const { query } = pages

  const apply = (values: FilterForm) => {
    const next = new URLSearchParams()
    if (values.orderNo?.trim()) next.set('orderNo', values.orderNo.trim())
    if (values.memberNo?.trim()) next.set('memberNo', values.memberNo.trim())
    if (values.phone?.trim()) next.set('phone', values.phone.trim())
    if (values.status) next.set('status', values.status)
    if (values.storeCode) next.set('storeCode', values.storeCode)
    if (values.created) {
      next.set('createdFrom', shanghaiDayStart(values.created[0]))
      next.set('createdTo', shanghaiDayEnd(values.created[1]))
    }
    setParams(next)
  }

  const reset = () => {
    form.resetFields()
    setParams(new URLSearchParams())
  }

  /** 待发货 at one click: the list an operator ships from. */
  const toShip = () => {
    form.setFieldsValue({ status: 'paid' })
    const next = new URLSearchParams(params)
    next.set('status', 'paid')
    setParams(next)
  }

  const exportCsv = async () => {
    setExporting(true)
    try {
      const file = await api('GET /api/admin/orders/export', { query: filters })
      const name = file.name && file.name !== 'export.csv' ? file.name : `订单-${dayjs().format('YYYYMMDD-HHmm')}.csv`
      saveFile(file, name)
      void message.success(query.data && query.data.total > 100_000 ? '已开始下载（最多导出最新的 100,000 单）' : '已开始下载')
    } catch (error) {
      void message.error(errorMessage(error))
    } finally {
      setExporting(false)
    }
  }

  const initialValues: FilterForm = {
    ...filters,
    created:
      filters.createdFrom && filters.createdTo
        ? [dayjs(inShanghai(filters.createdFrom).format('YYYY-MM-DD')), dayjs(inShanghai(filters.createdTo).format('YYYY-MM-DD'))]
        : null
  }
  const filtered = Object.keys(filters).length > 0
  const total = query.data ? `共 ${formatNumber(query.data.total)} 单` : undefined

  return (
    <>
      <PageHeader
        title="订单"
        extra={
          <Space wrap>
            {writable && (
              <Button icon={<SendOutlined />} onClick={() => setBatchOpen(true)}>
                批量发货
              </Button>
            )}
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportCsv()} disabled={query.data?.total === 0}>
              导出 CSV
            </Button>
          </Space>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Form form={form} layout="inline" initialValues={initialValues} onFinish={apply} style={{ rowGap: 12 }}>
          <Form.Item name="orderNo" label="订单号" rules={[{ pattern: /^\s*[0-9]{8,24}\s*$/, message: '订单号是 8–24 位数字' }]}>
            <Input allowClear placeholder="完整订单号" maxLength={24} style={{ width: 210 }} />
          </Form.Item>
          <Form.Item name="memberNo" label="会员号" rules={[{ pattern: /^\s*[0-9]{1,12}\s*$/, message: '会员号是 1–12 位数字' }]}>
            <Input allowClear placeholder="会员号" maxLength={12} style={{ width: 130 }} />
          </Form.Item>
          <Form.Item name="phone" label="手机号" rules={[{ pattern: /^\s*1[3-9][0-9]{9}\s*$/, message: '请输入 11 位收货手机号' }]}>
            <Input allowClear placeholder="收货手机号" maxLength={11} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="status" label="状态">
            <Select allowClear placeholder="全部状态" style={{ width: 120 }} options={ORDER_STATUSES.map((s) => ({ value: s, label: orderStatusName(s) }))} />
          </Form.Item>
          <Form.Item name="storeCode" label="门店">
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="全部门店"
              popupMatchSelectWidth={false}
              style={{ width: 180 }}
              loading={stores.isPending}
              options={stores.data?.map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
            />
          </Form.Item>
          <Form.Item name="created" label="下单日期">
            <DatePicker.RangePicker allowEmpty={[false, false]} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                查询
              </Button>
              <Button onClick={reset} icon={<ReloadOutlined />}>
                重置
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card
        title={total ?? '订单列表'}
        extra={
          writable && filters.status !== 'paid' ? (
            <Button type="link" onClick={toShip}>
              只看待发货
            </Button>
          ) : undefined
        }
      >
        <CursorTable<AdminOrderRow>
          pages={pages}
          rowKey="orderNo"
          onOpen={(row) => navigate(`/orders/${row.orderNo}`)}
          empty={{ filtered, none: '还没有订单。会员在小程序商城下单后会出现在这里', noMatch: '没有符合条件的订单，试试放宽筛选条件', clearFilters: reset }}
          summary={total ? `${total} · 每页 20 单` : undefined}
          columns={[
            {
              title: '订单',
              dataIndex: 'orderNo',
              width: 200,
              render: (v: string, row) => (
                <span>
                  <Typography.Link>{v}</Typography.Link>
                  <br />
                  <Typography.Text type="secondary">{formatDateTime(row.createdAt)}</Typography.Text>
                </span>
              )
            },
            {
              title: '会员 / 门店',
              dataIndex: 'memberNo',
              width: 170,
              render: (v: string, row) => (
                <span>
                  {can('members:read') ? (
                    <Link to={`/members/${v}`} onClick={(e) => e.stopPropagation()}>
                      {v}
                    </Link>
                  ) : (
                    v
                  )}
                  <br />
                  <Typography.Text type="secondary">{row.store?.name ?? '线上'}</Typography.Text>
                </span>
              )
            },
            { title: '商品', dataIndex: 'itemsSummary', ellipsis: { showTitle: true } },
            { title: '实付', dataIndex: 'payAmount', width: 100, align: 'right', render: (v: number) => formatMoney(v) },
            {
              title: '收货人',
              dataIndex: 'consignee',
              width: 130,
              render: (c: AdminOrderRow['consignee']) => (
                <span>
                  {c.name}
                  <br />
                  <Typography.Text type="secondary">{c.phone}</Typography.Text>
                </span>
              )
            },
            {
              title: '状态',
              dataIndex: 'status',
              width: 120,
              render: (v: OrderStatus, row) => (
                <Space size={4} direction="vertical">
                  <OrderStatusTag status={v} />
                  {row.openAftersales > 0 && <Badge status="warning" text={`售后 ${row.openAftersales}`} />}
                  {row.refundedAmount > 0 && <Typography.Text type="secondary" style={{ fontSize: 12 }}>已退 {formatMoney(row.refundedAmount)}</Typography.Text>}
                </Space>
              )
            },
            {
              title: '物流',
              dataIndex: 'shipping',
              width: 160,
              render: (v: AdminOrderRow['shipping']) =>
                v ? (
                  <span>
                    {v.carrier}
                    <br />
                    <Typography.Text type="secondary">{v.trackingNo}</Typography.Text>
                  </span>
                ) : (
                  '—'
                )
            },
            ...(writable
              ? [
                  {
                    title: '操作',
                    key: 'actions',
                    width: 80,
                    fixed: 'right' as const,
                    render: (_: unknown, row: AdminOrderRow) =>
                      row.status === 'paid' ? (
                        <Button
                          type="link"
                          size="small"
                          onClick={(e) => {
                            e.stopPropagation()
                            setShipping(shipTargetOf(row))
                          }}
                        >
                          发货
                        </Button>
                      ) : null
                  }
                ]
              : [])
          ]}
        />
      </Card>
      <ShipModal target={shipping} onClose={() => setShipping(null)} />
      <BatchShipModal open={batchOpen} onClose={() => setBatchOpen(false)} />
    </>
  )
}
