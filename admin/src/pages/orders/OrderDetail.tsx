import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { useQuery } from '@tanstack/react-query'
import { Button, Card, Col, Descriptions, Row, Space, Table, Tag, Timeline, Typography } from 'antd'
import { ArrowLeftOutlined, SendOutlined } from '@ant-design/icons'
import type { Order, Refund } from '../../../../types'
import type { AdminOrderDetail } from '../../../../types/order-admin'
import { api, ApiError } from '../../api/client'
import { PageHeader } from '../../components/PageHeader'
import { EmptyState, ErrorState, PageLoading } from '../../components/states'
import { formatDateTime, formatMoney, formatPoints } from '../../lib/format'
import { useCan } from '../../session'
import { AftersaleCard } from '../aftersales/AftersaleCard'
import { OrderStatusTag, ShipModal, type ShipTarget } from './ShipModal'

const eventNames: Record<AdminOrderDetail['events'][number]['kind'], string> = {
  created: '下单',
  paid: '付款',
  shipped: '发货',
  completed: '确认收货',
  cancelled: '取消',
  refunded: '全部退款'
}

const refundStatus: Record<Refund['status'], { label: string; color: string }> = {
  processing: { label: '退款中', color: 'processing' },
  succeeded: { label: '已到账', color: 'green' },
  failed: { label: '失败', color: 'red' }
}

type Item = Order['items'][number]

function Amounts({ order }: { order: Order }) {
  const line = (label: string, value: string, strong = false) => (
    <div style={{ display: 'flex', justifyContent: 'space-between', gap: 24 }}>
      <Typography.Text type={strong ? undefined : 'secondary'}>{label}</Typography.Text>
      <Typography.Text strong={strong} style={strong ? { fontSize: 16 } : undefined}>
        {value}
      </Typography.Text>
    </div>
  )
  return (
    <div style={{ maxWidth: 320, marginLeft: 'auto', marginTop: 12, display: 'grid', gap: 4 }} data-testid="order-amounts">
      {line('商品金额', formatMoney(order.goodsAmount))}
      {line(`优惠券${order.couponName ? `（${order.couponName}）` : ''}`, order.couponDiscount ? `-${formatMoney(order.couponDiscount)}` : '未使用')}
      {line(`积分抵扣${order.pointsUsed ? `（${formatPoints(order.pointsUsed)}）` : ''}`, order.deductionFen ? `-${formatMoney(order.deductionFen)}` : '未使用')}
      {line('实付', formatMoney(order.payAmount), true)}
      {order.paidAt && line('获得积分', formatPoints(order.pointsEarned))}
    </div>
  )
}

export default function OrderDetailPage() {
  const { orderNo = '' } = useParams()
  const navigate = useNavigate()
  const can = useCan()
  const [shipping, setShipping] = useState<ShipTarget | null>(null)
  const valid = /^[0-9]{8,24}$/.test(orderNo)
  const query = useQuery({ queryKey: ['admin-order', orderNo], queryFn: () => api('GET /api/admin/orders/:orderNo', { params: { orderNo } }), enabled: valid })

  if (!valid) return <EmptyState description="订单号格式不对" action={<Link to="/orders">回到订单列表</Link>} />
  if (query.isPending) return <PageLoading rows={12} />
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.code === 'ORDER_NOT_FOUND') {
      return <EmptyState description={`没有订单号为 ${orderNo} 的订单，或者不在您负责的门店`} action={<Link to="/orders">回到订单列表</Link>} />
    }
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  }

  const detail = query.data
  const { order } = detail
  const items = order.items.map((i) => `${i.productName} ×${i.quantity}`).join('，')

  return (
    <>
      <PageHeader
        title={`订单 ${order.orderNo}`}
        sub={<OrderStatusTag status={order.status} />}
        extra={
          <Space wrap>
            <Button icon={<ArrowLeftOutlined />} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/orders'))}>
              返回
            </Button>
            {order.status === 'paid' && can('orders:write') && (
              <Button
                type="primary"
                icon={<SendOutlined />}
                onClick={() => setShipping({ orderNo: order.orderNo, consignee: `${order.address.name} ${order.address.phone}`, items })}
              >
                发货
              </Button>
            )}
          </Space>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card title="订单信息" style={{ marginBottom: 16 }} data-testid="order-summary">
            <Descriptions column={{ xs: 1, md: 2 }} size="small">
              <Descriptions.Item label="状态">
                <OrderStatusTag status={order.status} />
              </Descriptions.Item>
              <Descriptions.Item label="会员">
                {can('members:read') ? <Link to={`/members/${detail.memberNo}`}>{detail.memberNo}</Link> : detail.memberNo}
                {detail.nickname && <Typography.Text type="secondary">（{detail.nickname}）</Typography.Text>}
              </Descriptions.Item>
              <Descriptions.Item label="入会门店">{detail.store ? `${detail.store.name}（${detail.store.code}）` : '线上'}</Descriptions.Item>
              <Descriptions.Item label="下单时间">{formatDateTime(order.createdAt, true)}</Descriptions.Item>
              <Descriptions.Item label="付款时间">{order.paidAt ? formatDateTime(order.paidAt, true) : order.status === 'pending_payment' ? `未付款，${formatDateTime(order.expiresAt)} 自动关闭` : '—'}</Descriptions.Item>
              <Descriptions.Item label="收货人">
                {order.address.name} {order.address.phone}
              </Descriptions.Item>
              <Descriptions.Item label="收货地址" span={2}>
                {order.address.region} {order.address.detail}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title="商品" style={{ marginBottom: 16 }}>
            <Table<Item>
              rowKey="skuId"
              size="small"
              pagination={false}
              dataSource={order.items}
              columns={[
                { title: '商品', dataIndex: 'productName' },
                { title: '规格', dataIndex: 'specText' },
                { title: '单价', dataIndex: 'price', align: 'right', render: (v: number) => formatMoney(v) },
                { title: '数量', dataIndex: 'quantity', align: 'right' },
                { title: '已退', dataIndex: 'refundedQuantity', align: 'right', render: (v: number) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : '—') },
                { title: '小计', key: 'total', align: 'right', render: (_, row) => formatMoney(row.price * row.quantity) }
              ]}
            />
            <Amounts order={order} />
          </Card>
          <Card title={`退款${order.refunds.length ? ` (${order.refunds.length})` : ''}`} style={{ marginBottom: 16 }}>
            {order.refunds.length === 0 ? (
              <Typography.Text type="secondary">没有退款</Typography.Text>
            ) : (
            <Table<Refund>
              rowKey="refundNo"
              size="small"
              pagination={false}
              dataSource={order.refunds}
              columns={[
                { title: '退款单号', dataIndex: 'refundNo' },
                { title: '时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
                {
                  title: '商品',
                  dataIndex: 'items',
                  render: (lines: Refund['items']) =>
                    lines.map((l) => `${order.items.find((i) => i.skuId === l.skuId)?.productName ?? l.skuId} ×${l.quantity}`).join('，')
                },
                { title: '金额', dataIndex: 'amount', align: 'right', render: (v: number) => formatMoney(v) },
                { title: '退回积分', dataIndex: 'pointsBack', align: 'right', render: (v: number) => (v ? formatPoints(v) : '—') },
                { title: '扣回积分', dataIndex: 'earnedBack', align: 'right', render: (v: number) => (v ? formatPoints(v) : '—') },
                { title: '原因', dataIndex: 'reason' },
                { title: '状态', dataIndex: 'status', render: (v: Refund['status']) => <Tag color={refundStatus[v].color}>{refundStatus[v].label}</Tag> }
              ]}
            />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title="物流" style={{ marginBottom: 16 }} data-testid="order-shipping">
            {order.shipping ? (
              <Descriptions column={1} size="small">
                <Descriptions.Item label="快递公司">{order.shipping.carrier}</Descriptions.Item>
                <Descriptions.Item label="运单号">
                  <Typography.Text copyable>{order.shipping.trackingNo}</Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label="发货时间">{formatDateTime(order.shipping.shippedAt)}</Descriptions.Item>
              </Descriptions>
            ) : (
              <Typography.Text type="secondary">{order.status === 'paid' ? '待发货' : '未发货'}</Typography.Text>
            )}
          </Card>
          <Card title="订单进度" style={{ marginBottom: 16 }}>
            <Timeline
              style={{ marginBottom: -16 }}
              items={detail.events.map((event) => ({
                color: event.kind === 'cancelled' || event.kind === 'refunded' ? 'gray' : 'green',
                children: (
                  <div>
                    <Typography.Text strong>{eventNames[event.kind]}</Typography.Text>
                    <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                      {formatDateTime(event.at)}
                    </Typography.Text>
                    {event.note && <div>{event.note}</div>}
                  </div>
                )
              }))}
            />
          </Card>
        </Col>
      </Row>
      <Card title={`售后${detail.aftersales.length ? ` (${detail.aftersales.length})` : ''}`}>
        {detail.aftersales.length === 0 ? (
          <Typography.Text type="secondary">这个订单没有售后申请</Typography.Text>
        ) : (
          detail.aftersales.map((aftersale) => <AftersaleCard key={aftersale.aftersaleNo} aftersale={aftersale} showOrder={false} />)
        )}
      </Card>
      <ShipModal target={shipping} onClose={() => setShipping(null)} />
    </>
  )
}
