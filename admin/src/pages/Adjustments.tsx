import { useState } from 'react'
import { Link } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd'
import type { PointsAdjustment } from '../../../types'
import { api, errorMessage } from '../api/client'
import { useFormError } from '../components/form-errors'
import { CursorPager, useCursorPages } from '../components/paging'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, ErrorState } from '../components/states'
import { formatDateTime, formatNumber, formatPointsDelta } from '../lib/format'
import { adjustmentStatusNames } from '../lib/labels'
import { useCan } from '../session'

const statusColor: Record<PointsAdjustment['status'], string> = { pending: 'orange', posted: 'green', rejected: 'default' }

function RejectModal({ adjustment, onClose }: { adjustment: PointsAdjustment | null; onClose: () => void }) {
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<{ reason: string }>()
  const showError = useFormError(form)
  const reject = useMutation({
    mutationFn: (vars: { id: string; reason: string }) => api('POST /api/admin/points/adjustments/:id/reject', { params: { id: vars.id }, body: { reason: vars.reason } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['adjustments'] })
      void message.success('已驳回，积分不会变动')
      onClose()
    },
    onError: showError
  })
  return (
    <Modal
      title={adjustment ? `驳回调整单 #${adjustment.id}` : ''}
      open={adjustment !== null}
      onCancel={onClose}
      okText="驳回"
      okButtonProps={{ danger: true }}
      confirmLoading={reject.isPending}
      destroyOnHidden
      onOk={() =>
        void form
          .validateFields()
          .then((values) => adjustment && reject.mutate({ id: adjustment.id, reason: values.reason.trim() }))
          .catch(() => {})
      }
    >
      {adjustment && (
        <Typography.Paragraph>
          会员 {adjustment.memberNo}，{formatPointsDelta(adjustment.points)} 积分，{adjustment.maker} 提交：{adjustment.reason}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item label="驳回原因" name="reason" rules={[{ required: true, whitespace: true, message: '请填写驳回原因' }, { min: 2, max: 200, message: '原因 2–200 个字' }]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="提交人会在操作日志中看到" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

function AdjustmentList({ status }: { status?: 'pending' }) {
  const can = useCan()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [memberNo, setMemberNo] = useState<string | undefined>()
  const [rejecting, setRejecting] = useState<PointsAdjustment | null>(null)
  const pages = useCursorPages(['adjustments', status ?? 'all', memberNo ?? null], (cursor) =>
    api('GET /api/admin/points/adjustments', { query: { status, memberNo, cursor, limit: 20 } })
  )
  const { query } = pages
  const approve = useMutation({
    mutationFn: (id: string) => api('POST /api/admin/points/adjustments/:id/approve', { params: { id } }),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: ['adjustments'] })
      void client.invalidateQueries({ queryKey: ['member', result.memberNo] })
      void message.success(`已批准，${formatPointsDelta(result.points)} 积分已入账${result.balanceAfter !== null ? `，会员余额 ${formatNumber(result.balanceAfter)} 积分` : ''}`)
    },
    onError: (error) => void message.error(errorMessage(error))
  })
  const approver = can('points:approve')

  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder="按会员号筛选"
          style={{ width: 220 }}
          maxLength={12}
          onSearch={(value) => {
            const v = value.trim()
            if (v && !/^[0-9]{1,12}$/.test(v)) return void message.warning('会员号是 1–12 位数字')
            setMemberNo(v || undefined)
          }}
        />
        {!approver && status === 'pending' && <Typography.Text type="secondary">您的角色只能查看，审批需要「审批大额积分调整」权限</Typography.Text>}
      </Space>
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <>
          <Table<PointsAdjustment>
            rowKey="id"
            size="middle"
            loading={query.isFetching}
            dataSource={query.data?.items ?? []}
            pagination={false}
            scroll={{ x: 1000 }}
            locale={{
              emptyText: query.isPending ? ' ' : <EmptyState description={status === 'pending' ? '没有待审批的调整，大额调整提交后会出现在这里' : '还没有人工积分调整'} />
            }}
            columns={[
              { title: '单号', dataIndex: 'id', width: 70 },
              { title: '会员', dataIndex: 'memberNo', width: 110, render: (v: string) => <Link to={`/members/${v}`}>{v}</Link> },
              {
                title: '积分',
                dataIndex: 'points',
                width: 100,
                align: 'right',
                render: (v: number) => <Typography.Text strong style={{ color: v > 0 ? '#389e0d' : '#cf1322' }}>{formatPointsDelta(v)}</Typography.Text>
              },
              { title: '原因', dataIndex: 'reason' },
              { title: '提交人', dataIndex: 'maker', width: 110 },
              { title: '提交时间', dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
              { title: '状态', dataIndex: 'status', width: 90, render: (v: PointsAdjustment['status']) => <Tag color={statusColor[v]}>{adjustmentStatusNames[v]}</Tag> },
              ...(status === 'pending'
                ? []
                : [
                    {
                      title: '审批',
                      key: 'decision',
                      render: (_: unknown, row: PointsAdjustment) =>
                        row.checker ? (
                          <span>
                            {row.checker} · {formatDateTime(row.decidedAt)}
                            {row.decisionReason && <div><Typography.Text type="secondary">{row.decisionReason}</Typography.Text></div>}
                          </span>
                        ) : (
                          '—'
                        )
                    }
                  ]),
              ...(approver
                ? [
                    {
                      title: '操作',
                      key: 'actions',
                      width: 150,
                      fixed: 'right' as const,
                      render: (_: unknown, row: PointsAdjustment) =>
                        row.status === 'pending' ? (
                          <Space>
                            <Popconfirm
                              title={`批准后 ${formatPointsDelta(row.points)} 积分立即入账`}
                              description={`会员 ${row.memberNo}：${row.reason}`}
                              okText="批准"
                              onConfirm={() => approve.mutateAsync(row.id).catch(() => {})}
                            >
                              <Button type="link" size="small" loading={approve.isPending && approve.variables === row.id}>
                                批准
                              </Button>
                            </Popconfirm>
                            <Button type="link" size="small" danger onClick={() => setRejecting(row)}>
                              驳回
                            </Button>
                          </Space>
                        ) : null
                    }
                  ]
                : [])
            ]}
          />
          <CursorPager pages={pages} />
        </>
      )}
      <RejectModal adjustment={rejecting} onClose={() => setRejecting(null)} />
    </>
  )
}

export default function AdjustmentsPage() {
  return (
    <>
      <PageHeader title="积分审批" sub="超过审批阈值的积分调整需要另一位运营批准后才入账；不能审批自己提交的调整" />
      <Card>
        <Tabs
          destroyOnHidden
          items={[
            { key: 'pending', label: '待审批', children: <AdjustmentList status="pending" /> },
            { key: 'all', label: '全部调整', children: <AdjustmentList /> }
          ]}
        />
      </Card>
    </>
  )
}
