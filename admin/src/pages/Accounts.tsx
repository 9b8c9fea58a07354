import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import dayjs from 'dayjs'
import type { Operator, Role } from '../../../types'
import { isStoreScoped, roleNames, ROLES, permissionNames, rolePermissions } from '../../../types/permissions'
import { api, errorMessage } from '../api/client'
import { useFormError } from '../components/form-errors'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, ErrorState, PageLoading } from '../components/states'
import { formatDateTime } from '../lib/format'
import { useStoreOptions } from '../lib/queries'
import { useSession } from '../session'

const roleColors: Record<Role, string> = { super_admin: 'red', operations: 'gold', store_manager: 'blue', support: 'green', read_only: 'default' }

/** A first password someone types in once and then changes: letters and digits without look-alikes. */
function randomPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const bytes = crypto.getRandomValues(new Uint8Array(14))
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')
}

const passwordRules = (username: () => string | undefined) => [
  { required: true, message: '请设置密码' },
  { min: 10, message: '至少 10 位' },
  { max: 128, message: '最多 128 位' },
  {
    validator: (_: unknown, value: string | undefined) =>
      value && username() && value.toLowerCase().includes(username()!.toLowerCase()) ? Promise.reject(new Error('不能包含用户名')) : Promise.resolve()
  }
]

function RoleHelp({ role }: { role: Role | undefined }) {
  if (!role) return null
  return (
    <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -8 }}>
      可以：{rolePermissions[role].filter((p) => p !== 'self').map((p) => permissionNames[p]).join('；')}
    </Typography.Paragraph>
  )
}

interface AccountForm {
  username: string
  displayName: string
  role: Role
  storeCodes: string[]
  password: string
}

function AccountModal({ account, open, onClose }: { account: Operator | null; open: boolean; onClose: () => void }) {
  const { message } = App.useApp()
  const client = useQueryClient()
  const stores = useStoreOptions()
  const self = useSession().operator
  const [form] = Form.useForm<AccountForm>()
  const role = Form.useWatch('role', form)
  const showError = useFormError(form, { USERNAME_TAKEN: 'username', STORES_REQUIRED: 'storeCodes', STORE_NOT_FOUND: 'storeCodes', PASSWORD_TOO_WEAK: 'password', ACCOUNT_SELF_CHANGE: 'role' })
  const scoped = role ? isStoreScoped(role) : false
  const save = useMutation({
    mutationFn: (values: AccountForm) => {
      const storeCodes = isStoreScoped(values.role) ? (values.storeCodes ?? []) : []
      if (!account) {
        return api('POST /api/admin/accounts', { body: { username: values.username.trim(), displayName: values.displayName.trim(), role: values.role, storeCodes, password: values.password } })
      }
      // Only what changed: a PATCH of the signed-in account's own role is refused even when unchanged.
      const body: { displayName?: string; role?: Role; storeCodes?: string[] } = {}
      if (values.displayName.trim() !== account.displayName) body.displayName = values.displayName.trim()
      if (values.role !== account.role) body.role = values.role
      if (JSON.stringify([...storeCodes].sort()) !== JSON.stringify([...account.storeCodes].sort())) body.storeCodes = storeCodes
      if (Object.keys(body).length === 0) return Promise.resolve(account)
      return api('PATCH /api/admin/accounts/:id', { params: { id: account.id }, body })
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['accounts'] })
      void message.success(account ? '账号已保存' : `账号 ${saved.username} 已创建，请把初始密码当面或通过可靠渠道告诉 TA`)
      onClose()
    },
    onError: showError
  })
  const isSelf = account?.id === self.id
  return (
    <Modal
      title={account ? `编辑账号 ${account.username}` : '新建账号'}
      open={open}
      onCancel={onClose}
      okText="保存"
      confirmLoading={save.isPending}
      destroyOnHidden
      onOk={() => void form.validateFields().then((v) => save.mutate(v)).catch(() => {})}
    >
      <Form form={form} layout="vertical" preserve={false} initialValues={account ?? { role: 'operations', storeCodes: [] }}>
        <Form.Item
          label="用户名"
          name="username"
          rules={account ? [] : [{ required: true, message: '请输入用户名' }, { pattern: /^[a-z][a-z0-9_.-]{2,31}$/, message: '3–32 位小写字母、数字、_ . -，以字母开头' }]}
          normalize={(v: string) => v?.toLowerCase()}
        >
          <Input disabled={!!account} maxLength={32} autoComplete="off" placeholder="如 zhangsan" />
        </Form.Item>
        <Form.Item label="显示名" name="displayName" rules={[{ required: true, whitespace: true, message: '请输入显示名' }]} extra="出现在操作日志和积分明细的操作人里">
          <Input maxLength={32} placeholder="如 张三" />
        </Form.Item>
        <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]} extra={isSelf ? '不能修改自己的角色' : undefined}>
          <Select disabled={isSelf} options={ROLES.map((r) => ({ value: r, label: roleNames[r] }))} />
        </Form.Item>
        <RoleHelp role={role} />
        {scoped && (
          <Form.Item label="负责门店" name="storeCodes" rules={[{ required: true, type: 'array', min: 1, message: '门店店长至少负责一家门店' }]}>
            <Select mode="multiple" loading={stores.isPending} optionFilterProp="label" options={stores.data?.map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))} />
          </Form.Item>
        )}
        {!account && (
          <Form.Item
            label="初始密码"
            name="password"
            dependencies={['username']}
            rules={passwordRules(() => form.getFieldValue('username') as string | undefined)}
            extra={
              <Space>
                <span>至少 10 位，不能包含用户名；对方首次登录后会被提示修改</span>
                <Button size="small" type="link" onClick={() => form.setFieldValue('password', randomPassword())}>
                  生成随机密码
                </Button>
              </Space>
            }
          >
            <Input maxLength={128} autoComplete="new-password" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  )
}

function ResetPasswordModal({ account, onClose }: { account: Operator | null; onClose: () => void }) {
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<{ password: string }>()
  const showError = useFormError(form, { PASSWORD_TOO_WEAK: 'password' })
  const reset = useMutation({
    mutationFn: (vars: { id: string; password: string }) => api('PATCH /api/admin/accounts/:id', { params: { id: vars.id }, body: { password: vars.password } }),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['accounts'] })
      void message.success(`${saved.displayName} 的密码已重置，TA 的登录已全部退出`)
      onClose()
    },
    onError: showError
  })
  return (
    <Modal
      title={account ? `重置 ${account.displayName} 的密码` : ''}
      open={account !== null}
      onCancel={onClose}
      okText="重置密码"
      okButtonProps={{ danger: true }}
      confirmLoading={reset.isPending}
      destroyOnHidden
      onOk={() => void form.validateFields().then((v) => account && reset.mutate({ id: account.id, password: v.password })).catch(() => {})}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message="重置后对方的所有登录会退出，下次登录时需修改密码" />
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          label="新密码"
          name="password"
          rules={passwordRules(() => account?.username)}
          extra={
            <Button size="small" type="link" style={{ padding: 0 }} onClick={() => form.setFieldValue('password', randomPassword())}>
              生成随机密码
            </Button>
          }
        >
          <Input maxLength={128} autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

export default function AccountsPage() {
  const self = useSession().operator
  const { message } = App.useApp()
  const client = useQueryClient()
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: async () => (await api('GET /api/admin/accounts')).items })
  const [editing, setEditing] = useState<{ account: Operator | null } | null>(null)
  const [resetting, setResetting] = useState<Operator | null>(null)
  const toggle = useMutation({
    mutationFn: (account: Operator) => api('PATCH /api/admin/accounts/:id', { params: { id: account.id }, body: { disabled: !account.disabled } }),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['accounts'] })
      void message.success(saved.disabled ? `${saved.displayName} 已停用，TA 的登录已退出` : `${saved.displayName} 已启用`)
    },
    onError: (error) => void message.error(errorMessage(error))
  })

  return (
    <>
      <PageHeader
        title="账号"
        sub="后台账号与角色；门店店长只看到自己负责的门店"
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ account: null })}>
            新建账号
          </Button>
        }
      />
      <Card>
        {accounts.isPending ? (
          <PageLoading />
        ) : accounts.isError ? (
          <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
        ) : (
          <Table<Operator>
            rowKey="id"
            dataSource={accounts.data}
            loading={accounts.isFetching}
            pagination={accounts.data.length > 20 ? { pageSize: 20 } : false}
            scroll={{ x: 1000 }}
            locale={{ emptyText: <EmptyState description="还没有其他账号，点右上角「新建账号」" /> }}
            columns={[
              { title: '用户名', dataIndex: 'username', render: (v: string, a) => (a.id === self.id ? <span>{v} <Tag>我</Tag></span> : v) },
              { title: '显示名', dataIndex: 'displayName' },
              { title: '角色', dataIndex: 'role', render: (v: Role) => <Tag color={roleColors[v]}>{roleNames[v]}</Tag> },
              { title: '门店', dataIndex: 'storeCodes', render: (v: string[]) => (v.length ? v.join('、') : '全部') },
              {
                title: '状态',
                key: 'state',
                render: (_, a) =>
                  a.disabled ? <Tag color="red">已停用</Tag> : a.lockedUntil && dayjs(a.lockedUntil).isAfter(dayjs()) ? <Tag color="orange">锁定至 {formatDateTime(a.lockedUntil)}</Tag> : <Tag color="green">正常</Tag>
              },
              { title: '最近登录', dataIndex: 'lastLoginAt', width: 150, render: (v: string | null) => (v ? formatDateTime(v) : '从未登录') },
              { title: '创建时间', dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
              {
                title: '操作',
                key: 'actions',
                width: 220,
                fixed: 'right',
                render: (_, a) => (
                  <Space size={0}>
                    <Button type="link" size="small" onClick={() => setEditing({ account: a })}>
                      编辑
                    </Button>
                    <Button type="link" size="small" onClick={() => setResetting(a)}>
                      重置密码
                    </Button>
                    {a.id !== self.id &&
                      (a.disabled ? (
                        <Button type="link" size="small" loading={toggle.isPending && toggle.variables?.id === a.id} onClick={() => toggle.mutate(a)}>
                          启用
                        </Button>
                      ) : (
                        <Popconfirm title={`停用 ${a.displayName}？`} description="停用后 TA 立即退出登录，不能再登录" okText="停用" okButtonProps={{ danger: true }} onConfirm={() => toggle.mutateAsync(a).catch(() => {})}>
                          <Button type="link" size="small" danger loading={toggle.isPending && toggle.variables?.id === a.id}>
                            停用
                          </Button>
                        </Popconfirm>
                      ))}
                  </Space>
                )
              }
            ]}
          />
        )}
      </Card>
      <AccountModal account={editing?.account ?? null} open={editing !== null} onClose={() => setEditing(null)} />
      <ResetPasswordModal account={resetting} onClose={() => setResetting(null)} />
    </>
  )
}
