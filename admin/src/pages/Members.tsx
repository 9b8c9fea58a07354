import { useMemo, useState } from 'react'
import { useNavigate, useSearchParams } from 'react-router'
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Tag, Typography } from 'antd'
import { DownloadOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons'
import dayjs, { type Dayjs } from 'dayjs'
import type { MemberFilters, MemberRow, MemberSort } from '../../../types'
import { api, errorMessage, saveFile } from '../api/client'
import { CursorTable, useCursorPages } from '../components/paging'
import { PageHeader } from '../components/PageHeader'
import { formatDateTime, formatNumber, inShanghai, shanghaiDayEnd, shanghaiDayStart } from '../lib/format'
import { useStoreOptions, useTiers } from '../lib/queries'

const sortOptions: { value: MemberSort; label: string }[] = [
  { value: 'joined_desc', label: '最近入会' },
  { value: 'joined_asc', label: '最早入会' },
  { value: 'balance_desc', label: '积分最多' },
  { value: 'growth_desc', label: '成长值最高' }
]

const FILTER_KEYS = ['q', 'storeCode', 'staffCode', 'tierCode', 'tag', 'joinedFrom', 'joinedTo'] as const

interface FilterForm {
  q?: string
  storeCode?: string
  staffCode?: string
  tierCode?: string
  tag?: string
  joined?: [Dayjs, Dayjs] | null
}

/** Filters live in the address, so 返回 from a member's page finds the same list. */
function readFilters(params: URLSearchParams): MemberFilters {
  const filters: Record<string, string> = {}
  for (const key of FILTER_KEYS) {
    const value = params.get(key)
    if (value) filters[key] = value
  }
  return filters as MemberFilters
}

export default function MembersPage() {
  const navigate = useNavigate()
  const { message } = App.useApp()
  const [params, setParams] = useSearchParams()
  const filters = useMemo(() => readFilters(params), [params])
  const sort = (params.get('sort') as MemberSort | null) ?? 'joined_desc'
  const [form] = Form.useForm<FilterForm>()
  const storeCode = Form.useWatch('storeCode', form)
  const stores = useStoreOptions()
  const tiers = useTiers()
  const [exporting, setExporting] = useState(false)

  const pages = useCursorPages(['members', filters, sort], (cursor) => api('GET /api/admin/members', { query: { ...filters, sort, cursor, limit: 20 } }))
  const { query } = pages

  const staffOptions = stores.data?.find((s) => s.code === storeCode)?.staff
  const canPickStaff = stores.data?.some((s) => s.staff !== null) ?? false

  const apply = (values: FilterForm) => {
    const next = new URLSearchParams()
    if (values.q?.trim()) next.set('q', values.q.trim())
    if (values.storeCode) next.set('storeCode', values.storeCode)
    if (values.staffCode?.trim()) next.set('staffCode', values.staffCode.trim().toUpperCase())
    if (values.tierCode) next.set('tierCode', values.tierCode)
    if (values.tag?.trim()) next.set('tag', values.tag.trim())
    if (values.joined) {
      next.set('joinedFrom', shanghaiDayStart(values.joined[0]))
      next.set('joinedTo', shanghaiDayEnd(values.joined[1]))
    }
    if (sort !== 'joined_desc') next.set('sort', sort)
    setParams(next)
  }

  const reset = () => {
    form.resetFields()
    setParams(new URLSearchParams())
  }

  const setSort = (value: MemberSort) => {
    const next = new URLSearchParams(params)
    if (value === 'joined_desc') next.delete('sort')
    else next.set('sort', value)
    setParams(next)
  }

  const exportCsv = async () => {
    setExporting(true)
    try {
      const file = await api('GET /api/admin/members/export', { query: filters })
      const name = file.name && file.name !== 'export.csv' ? file.name : `会员-${dayjs().format('YYYYMMDD-HHmm')}.csv`
      saveFile(file, name)
      void message.success('已开始下载')
    } catch (error) {
      void message.error(errorMessage(error))
    } finally {
      setExporting(false)
    }
  }

  const initialValues: FilterForm = {
    ...filters,
    // Back to the Shanghai calendar days the instants in the address stand for.
    joined: filters.joinedFrom && filters.joinedTo ? [dayjs(inShanghai(filters.joinedFrom).format('YYYY-MM-DD')), dayjs(inShanghai(filters.joinedTo).format('YYYY-MM-DD'))] : null
  }
  const filtered = Object.keys(filters).length > 0

  return (
    <>
      <PageHeader
        title="会员"
        extra={
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportCsv()} disabled={query.data?.total === 0}>
            导出 CSV
          </Button>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Form form={form} layout="inline" initialValues={initialValues} onFinish={apply} style={{ rowGap: 12 }}>
          <Form.Item name="q" label="会员">
            <Input allowClear placeholder="会员号或昵称" maxLength={32} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="storeCode" label="门店">
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="全部门店"
              popupMatchSelectWidth={false}
              style={{ width: 200 }}
              loading={stores.isPending}
              options={stores.data?.map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
              onChange={() => form.setFieldValue('staffCode', undefined)}
            />
          </Form.Item>
          <Form.Item name="staffCode" label="导购">
            {canPickStaff ? (
              <Select
                allowClear
                placeholder={storeCode ? '全部导购' : '先选门店'}
                disabled={!storeCode}
                style={{ width: 150 }}
                options={staffOptions?.map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
              />
            ) : (
              <Input allowClear placeholder="导购编号" maxLength={12} style={{ width: 120 }} />
            )}
          </Form.Item>
          <Form.Item name="tierCode" label="等级">
            <Select allowClear placeholder="全部等级" style={{ width: 120 }} loading={tiers.isPending} options={tiers.data?.map((t) => ({ value: t.code, label: t.name }))} />
          </Form.Item>
          <Form.Item name="tag" label="标签" rules={[{ pattern: /^[\p{L}\p{N}_-]{1,16}$/u, message: '标签为 1–16 个字母、数字、_ 或 -' }]}>
            <Input allowClear placeholder="如 高价值" maxLength={16} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="joined" label="入会日期">
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
        title={query.data ? `共 ${formatNumber(query.data.total)} 位会员` : '会员列表'}
        extra={
          <Space>
            <Typography.Text type="secondary">排序</Typography.Text>
            <Select value={sort} onChange={setSort} options={sortOptions} style={{ width: 130 }} />
          </Space>
        }
      >
        <CursorTable<MemberRow>
          pages={pages}
          rowKey="memberNo"
          onOpen={(row) => navigate(`/members/${row.memberNo}`)}
          empty={{ filtered, none: '还没有会员。把门店码贴在收银台，顾客扫码即可入会', noMatch: '没有符合条件的会员，试试放宽筛选条件', clearFilters: reset }}
          summary={query.data ? `共 ${formatNumber(query.data.total)} 位会员 · 每页 20 位` : undefined}
          columns={[
            { title: '会员号', dataIndex: 'memberNo', width: 120, render: (v: string) => <Typography.Link>{v}</Typography.Link> },
            { title: '昵称', dataIndex: 'nickname', width: 140, render: (v: string | null) => v ?? <Typography.Text type="secondary">未设置</Typography.Text> },
            { title: '等级', dataIndex: ['tier', 'name'], width: 90, render: (v: string) => <Tag color="gold">{v}</Tag> },
            { title: '积分', dataIndex: 'balance', width: 100, align: 'right', render: (v: number) => formatNumber(v) },
            { title: '待生效', dataIndex: 'pending', width: 90, align: 'right', render: (v: number) => (v ? formatNumber(v) : '—') },
            { title: '成长值', dataIndex: 'growth', width: 90, align: 'right', render: (v: number) => formatNumber(v) },
            { title: '门店', dataIndex: 'store', render: (v: MemberRow['store']) => v?.name ?? '—' },
            { title: '导购', dataIndex: 'staff', width: 100, render: (v: MemberRow['staff']) => v?.name ?? '—' },
            { title: '标签', dataIndex: 'tags', render: (tags: string[]) => tags.map((t) => <Tag key={t}>{t}</Tag>) },
            { title: '入会时间', dataIndex: 'joinedAt', width: 150, render: (v: string) => formatDateTime(v) }
          ]}
        />
      </Card>
    </>
  )
}
