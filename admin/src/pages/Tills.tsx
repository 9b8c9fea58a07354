import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd'
import { PlusOutlined } from '@ant-design/icons'
import type { Till } from '../../../types'
import { api, ApiError, errorMessage } from '../api/client'
import { useFormError } from '../components/form-errors'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, ErrorState } from '../components/states'
import { formatDateTime } from '../lib/format'
import { useStoreOptions } from '../lib/queries'
import { useCan } from '../session'

/** The key of a new or rotated till: shown this once, never again. */
function KeyModal({ shown, onClose }: { shown: { till: Till; key: string; rotated: boolean } | null; onClose: () => void }) {
  return (
    <Modal
      title={shown?.rotated ? '新的终端密钥' : '收银终端已创建'}
      open={shown !== null}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose}>
          我已保存密钥
        </Button>
      }
    >
      {shown && (
        <>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            message="密钥只显示这一次"
            description="关闭后无法再次查看。请现在复制，填入收银系统的 x-cashier-key 设置；丢失了只能轮换出新密钥。"
          />
          <Typography.Paragraph>
            终端：{shown.till.name}（门店 {shown.till.storeCode}）
            {shown.rotated && '，旧密钥已立即失效'}
          </Typography.Paragraph>
          <Typography.Paragraph copyable={{ text: shown.key, tooltips: ['复制', '已复制'] }} code style={{ fontSize: 15, wordBreak: 'break-all' }} data-testid="till-key">
            {shown.key}
          </Typography.Paragraph>
        </>
      )}
    </Modal>
  )
}

function CreateTillModal({ open, onClose, onCreated, defaultStore }: { open: boolean; onClose: () => void; onCreated: (r: { till: Till; key: string }) => void; defaultStore?: string }) {
  const stores = useStoreOptions()
  const client = useQueryClient()
  const [form] = Form.useForm<{ storeCode: string; name: string }>()
  const showError = useFormError(form, { STORE_NOT_FOUND: 'storeCode' })
  const create = useMutation({
    mutationFn: (values: { storeCode: string; name: string }) => api('POST /api/admin/tills', { body: { storeCode: values.storeCode, name: values.name.trim() } }),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: ['tills'] })
      onClose()
      onCreated(result)
    },
    onError: (error) => {
      // Not idempotent (the key cannot be answered twice): after a lost answer the till may exist.
      if (error instanceof ApiError && error.unanswered) {
        void client.invalidateQueries({ queryKey: ['tills'] })
        form.setFields([{ name: 'name', errors: ['网络中断，终端可能已经创建：请先查看列表，如已创建请「轮换密钥」取得密钥'] }])
        return
      }
      showError(error)
    }
  })
  return (
    <Modal
      title="新建收银终端"
      open={open}
      onCancel={onClose}
      okText="创建"
      confirmLoading={create.isPending}
      destroyOnHidden
      onOk={() => void form.validateFields().then((v) => create.mutate(v)).catch(() => {})}
    >
      <Form form={form} layout="vertical" preserve={false} initialValues={{ storeCode: defaultStore }}>
        <Form.Item label="门店" name="storeCode" rules={[{ required: true, message: '请选择门店' }]} extra="终端只能为这家门店记账">
          <Select
            showSearch
            optionFilterProp="label"
            loading={stores.isPending}
            options={stores.data?.filter((s) => s.open).map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
          />
        </Form.Item>
        <Form.Item label="终端名称" name="name" rules={[{ required: true, whitespace: true, message: '请输入终端名称' }]}>
          <Input maxLength={32} placeholder="如 1 号收银台" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

export default function TillsPage() {
  const can = useCan()
  const { message } = App.useApp()
  const client = useQueryClient()
  const stores = useStoreOptions()
  const [storeCode, setStoreCode] = useState<string | undefined>()
  const [creating, setCreating] = useState(false)
  const [shown, setShown] = useState<{ till: Till; key: string; rotated: boolean } | null>(null)
  const tills = useQuery({ queryKey: ['tills', storeCode ?? null], queryFn: async () => (await api('GET /api/admin/tills', { query: { storeCode } })).items })
  const writable = can('tills:write')
  const storeName = (code: string) => stores.data?.find((s) => s.code === code)?.name ?? code

  const rotate = useMutation({
    mutationFn: (till: Till) => api('POST /api/admin/tills/:id/rotate', { params: { id: till.id } }),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: ['tills'] })
      setShown({ ...result, rotated: true })
    },
    onError: (error) => {
      if (error instanceof ApiError && error.unanswered) {
        void client.invalidateQueries({ queryKey: ['tills'] })
        void message.error('网络中断，密钥可能已经轮换：请再轮换一次以取得新密钥')
        return
      }
      void message.error(errorMessage(error))
    }
  })
  const revoke = useMutation({
    mutationFn: (till: Till) => api('POST /api/admin/tills/:id/revoke', { params: { id: till.id } }),
    onSuccess: (till) => {
      void client.invalidateQueries({ queryKey: ['tills'] })
      void message.success(`${till.name} 已吊销`)
    },
    onError: (error) => void message.error(errorMessage(error))
  })

  return (
    <>
      <PageHeader
        title="收银终端"
        sub="每台收银机一把自己的密钥，只能为所属门店记账"
        extra={
          writable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新建终端
            </Button>
          )
        }
      />
      <Card>
        <Space style={{ marginBottom: 12 }}>
          <Typography.Text>门店</Typography.Text>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder="全部门店"
            style={{ width: 240 }}
            value={storeCode}
            onChange={setStoreCode}
            loading={stores.isPending}
            options={stores.data?.map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
          />
        </Space>
        {tills.isError ? (
          <ErrorState error={tills.error} onRetry={() => void tills.refetch()} />
        ) : (
          <Table<Till>
            rowKey="id"
            loading={tills.isFetching}
            dataSource={tills.data ?? []}
            pagination={(tills.data?.length ?? 0) > 20 ? { pageSize: 20 } : false}
            scroll={{ x: 1000 }}
            locale={{
              emptyText: tills.isPending ? ' ' : (
                <EmptyState
                  description={writable ? '还没有收银终端。新建一台，把密钥填进收银系统即可扫会员码记账' : '还没有收银终端'}
                  action={writable ? <Button onClick={() => setCreating(true)}>新建终端</Button> : undefined}
                />
              )
            }}
            columns={[
              { title: '名称', dataIndex: 'name' },
              { title: '门店', dataIndex: 'storeCode', render: (v: string) => `${storeName(v)}（${v}）` },
              { title: '密钥前缀', dataIndex: 'keyPrefix', width: 120, render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
              { title: '状态', key: 'state', width: 90, render: (_, t) => (t.revokedAt ? <Tag color="red">已吊销</Tag> : <Tag color="green">使用中</Tag>) },
              { title: '创建时间', dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
              { title: '上次轮换', dataIndex: 'rotatedAt', width: 150, render: (v: string | null) => formatDateTime(v) },
              { title: '最近使用', dataIndex: 'lastUsedAt', width: 150, render: (v: string | null) => (v ? formatDateTime(v) : '从未使用') },
              ...(writable
                ? [
                    {
                      title: '操作',
                      key: 'actions',
                      width: 170,
                      render: (_: unknown, till: Till) =>
                        till.revokedAt ? (
                          <Typography.Text type="secondary">已于 {formatDateTime(till.revokedAt)} 吊销</Typography.Text>
                        ) : (
                          <Space size={0}>
                            <Popconfirm
                              title={`轮换 ${till.name} 的密钥？`}
                              description="旧密钥立即失效，收银机要换上新密钥才能继续记账"
                              okText="轮换"
                              onConfirm={() => rotate.mutateAsync(till).catch(() => {})}
                            >
                              <Button type="link" size="small" loading={rotate.isPending && rotate.variables?.id === till.id}>
                                轮换密钥
                              </Button>
                            </Popconfirm>
                            <Popconfirm
                              title={`吊销 ${till.name}？`}
                              description="吊销后这台终端永久不能再记账，不能恢复"
                              okText="吊销"
                              okButtonProps={{ danger: true }}
                              onConfirm={() => revoke.mutateAsync(till).catch(() => {})}
                            >
                              <Button type="link" size="small" danger loading={revoke.isPending && revoke.variables?.id === till.id}>
                                吊销
                              </Button>
                            </Popconfirm>
                          </Space>
                        )
                    }
                  ]
                : [])
            ]}
          />
        )}
      </Card>
      <CreateTillModal open={creating} onClose={() => setCreating(false)} defaultStore={storeCode} onCreated={(r) => setShown({ ...r, rotated: false })} />
      <KeyModal shown={shown} onClose={() => setShown(null)} />
    </>
  )
}
