import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, AutoComplete, Form, Input, Modal, Tag, Typography } from 'antd'
import type { OrderStatus } from '../../../../types'
import { api } from '../../api/client'
import { useFormError } from '../../components/form-errors'
import { orderStatusName } from '../../lib/labels'

const statusColors: Record<OrderStatus, string> = {
  pending_payment: 'default',
  paid: 'orange',
  shipped: 'blue',
  completed: 'green',
  cancelled: 'default',
  refunded: 'red'
}

export function OrderStatusTag({ status }: { status: OrderStatus }) {
  return <Tag color={statusColors[status]}>{orderStatusName(status)}</Tag>
}

export const ORDER_STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunded']

/** The carriers most shipments go with; any other name may be typed. */
export const CARRIERS = ['顺丰速运', '京东物流', '中通快递', '圆通速递', '韵达快递', '申通快递', '极兔速递', 'EMS', '邮政快递包裹', '德邦快递']

export const TRACKING_NO_PATTERN = /^[A-Za-z0-9-]{4,40}$/

export interface ShipTarget {
  orderNo: string
  consignee: string
  items: string
}

interface ShipForm {
  carrier: string
  trackingNo: string
}

/** 发货 for one paid order: the carrier and tracking number, then a confirmation naming both. */
export function ShipModal({ target, onClose }: { target: ShipTarget | null; onClose: () => void }) {
  const { modal, message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<ShipForm>()
  const showError = useFormError(form)
  const ship = useMutation({
    mutationFn: (values: ShipForm & { orderNo: string }) =>
      api('POST /api/admin/orders/:orderNo/ship', { params: { orderNo: values.orderNo }, body: { carrier: values.carrier, trackingNo: values.trackingNo } })
  })

  const submit = async () => {
    if (!target) return
    const raw = await form.validateFields()
    const values = { carrier: raw.carrier.trim(), trackingNo: raw.trackingNo.trim() }
    modal.confirm({
      title: `确认发货订单 ${target.orderNo}？`,
      content: (
        <div>
          <div>
            {values.carrier} · 运单号 <Typography.Text strong>{values.trackingNo}</Typography.Text>
          </div>
          <div>
            收货人：{target.consignee}；{target.items}
          </div>
          <Typography.Text type="secondary">发货后会员会看到物流信息，订单变为“待收货”</Typography.Text>
        </div>
      ),
      okText: '确认发货',
      onOk: async () => {
        try {
          await ship.mutateAsync({ ...values, orderNo: target.orderNo })
          void client.invalidateQueries({ queryKey: ['orders'] })
          void client.invalidateQueries({ queryKey: ['admin-order', target.orderNo] })
          void message.success(`订单 ${target.orderNo} 已发货`)
          onClose()
        } catch (error) {
          showError(error)
        }
      }
    })
  }

  return (
    <Modal
      title={target ? `发货 · ${target.orderNo}` : '发货'}
      open={target !== null}
      onCancel={onClose}
      okText="发货"
      confirmLoading={ship.isPending}
      onOk={() => void submit().catch(() => {})}
      destroyOnHidden
    >
      {target && (
        <Typography.Paragraph type="secondary">
          收货人：{target.consignee}；{target.items}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" preserve={false} initialValues={{ carrier: CARRIERS[0] }}>
        <Form.Item label="快递公司" name="carrier" rules={[{ required: true, whitespace: true, message: '请选择或填写快递公司' }, { max: 20, message: '快递公司最多 20 个字' }]}>
          <AutoComplete options={CARRIERS.map((c) => ({ value: c }))} filterOption={(input, option) => String(option?.value ?? '').includes(input)} maxLength={20} />
        </Form.Item>
        <Form.Item
          label="运单号"
          name="trackingNo"
          rules={[
            { required: true, whitespace: true, message: '请填写运单号' },
            { pattern: TRACKING_NO_PATTERN, message: '运单号为 4–40 位字母、数字或 -' }
          ]}
        >
          <Input maxLength={40} placeholder="如 SF1234567890" autoComplete="off" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
