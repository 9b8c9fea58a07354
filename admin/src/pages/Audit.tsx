import { useState } from 'react'
import { AutoComplete, Button, Card, DatePicker, Form, Input, Space } from 'antd'
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons'
import dayjs, { type Dayjs } from 'dayjs'
import { api } from '../api/client'
import { AuditTable } from '../components/AuditTable'
import { CursorPager, useCursorPages } from '../components/paging'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, ErrorState } from '../components/states'
import { shanghaiDayEnd, shanghaiDayStart } from '../lib/format'
import { actionName, targetTypes } from '../lib/labels'

interface Filters {
  actor?: string
  action?: string
  targetType?: string
  targetId?: string
  from?: string
  to?: string
}

interface FilterForm {
  actor?: string
  action?: string
  targetType?: string
  targetId?: string
  range?: [Dayjs, Dayjs] | null
}

const actionOptions = [
  'POST /api/admin/points/adjustments',
  'POST /api/admin/points/adjustments/:id/approve',
  'POST /api/admin/points/adjustments/:id/reject',
  'POST /api/admin/members/:memberNo/tier',
  'POST /api/admin/members/:memberNo/birthday',
  'POST /api/admin/members/:memberNo/tags',
  'PUT /api/admin/rules',
  'POST /api/admin/stores',
  'PATCH /api/admin/stores/:code',
  'POST /api/admin/tills',
  'POST /api/admin/tills/:id/rotate',
  'POST /api/admin/tills/:id/revoke',
  'POST /api/admin/accounts',
  'PATCH /api/admin/accounts/:id',
  'login'
].map((value) => ({ value, label: `${actionName(value) ?? value} · ${value}` }))

const clean = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined)

export default function AuditPage() {
  const [form] = Form.useForm<FilterForm>()
  const [filters, setFilters] = useState<Filters>({})
  const pages = useCursorPages(['audit', filters], (cursor) => api('GET /api/admin/audit', { query: { ...filters, cursor, limit: 20 } }))
  const { query } = pages
  const filtered = Object.values(filters).some(Boolean)

  const apply = (values: FilterForm) =>
    setFilters({
      actor: clean(values.actor),
      action: clean(values.action),
      targetType: clean(values.targetType),
      targetId: clean(values.targetId),
      from: values.range ? shanghaiDayStart(values.range[0]) : undefined,
      to: values.range ? shanghaiDayEnd(values.range[1]) : undefined
    })

  const reset = () => {
    form.resetFields()
    setFilters({})
  }

  return (
    <>
      <PageHeader title="操作日志" sub="每一次后台账号、收银终端和系统任务的写操作，与操作本身在同一事务中记录" />
      <Card style={{ marginBottom: 16 }}>
        <Form form={form} layout="inline" onFinish={apply} style={{ rowGap: 12 }}>
          <Form.Item name="actor" label="操作人">
            <Input allowClear placeholder="用户名、终端号或 service" maxLength={32} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="action" label="操作">
            <AutoComplete allowClear options={actionOptions} placeholder="如 POST /api/admin/points/adjustments" style={{ width: 300 }} filterOption={(input, option) => (option?.label ?? '').toLowerCase().includes(input.toLowerCase())} />
          </Form.Item>
          <Form.Item name="targetType" label="对象类型" rules={[{ pattern: /^[a-z_]{1,32}$/, message: '小写字母和 _' }]}>
            <AutoComplete allowClear options={targetTypes.map((t) => ({ value: t.value, label: `${t.label} · ${t.value}` }))} placeholder="如 members" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="targetId" label="对象编号">
            <Input allowClear placeholder="如会员号" maxLength={64} style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="range" label="日期">
            <DatePicker.RangePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                查询
              </Button>
              <Button icon={<ReloadOutlined />} onClick={reset}>
                重置
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card>
        {query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <>
            <AuditTable
              items={query.data?.items ?? []}
              loading={query.isFetching}
              emptyText={query.isPending ? ' ' : <EmptyState description={filtered ? '没有符合条件的记录，试试放宽条件' : '还没有操作记录'} action={filtered ? <Button onClick={reset}>清除筛选</Button> : undefined} />}
            />
            <CursorPager pages={pages} />
          </>
        )}
      </Card>
    </>
  )
}
