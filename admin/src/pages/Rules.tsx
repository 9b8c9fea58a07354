import { useEffect, useMemo, useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, List, Row, Space, Switch, Table, Tag, Typography } from 'antd'
import { EyeOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons'
import type { AuditEntry, OperatorRules, PointsRules, Rules, TierRule } from '../../../types'
import { api } from '../api/client'
import { ActorCell } from '../components/AuditTable'
import { useFormError } from '../components/form-errors'
import { CursorPager, useCursorPages } from '../components/paging'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, ErrorState, PageLoading } from '../components/states'
import { diff, showValue } from '../lib/diff'
import { formatDateTime, formatMoney, formatMultiplier } from '../lib/format'
import { useCan } from '../session'

type RulesChange = { points?: PointsRules; tiers?: TierRule[]; operator?: OperatorRules }
type PreviewLine = { label: string; before: string; after: string; changed: boolean }

const pointsLabels: Record<keyof PointsRules, string> = {
  pointValueFen: '每积分抵扣（分）',
  minRedeemPoints: '最低抵扣积分',
  maxRedeemPercent: '最高抵扣比例（%）',
  earnFenPerPoint: '每得 1 积分需实付（分）',
  earnLockDays: '积分待生效天数',
  expiryDays: '积分有效天数',
  expiryReminderDays: '到期提醒提前天数',
  welcomePoints: '入会礼积分'
}
const tierLabels: Record<keyof TierRule, string> = {
  code: '编号',
  name: '名称',
  growthThreshold: '升级门槛',
  keepThreshold: '保级门槛',
  pointsMultiplierPermille: '积分倍率',
  birthdayGiftPoints: '生日礼积分',
  freeShipping: '包邮',
  priorityService: '优先客服'
}
const operatorLabels: Record<keyof OperatorRules, string> = {
  adjustmentApprovalThreshold: '需审批的调整（积分，超过即需审批）',
  supportAdjustmentLimit: '客服单笔调整上限（积分）'
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** Only the sections the operator touched: the audit then shows what was meant to change. */
function changeOf(stored: Rules, edited: Rules): RulesChange {
  const change: RulesChange = {}
  if (!same(stored.points, edited.points)) change.points = edited.points
  if (!same(stored.tiers, edited.tiers)) change.tiers = edited.tiers
  if (!same(stored.operator, edited.operator)) change.operator = edited.operator
  return change
}

/** The multiplier as ×1.2 for the operator, thousandths for the contract. */
function MultiplierInput({ value, onChange, disabled }: { value?: number; onChange?: (v: number | null) => void; disabled?: boolean }) {
  return (
    <InputNumber
      value={value === undefined ? undefined : value / 1000}
      onChange={(v) => onChange?.(v === null ? null : Math.round(v * 1000))}
      min={1}
      max={10}
      step={0.1}
      prefix="×"
      disabled={disabled}
      style={{ width: 100 }}
    />
  )
}

function pathLabel(path: string[], tiers: TierRule[] | undefined): string {
  const [section, key, field] = path
  if (section === 'points' && key) return `积分规则 · ${pointsLabels[key as keyof PointsRules] ?? key}`
  if (section === 'operator' && key) return `后台限额 · ${operatorLabels[key as keyof OperatorRules] ?? key}`
  if (section === 'tiers' && key) {
    const tier = tiers?.find((t) => t.code === key)
    return `等级 ${tier?.name ?? key} · ${field ? (tierLabels[field as keyof TierRule] ?? field) : ''}`
  }
  return path.join('.')
}

/** Values as the form shows them: the multiplier as ×1.2 rather than thousandths. */
function ruleValue(path: string[], value: unknown): string {
  if (path[path.length - 1] === 'pointsMultiplierPermille' && typeof value === 'number') return formatMultiplier(value)
  return showValue(value)
}

function HistoryItem({ entry, tiers }: { entry: AuditEntry; tiers: TierRule[] | undefined }) {
  const changes = diff(entry.before, entry.after)
  return (
    <List.Item>
      <div style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text strong>{formatDateTime(entry.at, true)}</Typography.Text>
          <ActorCell actor={entry.actor} />
          {entry.reason && <Typography.Text type="secondary">{entry.reason}</Typography.Text>}
        </Space>
        {changes.length === 0 ? (
          <div>
            <Typography.Text type="secondary">没有字段改变</Typography.Text>
          </div>
        ) : (
          <ul style={{ margin: '6px 0 0', paddingLeft: 20 }}>
            {changes.map((c) => (
              <li key={c.path.join('.')}>
                {pathLabel(c.path, tiers)}：<Typography.Text delete type="secondary">{ruleValue(c.path, c.before)}</Typography.Text> → <Typography.Text strong>{ruleValue(c.path, c.after)}</Typography.Text>
              </li>
            ))}
          </ul>
        )}
      </div>
    </List.Item>
  )
}

function RulesHistory({ tiers }: { tiers: TierRule[] | undefined }) {
  const pages = useCursorPages(['rules-history'], (cursor) => api('GET /api/admin/rules/history', { query: { cursor, limit: 10 } }))
  const { query } = pages
  return (
    <Card title="历史版本" style={{ marginTop: 16 }}>
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <>
          <List
            loading={query.isFetching}
            dataSource={query.data?.items ?? []}
            locale={{ emptyText: query.isPending ? ' ' : <EmptyState description="规则还没有改过，保存后每个版本都会记在这里" /> }}
            renderItem={(entry) => <HistoryItem entry={entry} tiers={tiers} />}
          />
          <CursorPager pages={pages} />
        </>
      )}
    </Card>
  )
}

function Preview({ lines }: { lines: PreviewLine[] }) {
  const [onlyChanged, setOnlyChanged] = useState(true)
  const shown = onlyChanged ? lines.filter((l) => l.changed) : lines
  return (
    <Card
      title={`预览：${lines.filter((l) => l.changed).length} 项会改变`}
      extra={
        <Space>
          <Typography.Text type="secondary">只看改变的</Typography.Text>
          <Switch size="small" checked={onlyChanged} onChange={setOnlyChanged} />
        </Space>
      }
      style={{ marginBottom: 16, borderColor: '#d4b106' }}
      data-testid="rules-preview"
    >
      <List
        size="small"
        dataSource={shown}
        locale={{ emptyText: '这些改动不影响任何规则计算' }}
        renderItem={(line) => (
          <List.Item style={line.changed ? { background: '#fffbe6' } : undefined}>
            <span>
              {line.changed && <Tag color="gold">改变</Tag>}
              {line.label}：{line.changed ? <Typography.Text type="secondary">{line.before}</Typography.Text> : line.before}
              {line.changed && (
                <>
                  {' → '}
                  <Typography.Text strong>{line.after}</Typography.Text>
                </>
              )}
            </span>
          </List.Item>
        )}
      />
    </Card>
  )
}

const int = (max: number, min = 0) => ({ min, max, precision: 0, style: { width: '100%' } })

export default function RulesPage() {
  const can = useCan()
  const { modal, message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<Rules>()
  const showError = useFormError(form)
  const stored = useQuery({ queryKey: ['rules'], queryFn: () => api('GET /api/admin/rules'), staleTime: 0 })
  const [lines, setLines] = useState<PreviewLine[] | null>(null)
  const edited = Form.useWatch([], form) as Rules | undefined
  const writable = can('rules:write')

  useEffect(() => {
    if (stored.data) form.setFieldsValue(stored.data)
  }, [stored.data, form])

  const change = useMemo(() => (stored.data && edited?.points && edited.tiers && edited.operator ? changeOf(stored.data, edited) : {}), [stored.data, edited])
  const dirty = Object.keys(change).length > 0

  // A preview describes one version of the form; after another edit it would mislead.
  useEffect(() => setLines(null), [edited])

  const preview = useMutation({
    mutationFn: (body: RulesChange) => api('POST /api/admin/rules/preview', { body: body as never }),
    onSuccess: (result) => setLines(result.lines),
    onError: showError
  })
  const save = useMutation({
    mutationFn: (body: RulesChange) => api('PUT /api/admin/rules', { body: body as never }),
    onSuccess: (result) => {
      client.setQueryData(['rules'], result)
      form.setFieldsValue(result)
      setLines(null)
      void client.invalidateQueries({ queryKey: ['rules-history'] })
      void client.invalidateQueries({ queryKey: ['tiers'] })
      void message.success('规则已保存并立即生效')
    },
    onError: showError
  })

  const runPreview = async () => {
    await form.validateFields()
    preview.mutate(change)
  }

  const runSave = async () => {
    await form.validateFields()
    const changedSections = [change.points && '积分规则', change.tiers && '会员等级', change.operator && '后台限额'].filter(Boolean).join('、')
    modal.confirm({
      title: '保存规则？',
      content: `将修改：${changedSections}。保存后立即生效，会员端的积分规则、收银和下单都按新规则计算；旧版本记入历史。${lines ? '' : '建议先点「预览」核对影响。'}`,
      okText: '保存',
      onOk: () => save.mutateAsync(change).catch(() => {})
    })
  }

  if (stored.isPending) return <PageLoading rows={12} />
  if (stored.isError) return <ErrorState error={stored.error} onRetry={() => void stored.refetch()} />

  const watchedPoints = edited?.points
  return (
    <>
      <PageHeader
        title="规则"
        sub="积分、会员等级和后台限额；改动先预览，保存后立即生效"
        extra={
          <Space>
            <Button icon={<UndoOutlined />} disabled={!dirty} onClick={() => form.setFieldsValue(stored.data)}>
              撤销改动
            </Button>
            <Button icon={<EyeOutlined />} disabled={!dirty} loading={preview.isPending} onClick={() => void runPreview().catch(() => {})}>
              预览
            </Button>
            {writable && (
              <Button type="primary" icon={<SaveOutlined />} disabled={!dirty} loading={save.isPending} onClick={() => void runSave().catch(() => {})}>
                保存
              </Button>
            )}
          </Space>
        }
      />
      {!writable && <Alert type="info" showIcon style={{ marginBottom: 16 }} message="您的角色可以查看和预览规则，但不能保存修改" />}
      {lines && <Preview lines={lines} />}
      <Form form={form} layout="vertical" initialValues={stored.data}>
        <Card title="积分规则" style={{ marginBottom: 16 }}>
          <Row gutter={24}>
            <Col xs={24} md={12} lg={6}>
              <Form.Item label={pointsLabels.pointValueFen} name={['points', 'pointValueFen']} rules={[{ required: true, message: '必填' }]} extra={watchedPoints?.pointValueFen ? `100 积分 = ${formatMoney(watchedPoints.pointValueFen * 100)}` : undefined}>
                <InputNumber {...int(10_000, 1)} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} lg={6}>
              <Form.Item label={pointsLabels.minRedeemPoints} name={['points', 'minRedeemPoints']} rules={[{ required: true, message: '必填' }]}>
                <InputNumber {...int(1_000_000, 1)} addonAfter="积分" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} lg={6}>
              <Form.Item label={pointsLabels.maxRedeemPercent} name={['points', 'maxRedeemPercent']} rules={[{ required: true, message: '必填' }]} extra="积分最多抵扣券后商品金额的比例">
                <InputNumber {...int(100)} addonAfter="%" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} lg={6}>
              <Form.Item label={pointsLabels.earnFenPerPoint} name={['points', 'earnFenPerPoint']} rules={[{ required: true, message: '必填' }]} extra={watchedPoints?.earnFenPerPoint ? `实付 ${formatMoney(watchedPoints.earnFenPerPoint)} 得 1 积分（再乘等级倍率）` : undefined}>
                <InputNumber {...int(1_000_000, 1)} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} lg={6}>
              <Form.Item label={pointsLabels.earnLockDays} name={['points', 'earnLockDays']} rules={[{ required: true, message: '必填' }]} extra="退货期内积分待生效">
                <InputNumber {...int(90)} addonAfter="天" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} lg={6}>
              <Form.Item label={pointsLabels.expiryDays} name={['points', 'expiryDays']} rules={[{ required: true, message: '必填' }]}>
                <InputNumber {...int(3650, 1)} addonAfter="天" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} lg={6}>
              <Form.Item label={pointsLabels.expiryReminderDays} name={['points', 'expiryReminderDays']} rules={[{ required: true, message: '必填' }]}>
                <InputNumber {...int(365)} addonAfter="天" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} lg={6}>
              <Form.Item label={pointsLabels.welcomePoints} name={['points', 'welcomePoints']} rules={[{ required: true, message: '必填' }]}>
                <InputNumber {...int(100_000)} addonAfter="积分" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card title="会员等级" style={{ marginBottom: 16 }}>
          <Form.List name="tiers">
            {(fields) => (
              <Table
                rowKey="key"
                size="small"
                pagination={false}
                dataSource={fields}
                scroll={{ x: 900 }}
                columns={[
                  { title: '等级', key: 'code', width: 90, render: (_, field) => <Typography.Text code>{form.getFieldValue(['tiers', field.name, 'code'])}</Typography.Text> },
                  {
                    title: tierLabels.name,
                    key: 'name',
                    render: (_, field) => (
                      <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: '必填' }, { max: 10, message: '最多 10 个字' }]} style={{ margin: 0 }}>
                        <Input maxLength={10} style={{ width: 100 }} />
                      </Form.Item>
                    )
                  },
                  {
                    title: `${tierLabels.growthThreshold}（成长值）`,
                    key: 'growth',
                    render: (_, field) => (
                      <Form.Item name={[field.name, 'growthThreshold']} rules={[{ required: true, message: '必填' }]} style={{ margin: 0 }}>
                        <InputNumber min={0} max={100_000_000} precision={0} style={{ width: 120 }} />
                      </Form.Item>
                    )
                  },
                  {
                    title: `${tierLabels.keepThreshold}（12 个月）`,
                    key: 'keep',
                    render: (_, field) => (
                      <Form.Item name={[field.name, 'keepThreshold']} rules={[{ required: true, message: '必填' }]} style={{ margin: 0 }}>
                        <InputNumber min={0} max={100_000_000} precision={0} style={{ width: 120 }} />
                      </Form.Item>
                    )
                  },
                  {
                    title: '积分倍率',
                    key: 'multiplier',
                    render: (_, field) => (
                      <Form.Item name={[field.name, 'pointsMultiplierPermille']} rules={[{ required: true, message: '必填' }]} style={{ margin: 0 }}>
                        <MultiplierInput />
                      </Form.Item>
                    )
                  },
                  {
                    title: tierLabels.birthdayGiftPoints,
                    key: 'birthday',
                    render: (_, field) => (
                      <Form.Item name={[field.name, 'birthdayGiftPoints']} rules={[{ required: true, message: '必填' }]} style={{ margin: 0 }}>
                        <InputNumber min={0} max={100_000} precision={0} style={{ width: 100 }} />
                      </Form.Item>
                    )
                  },
                  {
                    title: tierLabels.freeShipping,
                    key: 'ship',
                    width: 70,
                    render: (_, field) => (
                      <Form.Item name={[field.name, 'freeShipping']} valuePropName="checked" style={{ margin: 0 }}>
                        <Switch size="small" />
                      </Form.Item>
                    )
                  },
                  {
                    title: tierLabels.priorityService,
                    key: 'priority',
                    width: 80,
                    render: (_, field) => (
                      <Form.Item name={[field.name, 'priorityService']} valuePropName="checked" style={{ margin: 0 }}>
                        <Switch size="small" />
                      </Form.Item>
                    )
                  }
                ]}
              />
            )}
          </Form.List>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            等级的编号和顺序固定；升级门槛应逐级升高。当前倍率：
            {stored.data.tiers.map((t) => `${t.name} ${formatMultiplier(t.pointsMultiplierPermille)}`).join('，')}
          </Typography.Paragraph>
        </Card>
        <Card title="后台限额">
          <Row gutter={24}>
            <Col xs={24} md={12}>
              <Form.Item label={operatorLabels.adjustmentApprovalThreshold} name={['operator', 'adjustmentApprovalThreshold']} rules={[{ required: true, message: '必填' }]} extra="单笔调整（增加或扣减）超过这个数量时，要另一位运营批准">
                <InputNumber {...int(1_000_000, 1)} addonAfter="积分" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item label={operatorLabels.supportAdjustmentLimit} name={['operator', 'supportAdjustmentLimit']} rules={[{ required: true, message: '必填' }]}>
                <InputNumber {...int(1_000_000, 1)} addonAfter="积分" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
      </Form>
      <RulesHistory tiers={stored.data.tiers} />
    </>
  )
}
