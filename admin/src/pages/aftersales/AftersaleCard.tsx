import { useState } from 'react'
import { Link } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Radio, Space, Table, Tag, Timeline, Typography } from 'antd'
import type { Aftersale } from '../../../../types'
import { api, ApiError, errorMessage } from '../../api/client'
import { formatDateTime, formatMoney, formatPoints } from '../../lib/format'
import { useCan } from '../../session'

export const aftersaleStatusNames: Record<Aftersale['status'], string> = {
  pending: '待审核',
  rejected: '已拒绝',
  awaiting_return: '待退货',
  returned: '待收货确认',
  refunding: '退款中',
  refunded: '已退款',
  refund_failed: '退款失败',
  cancelled: '会员已撤销'
}

const statusColors: Record<Aftersale['status'], string> = {
  pending: 'orange',
  rejected: 'default',
  awaiting_return: 'blue',
  returned: 'purple',
  refunding: 'processing',
  refunded: 'green',
  refund_failed: 'red',
  cancelled: 'default'
}

export const aftersaleKindNames: Record<Aftersale['kind'], string> = { refund_only: '仅退款', return_refund: '退货退款' }

/** The timeline's step names, as the member's 售后 timeline words them but for an operator. */
const stepNames: Record<Aftersale['status'], string> = {
  pending: '提交申请',
  rejected: '拒绝申请',
  awaiting_return: '同意退货，等待会员寄回',
  returned: '会员已寄回',
  refunding: '开始退款',
  refunded: '退款成功',
  refund_failed: '退款失败',
  cancelled: '会员撤销申请'
}

const actorName = (actor: string) => (actor === 'member' ? '会员' : actor === 'system' ? '系统' : actor)

export function AftersaleStatusTag({ status }: { status: Aftersale['status'] }) {
  return <Tag color={statusColors[status]}>{aftersaleStatusNames[status]}</Tag>
}

export function AftersaleTimeline({ aftersale }: { aftersale: Aftersale }) {
  return (
    <Timeline
      style={{ marginTop: 8, marginBottom: -16 }}
      items={aftersale.timeline.map((event, index) => ({
        color: event.status === 'refunded' ? 'green' : event.status === 'rejected' || event.status === 'refund_failed' ? 'red' : index === aftersale.timeline.length - 1 ? 'blue' : 'gray',
        children: (
          <div>
            <Typography.Text strong>{stepNames[event.status]}</Typography.Text>
            <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
              {formatDateTime(event.at)} · {actorName(event.actor)}
            </Typography.Text>
            {event.note && <div>{event.note}</div>}
          </div>
        )
      }))}
    />
  )
}

type Dialog = 'approve' | 'reject' | 'receive' | null

/** Everything the queue needs to invalidate after a decision: the queue, the order, the order list. */
function useInvalidate(aftersale: Aftersale) {
  const client = useQueryClient()
  return () => {
    void client.invalidateQueries({ queryKey: ['aftersales'] })
    void client.invalidateQueries({ queryKey: ['admin-order', aftersale.orderNo] })
    void client.invalidateQueries({ queryKey: ['orders'] })
  }
}

/**
 * The decisions an operator takes on a request, each behind a confirmation: 同意, 拒绝 with the
 * reason the member reads, 确认收货 with whether the goods can be sold again. A refusal from the
 * server (another operator decided first: AFTERSALE_STATE_CHANGED) is shown and the view reloaded.
 */
function AftersaleActions({ aftersale }: { aftersale: Aftersale }) {
  const { message } = App.useApp()
  const invalidate = useInvalidate(aftersale)
  const [dialog, setDialog] = useState<Dialog>(null)
  const [rejectForm] = Form.useForm<{ reason: string }>()
  const [sellable, setSellable] = useState<boolean | null>(null)
  const params = { aftersaleNo: aftersale.aftersaleNo }

  const onError = (error: unknown) => {
    void message.error(errorMessage(error))
    if (error instanceof ApiError && (error.code === 'AFTERSALE_STATE_CHANGED' || error.code === 'AFTERSALE_NOT_FOUND')) {
      setDialog(null)
      invalidate()
    }
  }
  const done = (text: string) => {
    void message.success(text)
    setDialog(null)
    invalidate()
  }
  const approve = useMutation({
    mutationFn: () => api('POST /api/admin/aftersales/:aftersaleNo/approve', { params }),
    onSuccess: (result) => done(result.kind === 'refund_only' ? `已同意，${result.refund ? `${formatMoney(result.refund.amount)} ` : ''}退款已发起` : '已同意，等待会员寄回商品'),
    onError
  })
  const reject = useMutation({
    mutationFn: (reason: string) => api('POST /api/admin/aftersales/:aftersaleNo/reject', { params, body: { reason } }),
    onSuccess: () => done('已拒绝，会员会看到拒绝原因'),
    onError
  })
  const receive = useMutation({
    mutationFn: (goodsSellable: boolean) => api('POST /api/admin/aftersales/:aftersaleNo/receive', { params, body: { sellable: goodsSellable } }),
    onSuccess: (result, goodsSellable) => done(`已确认收货，${result.refund ? `${formatMoney(result.refund.amount)} ` : ''}退款已发起${goodsSellable ? '，商品已退回库存' : ''}`),
    onError
  })
  const busy = approve.isPending || reject.isPending || receive.isPending

  return (
    <>
      <Space>
        {aftersale.status === 'pending' && (
          <>
            <Button type="primary" disabled={busy} onClick={() => setDialog('approve')}>
              同意
            </Button>
            <Button danger disabled={busy} onClick={() => setDialog('reject')}>
              拒绝
            </Button>
          </>
        )}
        {aftersale.status === 'returned' && (
          <Button type="primary" disabled={busy} onClick={() => setDialog('receive')}>
            确认收货
          </Button>
        )}
      </Space>
      <Modal
        title={`同意售后申请 ${aftersale.aftersaleNo}？`}
        open={dialog === 'approve'}
        onCancel={() => setDialog(null)}
        okText="确认同意"
        confirmLoading={approve.isPending}
        onOk={() => approve.mutate()}
      >
        <Typography.Paragraph>
          {aftersale.kind === 'refund_only'
            ? '仅退款：同意后立即按这些商品的分摊金额原路退款，退回会员用掉的积分，扣回这些商品获得的积分。'
            : '退货退款：同意后会员填写退货物流；商品寄到、您确认收货后才退款。'}
        </Typography.Paragraph>
        <ItemsLine aftersale={aftersale} />
      </Modal>
      <Modal
        title={`拒绝售后申请 ${aftersale.aftersaleNo}`}
        open={dialog === 'reject'}
        onCancel={() => setDialog(null)}
        okText="确认拒绝"
        okButtonProps={{ danger: true }}
        confirmLoading={reject.isPending}
        destroyOnHidden
        onOk={() =>
          void rejectForm
            .validateFields()
            .then((values) => reject.mutate(values.reason.trim()))
            .catch(() => {})
        }
      >
        <ItemsLine aftersale={aftersale} />
        <Form form={rejectForm} layout="vertical" preserve={false} style={{ marginTop: 12 }}>
          <Form.Item
            label="拒绝原因"
            name="reason"
            rules={[{ required: true, whitespace: true, message: '请填写拒绝原因' }, { min: 2, max: 200, message: '原因 2–200 个字' }]}
            extra="会员会在售后进度中看到这段话；这些商品之后仍可再次申请"
          >
            <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：经核实商品无质量问题，请查看详情页说明" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={`确认收到退货 ${aftersale.aftersaleNo}？`}
        open={dialog === 'receive'}
        onCancel={() => setDialog(null)}
        afterOpenChange={(open) => open || setSellable(null)}
        okText="确认收货并退款"
        okButtonProps={{ disabled: sellable === null }}
        confirmLoading={receive.isPending}
        onOk={() => sellable !== null && receive.mutate(sellable)}
      >
        <Typography.Paragraph>
          退货物流：{aftersale.returnShipping ? `${aftersale.returnShipping.carrier} ${aftersale.returnShipping.trackingNo}` : '—'}
        </Typography.Paragraph>
        <ItemsLine aftersale={aftersale} />
        <Typography.Paragraph strong style={{ marginTop: 12, marginBottom: 8 }}>
          收到的商品还能再卖吗？
        </Typography.Paragraph>
        <Radio.Group value={sellable} onChange={(e) => setSellable(e.target.value as boolean)}>
          <Space direction="vertical">
            <Radio value={true}>可以二次销售：退回库存</Radio>
            <Radio value={false}>不能再卖（破损、缺件等）：不退回库存</Radio>
          </Space>
        </Radio.Group>
        <Alert type="info" showIcon style={{ marginTop: 12 }} message="确认后立即原路退款给会员，不能撤回" />
      </Modal>
    </>
  )
}

function ItemsLine({ aftersale }: { aftersale: Aftersale }) {
  return (
    <Typography.Text type="secondary">
      {aftersaleKindNames[aftersale.kind]} · {aftersale.items.map((i) => `${i.productName}（${i.specText}）×${i.quantity}`).join('，')}
    </Typography.Text>
  )
}

/** One 售后 request: items, reason, note, return shipping, refund and timeline, with the operator's actions. */
export function AftersaleCard({ aftersale, showOrder = true }: { aftersale: Aftersale; showOrder?: boolean }) {
  const can = useCan()
  const writable = can('orders:write')
  return (
    <Card
      size="small"
      data-testid="aftersale-card"
      title={
        <Space wrap>
          <Typography.Text strong>{aftersale.aftersaleNo}</Typography.Text>
          <Tag>{aftersaleKindNames[aftersale.kind]}</Tag>
          <AftersaleStatusTag status={aftersale.status} />
        </Space>
      }
      extra={writable ? <AftersaleActions aftersale={aftersale} /> : undefined}
      style={{ marginBottom: 12 }}
    >
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
        {showOrder && (
          <Descriptions.Item label="订单">
            <Link to={`/orders/${aftersale.orderNo}`}>{aftersale.orderNo}</Link>
          </Descriptions.Item>
        )}
        {showOrder && (
          <Descriptions.Item label="会员">
            {can('members:read') ? <Link to={`/members/${aftersale.memberNo}`}>{aftersale.memberNo}</Link> : aftersale.memberNo}
          </Descriptions.Item>
        )}
        <Descriptions.Item label="申请时间">{formatDateTime(aftersale.createdAt)}</Descriptions.Item>
        <Descriptions.Item label="原因">{aftersale.reason}</Descriptions.Item>
        <Descriptions.Item label="说明">{aftersale.note || <Typography.Text type="secondary">无</Typography.Text>}</Descriptions.Item>
        <Descriptions.Item label="退货物流">
          {aftersale.returnShipping ? `${aftersale.returnShipping.carrier} ${aftersale.returnShipping.trackingNo}` : aftersale.kind === 'return_refund' ? <Typography.Text type="secondary">会员尚未寄回</Typography.Text> : '无需退货'}
        </Descriptions.Item>
        {aftersale.decisionReason && <Descriptions.Item label="拒绝原因">{aftersale.decisionReason}</Descriptions.Item>}
        {aftersale.refund && (
          <Descriptions.Item label="退款">
            {formatMoney(aftersale.refund.amount)}
            {aftersale.refund.pointsBack > 0 && `，退回 ${formatPoints(aftersale.refund.pointsBack)}`}
            {aftersale.refund.earnedBack > 0 && `，扣回 ${formatPoints(aftersale.refund.earnedBack)}`}
            <Tag style={{ marginLeft: 8 }} color={aftersale.refund.status === 'succeeded' ? 'green' : aftersale.refund.status === 'failed' ? 'red' : 'processing'}>
              {aftersale.refund.status === 'succeeded' ? '已到账' : aftersale.refund.status === 'failed' ? '失败' : '处理中'}
            </Tag>
          </Descriptions.Item>
        )}
      </Descriptions>
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)', gap: 16 }}>
        <Table
          rowKey="skuId"
          size="small"
          pagination={false}
          dataSource={aftersale.items}
          columns={[
            { title: '商品', dataIndex: 'productName' },
            { title: '规格', dataIndex: 'specText' },
            { title: '数量', dataIndex: 'quantity', width: 70, align: 'right' }
          ]}
        />
        <div>
          <Typography.Text type="secondary">进度</Typography.Text>
          <AftersaleTimeline aftersale={aftersale} />
        </div>
      </div>
    </Card>
  )
}
