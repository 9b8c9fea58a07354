import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd'
import { ArrowLeftOutlined, EditOutlined, GiftOutlined, PlusOutlined, TrophyOutlined } from '@ant-design/icons'
import dayjs, { type Dayjs } from 'dayjs'
import type { MemberDetail, PointsAdjustment } from '../../../types'
import { api, ApiError } from '../api/client'
import { AuditTable } from '../components/AuditTable'
import { useFormError } from '../components/form-errors'
import { CursorPager, useCursorPages } from '../components/paging'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, ErrorState, PageLoading } from '../components/states'
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPoints, formatPointsDelta } from '../lib/format'
import {
  adjustmentStatusNames,
  couponStatusName,
  entryCategoryName,
  inviteStatusName,
  orderStatusName,
  prizeKindName,
  prizeStatusName,
  saleStatusName,
  tierChangeKindName
} from '../lib/labels'
import { useTiers } from '../lib/queries'
import { useCan } from '../session'

type Member = MemberDetail['member']

const Delta = ({ points }: { points: number }) => (
  <Typography.Text strong style={{ color: points > 0 ? '#389e0d' : points < 0 ? '#cf1322' : undefined }}>
    {formatPointsDelta(points)}
  </Typography.Text>
)

const statusColor: Record<PointsAdjustment['status'], string> = { pending: 'orange', posted: 'green', rejected: 'default' }

function useInvalidateMember(memberNo: string) {
  const client = useQueryClient()
  return () => {
    void client.invalidateQueries({ queryKey: ['member', memberNo] })
    void client.invalidateQueries({ queryKey: ['member-entries', memberNo] })
    void client.invalidateQueries({ queryKey: ['members'] })
    void client.invalidateQueries({ queryKey: ['adjustments'] })
  }
}

function TagEditor({ member, editable }: { member: Member; editable: boolean }) {
  const { message } = App.useApp()
  const invalidate = useInvalidateMember(member.memberNo)
  const [adding, setAdding] = useState(false)
  const [value, setValue] = useState('')
  const [removing, setRemoving] = useState<string | null>(null)

  const add = useMutation({
    mutationFn: (tag: string) => api('POST /api/admin/members/:memberNo/tags', { params: { memberNo: member.memberNo }, body: { tag } }),
    onSuccess: () => {
      setValue('')
      setAdding(false)
      invalidate()
    },
    onError: (error) => void message.error(error instanceof ApiError ? error.message : '添加失败')
  })
  const remove = useMutation({
    mutationFn: (tag: string) => api('DELETE /api/admin/members/:memberNo/tags/:tag', { params: { memberNo: member.memberNo, tag } }),
    onMutate: (tag) => setRemoving(tag),
    onSettled: () => setRemoving(null),
    onSuccess: invalidate,
    onError: (error) => void message.error(error instanceof ApiError ? error.message : '移除失败')
  })

  const submit = () => {
    const tag = value.trim()
    if (!tag) return setAdding(false)
    if (!/^[\p{L}\p{N}_-]{1,16}$/u.test(tag)) return void message.warning('标签为 1–16 个字母、数字、_ 或 -，不含空格')
    if (member.tags.includes(tag)) return void message.info('会员已有这个标签')
    add.mutate(tag)
  }

  return (
    <Space size={[4, 8]} wrap>
      {member.tags.length === 0 && !editable && <Typography.Text type="secondary">无</Typography.Text>}
      {member.tags.map((tag) => (
        <Tag
          key={tag}
          closable={editable && removing !== tag}
          onClose={(e) => {
            e.preventDefault()
            remove.mutate(tag)
          }}
          style={{ opacity: removing === tag ? 0.5 : 1 }}
        >
          {tag}
        </Tag>
      ))}
      {editable &&
        (adding ? (
          <Input
            size="small"
            autoFocus
            style={{ width: 120 }}
            value={value}
            maxLength={16}
            disabled={add.isPending}
            onChange={(e) => setValue(e.target.value)}
            onPressEnter={submit}
            onBlur={submit}
            placeholder="回车添加"
          />
        ) : (
          <Tag style={{ borderStyle: 'dashed', cursor: 'pointer', background: '#fff' }} onClick={() => setAdding(true)}>
            <PlusOutlined /> 添加标签
          </Tag>
        ))}
    </Space>
  )
}

interface AdjustForm {
  direction: 'add' | 'subtract'
  points: number
  reason: string
}

function AdjustPointsModal({ member, open, onClose }: { member: Member; open: boolean; onClose: () => void }) {
  const { modal, message } = App.useApp()
  const [form] = Form.useForm<AdjustForm>()
  const showError = useFormError(form, { INSUFFICIENT_POINTS: 'points', ADJUSTMENT_OVER_ROLE_LIMIT: 'points' })
  const invalidate = useInvalidateMember(member.memberNo)
  const adjust = useMutation({
    mutationFn: (values: AdjustForm) =>
      api('POST /api/admin/points/adjustments', {
        body: { memberNo: member.memberNo, points: values.direction === 'add' ? values.points : -values.points, reason: values.reason.trim() }
      })
  })

  const submit = async () => {
    const values = await form.validateFields()
    const verb = values.direction === 'add' ? '增加' : '扣减'
    modal.confirm({
      title: `确认为会员${verb} ${formatPoints(values.points)}？`,
      content: (
        <div>
          <div>
            会员：{member.nickname ?? '未设置昵称'}（{member.memberNo}），当前 {formatPoints(member.balance)}
          </div>
          <div>原因：{values.reason.trim()}</div>
        </div>
      ),
      okText: `确认${verb}`,
      okButtonProps: { danger: values.direction === 'subtract' },
      onOk: async () => {
        try {
          const result = await adjust.mutateAsync(values)
          invalidate()
          form.resetFields()
          onClose()
          if (result.status === 'pending') {
            modal.info({
              title: '已提交，等待审批',
              content: `这笔调整（${formatPointsDelta(result.points)} 积分）超过了单笔审批阈值，需要另一位有审批权限的运营在「积分审批」中批准后才会入账。`
            })
          } else {
            void message.success(`已${verb} ${formatPoints(values.points)}${result.balanceAfter !== null ? `，当前余额 ${formatPoints(result.balanceAfter)}` : ''}`)
          }
        } catch (error) {
          showError(error)
        }
      }
    })
  }

  return (
    <Modal title="调整积分" open={open} onCancel={onClose} onOk={() => void submit().catch(() => {})} okText="提交" confirmLoading={adjust.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ direction: 'add' }} preserve={false}>
        <Form.Item label="调整方向" name="direction">
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'add', label: '增加积分' },
              { value: 'subtract', label: '扣减积分' }
            ]}
          />
        </Form.Item>
        <Form.Item label="积分数量" name="points" rules={[{ required: true, message: '请输入积分数量' }]} extra={`当前可用 ${formatPoints(member.balance)}`}>
          <InputNumber min={1} max={1_000_000} precision={0} style={{ width: 200 }} placeholder="如 300" addonAfter="积分" />
        </Form.Item>
        <Form.Item
          label="原因"
          name="reason"
          rules={[
            { required: true, whitespace: true, message: '请填写调整原因' },
            { min: 2, max: 200, message: '原因 2–200 个字' }
          ]}
          extra="会员会在积分明细中看到调整，原因会写入操作日志"
        >
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：门店活动补发积分、客诉补偿" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

interface TierForm {
  tierCode: string
  reason: string
}

function SetTierModal({ member, open, onClose }: { member: Member; open: boolean; onClose: () => void }) {
  const { modal, message } = App.useApp()
  const tiers = useTiers()
  const [form] = Form.useForm<TierForm>()
  const showError = useFormError(form, { TIER_UNCHANGED: 'tierCode', TIER_NOT_FOUND: 'tierCode' })
  const invalidate = useInvalidateMember(member.memberNo)
  const setTier = useMutation({
    mutationFn: (values: TierForm) => api('POST /api/admin/members/:memberNo/tier', { params: { memberNo: member.memberNo }, body: { tierCode: values.tierCode, reason: values.reason.trim() } })
  })

  const submit = async () => {
    const values = await form.validateFields()
    const target = tiers.data?.find((t) => t.code === values.tierCode)
    modal.confirm({
      title: `确认把会员等级从 ${member.tier.name} 改为 ${target?.name ?? values.tierCode}？`,
      content: '人工设置的等级同样参加年度复核；会员会在会员卡上看到新的等级。',
      okText: '确认修改',
      onOk: async () => {
        try {
          const result = await setTier.mutateAsync(values)
          invalidate()
          onClose()
          void message.success(`会员等级已改为 ${result.tier.name}`)
        } catch (error) {
          showError(error)
        }
      }
    })
  }

  return (
    <Modal title="设置等级" open={open} onCancel={onClose} onOk={() => void submit().catch(() => {})} okText="提交" confirmLoading={setTier.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" preserve={false} initialValues={{ tierCode: member.tier.code }}>
        <Form.Item label="新等级" name="tierCode" rules={[{ required: true, message: '请选择等级' }]} extra={`当前等级：${member.tier.name}，成长值 ${formatNumber(member.growth)}`}>
          <Select
            loading={tiers.isPending}
            options={tiers.data?.map((t) => ({ value: t.code, label: `${t.name}（成长值 ${formatNumber(t.growthThreshold)} 起）${t.code === member.tier.code ? ' · 当前' : ''}` }))}
          />
        </Form.Item>
        <Form.Item label="原因" name="reason" rules={[{ required: true, whitespace: true, message: '请填写原因' }, { min: 2, max: 200, message: '原因 2–200 个字' }]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：VIP 客户经审批升级" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

interface BirthdayForm {
  birthday: Dayjs
  reason: string
}

function BirthdayModal({ member, birthday, open, onClose }: { member: Member; birthday: string | null; open: boolean; onClose: () => void }) {
  const { modal, message } = App.useApp()
  const [form] = Form.useForm<BirthdayForm>()
  const showError = useFormError(form)
  const invalidate = useInvalidateMember(member.memberNo)
  const save = useMutation({
    mutationFn: (values: BirthdayForm) =>
      api('POST /api/admin/members/:memberNo/birthday', { params: { memberNo: member.memberNo }, body: { birthday: values.birthday.format('YYYY-MM-DD'), reason: values.reason.trim() } })
  })

  const submit = async () => {
    const values = await form.validateFields()
    modal.confirm({
      title: `确认把生日${birthday ? `从 ${birthday} ` : ''}改为 ${values.birthday.format('YYYY-MM-DD')}？`,
      content: '生日月礼包按新的生日发放（每年一次）。',
      okText: '确认修改',
      onOk: async () => {
        try {
          await save.mutateAsync(values)
          invalidate()
          onClose()
          void message.success('生日已修正')
        } catch (error) {
          showError(error)
        }
      }
    })
  }

  return (
    <Modal title="修正生日" open={open} onCancel={onClose} onOk={() => void submit().catch(() => {})} okText="提交" confirmLoading={save.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" preserve={false} initialValues={{ birthday: birthday ? dayjs(birthday) : undefined }}>
        <Form.Item label="生日" name="birthday" rules={[{ required: true, message: '请选择生日' }]}>
          <DatePicker style={{ width: 200 }} disabledDate={(d) => d.isAfter(dayjs(), 'day') || d.year() < 1900} />
        </Form.Item>
        <Form.Item label="原因" name="reason" rules={[{ required: true, whitespace: true, message: '请填写原因' }, { min: 2, max: 200, message: '原因 2–200 个字' }]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：会员来电，出示身份证核实" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

function EntriesTab({ memberNo }: { memberNo: string }) {
  const pages = useCursorPages(['member-entries', memberNo], (cursor) => api('GET /api/admin/members/:memberNo/entries', { params: { memberNo }, query: { cursor, limit: 20 } }))
  const { query } = pages
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  type Entry = NonNullable<typeof query.data>['items'][number]
  return (
    <>
      <Table<Entry>
        rowKey="id"
        size="small"
        loading={query.isFetching}
        dataSource={query.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: query.isPending ? ' ' : <EmptyState description="还没有积分变动" /> }}
        columns={[
          { title: '时间', dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
          { title: '类型', dataIndex: 'category', width: 70, render: (v: string) => entryCategoryName(v) },
          { title: '说明', dataIndex: 'reason' },
          { title: '变动', dataIndex: 'points', width: 100, align: 'right', render: (v: number) => <Delta points={v} /> },
          { title: '余额', dataIndex: 'balanceAfter', width: 100, align: 'right', render: (v: number) => formatNumber(v) },
          {
            title: '状态',
            dataIndex: 'status',
            width: 170,
            render: (v: Entry['status'], row) => (v === 'pending' ? <Tag color="orange">待生效{row.availableAt ? ` · ${formatDate(row.availableAt)} 可用` : ''}</Tag> : v === 'available' ? '已生效' : '—')
          },
          { title: '操作人', dataIndex: 'actor', width: 120, render: (v: string | null) => v ?? <Typography.Text type="secondary">系统</Typography.Text> }
        ]}
      />
      <CursorPager pages={pages} />
    </>
  )
}

function lotState(lot: MemberDetail['lots'][number]) {
  if (!lot.unlockedAt && dayjs(lot.availableAt).isAfter(dayjs())) return <Tag color="orange">待生效</Tag>
  if (dayjs(lot.expiresAt).isBefore(dayjs())) return <Tag>已过期</Tag>
  if (lot.remaining === 0) return <Tag>已用完</Tag>
  if (dayjs(lot.expiresAt).diff(dayjs(), 'day') <= 30) return <Tag color="red">即将过期</Tag>
  return <Tag color="green">可用</Tag>
}

export default function MemberDetailPage() {
  const { memberNo = '' } = useParams()
  const navigate = useNavigate()
  const can = useCan()
  const [dialog, setDialog] = useState<'points' | 'tier' | 'birthday' | null>(null)
  const tiers = useTiers()
  // Tier changes name tiers by code; the names are the operator's own (规则).
  const tierName = (code: string) => tiers.data?.find((t) => t.code === code)?.name ?? code
  const query = useQuery({ queryKey: ['member', memberNo], queryFn: () => api('GET /api/admin/members/:memberNo', { params: { memberNo } }), enabled: /^[0-9]{1,12}$/.test(memberNo) })

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/members'))}>
      返回
    </Button>
  )

  if (!/^[0-9]{1,12}$/.test(memberNo)) return <EmptyState description="会员号格式不对" action={<Link to="/members">回到会员列表</Link>} />
  if (query.isPending) return <PageLoading rows={10} />
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.code === 'MEMBER_NOT_FOUND') {
      return <EmptyState description={`没有会员号为 ${memberNo} 的会员，或者不在您负责的门店`} action={<Link to="/members">回到会员列表</Link>} />
    }
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  }

  const detail = query.data
  const { member } = detail
  const writable = can('members:write')
  const count = (n: number) => (n > 0 ? ` (${n})` : '')

  return (
    <>
      <PageHeader
        title={`会员 ${member.memberNo}`}
        sub={member.nickname ?? '未设置昵称'}
        extra={
          <Space wrap>
            {back}
            {can('points:adjust') && (
              <Button type="primary" icon={<GiftOutlined />} onClick={() => setDialog('points')}>
                调整积分
              </Button>
            )}
            {writable && (
              <Button icon={<TrophyOutlined />} onClick={() => setDialog('tier')}>
                设置等级
              </Button>
            )}
            {writable && (
              <Button icon={<EditOutlined />} onClick={() => setDialog('birthday')}>
                修正生日
              </Button>
            )}
          </Space>
        }
      />
      <Card style={{ marginBottom: 16 }} data-testid="member-card">
        <Descriptions column={{ xs: 1, sm: 2, lg: 4 }} size="middle">
          <Descriptions.Item label="等级">
            <Tag color="gold">{member.tier.name}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label="可用积分">
            <Typography.Text strong data-testid="member-balance">{formatPoints(member.balance)}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label="待生效">{formatPoints(member.pending)}</Descriptions.Item>
          <Descriptions.Item label="成长值">{formatNumber(member.growth)}</Descriptions.Item>
          <Descriptions.Item label="入会门店">{member.store ? `${member.store.name}（${member.store.code}）` : '—'}</Descriptions.Item>
          <Descriptions.Item label="专属导购">{member.staff ? `${member.staff.name}（${member.staff.code}）` : '—'}</Descriptions.Item>
          <Descriptions.Item label="入会时间">{formatDateTime(member.joinedAt)}</Descriptions.Item>
          <Descriptions.Item label="生日">{detail.birthday ?? <Typography.Text type="secondary">未填写</Typography.Text>}</Descriptions.Item>
          <Descriptions.Item label="等级复核">{detail.tierReviewAt ? formatDate(detail.tierReviewAt) : '—'}</Descriptions.Item>
          <Descriptions.Item label="标签" span={3}>
            <TagEditor member={member} editable={writable} />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          items={[
            { key: 'entries', label: '积分明细', children: <EntriesTab memberNo={member.memberNo} /> },
            {
              key: 'lots',
              label: `积分批次${count(detail.lots.length)}`,
              children: (
                <Table
                  rowKey="id"
                  size="small"
                  dataSource={detail.lots}
                  pagination={detail.lots.length > 20 ? { pageSize: 20 } : false}
                  locale={{ emptyText: <EmptyState description="还没有积分批次：会员获得积分后，每笔积分是一个批次，各自到期" /> }}
                  columns={[
                    { title: '来源', dataIndex: 'reason' },
                    { title: '获得', dataIndex: 'amount', align: 'right', render: (v: number) => formatNumber(v) },
                    { title: '剩余', dataIndex: 'remaining', align: 'right', render: (v: number) => formatNumber(v) },
                    { title: '状态', key: 'state', render: (_, lot) => lotState(lot) },
                    { title: '可用日期', dataIndex: 'availableAt', render: (v: string) => formatDate(v) },
                    { title: '到期日期', dataIndex: 'expiresAt', render: (v: string) => formatDate(v) }
                  ]}
                />
              )
            },
            {
              key: 'orders',
              label: `订单${count(detail.orders.length)}`,
              children: (
                <Table
                  rowKey="orderNo"
                  size="small"
                  dataSource={detail.orders}
                  pagination={detail.orders.length > 20 ? { pageSize: 20 } : false}
                  locale={{ emptyText: <EmptyState description="还没有线上订单" /> }}
                  columns={[
                    { title: '订单号', dataIndex: 'orderNo', render: (v: string) => (can('orders:read') ? <Link to={`/orders/${v}`}>{v}</Link> : v) },
                    { title: '状态', dataIndex: 'status', render: (v: string) => orderStatusName(v) },
                    { title: '商品金额', dataIndex: 'goodsAmount', align: 'right', render: (v: number) => formatMoney(v) },
                    { title: '积分抵扣', dataIndex: 'pointsUsed', align: 'right', render: (v: number) => (v ? formatNumber(v) : '—') },
                    { title: '实付', dataIndex: 'payAmount', align: 'right', render: (v: number) => formatMoney(v) },
                    { title: '下单时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) }
                  ]}
                />
              )
            },
            {
              key: 'coupons',
              label: `优惠券${count(detail.coupons.length)}`,
              children: (
                <Table
                  rowKey="id"
                  size="small"
                  dataSource={detail.coupons}
                  pagination={detail.coupons.length > 20 ? { pageSize: 20 } : false}
                  locale={{ emptyText: <EmptyState description="还没有优惠券" /> }}
                  columns={[
                    { title: '优惠券', dataIndex: 'name' },
                    { title: '状态', dataIndex: 'status', render: (v: string) => couponStatusName(v) },
                    { title: '发放时间', dataIndex: 'issuedAt', render: (v: string) => formatDateTime(v) },
                    { title: '到期时间', dataIndex: 'expiresAt', render: (v: string) => formatDateTime(v) }
                  ]}
                />
              )
            },
            {
              key: 'prizes',
              label: `奖品${count(detail.prizes.length)}`,
              children: (
                <Table
                  rowKey="drawNo"
                  size="small"
                  dataSource={detail.prizes}
                  pagination={detail.prizes.length > 20 ? { pageSize: 20 } : false}
                  locale={{ emptyText: <EmptyState description="还没有抽奖记录" /> }}
                  columns={[
                    { title: '抽奖号', dataIndex: 'drawNo' },
                    { title: '活动', dataIndex: 'activity' },
                    { title: '奖品', dataIndex: 'prize' },
                    { title: '类型', dataIndex: 'kind', render: (v: string) => prizeKindName(v) },
                    { title: '状态', dataIndex: 'status', render: (v: string) => prizeStatusName(v) },
                    { title: '时间', dataIndex: 'at', render: (v: string) => formatDateTime(v) }
                  ]}
                />
              )
            },
            {
              key: 'referrals',
              label: `邀请${count(detail.referrals.invitees.length)}`,
              children: (
                <>
                  <Typography.Paragraph>
                    邀请人：
                    {detail.referrals.invitedBy ? (
                      <Link to={`/members/${detail.referrals.invitedBy.memberNo}`}>
                        {detail.referrals.invitedBy.nickname ?? '未设置昵称'}（{detail.referrals.invitedBy.memberNo}）
                      </Link>
                    ) : (
                      '无（不是通过邀请入会）'
                    )}
                  </Typography.Paragraph>
                  <Table
                    rowKey={(row) => `${row.memberNo ?? ''}-${row.at}`}
                    size="small"
                    dataSource={detail.referrals.invitees}
                    pagination={detail.referrals.invitees.length > 20 ? { pageSize: 20 } : false}
                    locale={{ emptyText: <EmptyState description="还没有邀请过好友" /> }}
                    columns={[
                      { title: '好友', key: 'who', render: (_, row) => (row.memberNo ? <Link to={`/members/${row.memberNo}`}>{row.nickname ?? row.memberNo}</Link> : (row.nickname ?? '未入会的好友')) },
                      { title: '状态', dataIndex: 'status', render: (v: string) => inviteStatusName(v) },
                      { title: '时间', dataIndex: 'at', render: (v: string) => formatDateTime(v) }
                    ]}
                  />
                </>
              )
            },
            {
              key: 'sales',
              label: `门店消费${count(detail.sales.length)}`,
              children: (
                <Table
                  rowKey={(row) => `${row.storeCode}-${row.receiptNo}`}
                  size="small"
                  dataSource={detail.sales}
                  pagination={detail.sales.length > 20 ? { pageSize: 20 } : false}
                  locale={{ emptyText: <EmptyState description="还没有门店消费记录" /> }}
                  columns={[
                    { title: '时间', dataIndex: 'at', render: (v: string) => formatDateTime(v) },
                    { title: '门店', dataIndex: 'storeCode' },
                    { title: '小票号', dataIndex: 'receiptNo' },
                    { title: '终端', dataIndex: 'till', render: (v: string | null) => v ?? '—' },
                    { title: '金额', dataIndex: 'goodsAmount', align: 'right', render: (v: number) => formatMoney(v) },
                    { title: '积分抵扣', dataIndex: 'pointsUsed', align: 'right', render: (v: number) => (v ? formatNumber(v) : '—') },
                    { title: '获得积分', dataIndex: 'pointsEarned', align: 'right', render: (v: number) => formatNumber(v) },
                    { title: '状态', dataIndex: 'status', render: (v: string) => saleStatusName(v) }
                  ]}
                />
              )
            },
            {
              key: 'tiers',
              label: `等级变更${count(detail.tierChanges.length)}`,
              children: (
                <Table
                  rowKey={(row) => `${row.at}-${row.to}`}
                  size="small"
                  dataSource={detail.tierChanges}
                  pagination={false}
                  locale={{ emptyText: <EmptyState description="等级还没有变过" /> }}
                  columns={[
                    { title: '时间', dataIndex: 'at', render: (v: string) => formatDateTime(v) },
                    { title: '变更', key: 'change', render: (_, row) => `${tierName(row.from)} → ${tierName(row.to)}` },
                    { title: '方式', dataIndex: 'kind', render: (v: string) => tierChangeKindName(v) },
                    { title: '原因', dataIndex: 'reason' },
                    { title: '操作人', dataIndex: 'operator', render: (v: string | null) => v ?? '系统' }
                  ]}
                />
              )
            },
            {
              key: 'adjustments',
              label: `积分调整${count(detail.adjustments.length)}`,
              children: (
                <Table<PointsAdjustment>
                  rowKey="id"
                  size="small"
                  dataSource={detail.adjustments}
                  pagination={detail.adjustments.length > 20 ? { pageSize: 20 } : false}
                  locale={{ emptyText: <EmptyState description="没有人工调整过积分" /> }}
                  columns={[
                    { title: '提交时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
                    { title: '积分', dataIndex: 'points', align: 'right', render: (v: number) => <Delta points={v} /> },
                    { title: '原因', dataIndex: 'reason' },
                    { title: '状态', dataIndex: 'status', render: (v: PointsAdjustment['status']) => <Tag color={statusColor[v]}>{adjustmentStatusNames[v]}</Tag> },
                    { title: '提交人', dataIndex: 'maker' },
                    { title: '审批人', dataIndex: 'checker', render: (v: string | null, row) => (v ? `${v}${row.decisionReason ? `：${row.decisionReason}` : ''}` : '—') },
                    { title: '调整后余额', dataIndex: 'balanceAfter', align: 'right', render: (v: number | null) => (v === null ? '—' : formatNumber(v)) }
                  ]}
                />
              )
            },
            {
              key: 'audit',
              label: `操作记录${count(detail.audit.length)}`,
              children: <AuditTable items={detail.audit} showTarget={false} emptyText={<EmptyState description="还没有后台或收银终端对这位会员的操作" />} />
            }
          ]}
        />
      </Card>
      <AdjustPointsModal member={member} open={dialog === 'points'} onClose={() => setDialog(null)} />
      <SetTierModal member={member} open={dialog === 'tier'} onClose={() => setDialog(null)} />
      <BirthdayModal member={member} birthday={detail.birthday} open={dialog === 'birthday'} onClose={() => setDialog(null)} />
    </>
  )
}
