import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd'
import { PlusOutlined, QrcodeOutlined } from '@ant-design/icons'
import type { AdminStore } from '../../../types'
import { api, errorMessage, saveFile } from '../api/client'
import { useFormError } from '../components/form-errors'
import { PageHeader } from '../components/PageHeader'
import { EmptyState, ErrorState, PageLoading } from '../components/states'
import { formatNumber } from '../lib/format'
import { drawPoster } from '../lib/poster'
import { useCan } from '../session'

type StaffRow = AdminStore['staff'][number]
const STORES_KEY = ['admin-stores']

interface StoreForm {
  code: string
  name: string
  city: string
  address: string
  phone?: string
}

function StoreModal({ store, open, onClose }: { store: AdminStore | null; open: boolean; onClose: () => void }) {
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<StoreForm>()
  const showError = useFormError(form, { STORE_CODE_TAKEN: 'code' })
  const save = useMutation({
    mutationFn: (values: StoreForm) => {
      const fields = { name: values.name.trim(), city: values.city.trim(), address: values.address.trim(), phone: values.phone?.trim() ? values.phone.trim() : null }
      return store
        ? api('PATCH /api/admin/stores/:code', { params: { code: store.code }, body: fields })
        : api('POST /api/admin/stores', { body: { code: values.code.trim().toUpperCase(), ...fields } })
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['stores-page'] })
      void client.invalidateQueries({ queryKey: STORES_KEY })
      void message.success(store ? '门店已保存' : `门店 ${saved.name} 已开业`)
      onClose()
    },
    onError: showError
  })
  return (
    <Modal
      title={store ? `编辑门店 ${store.code}` : '新建门店'}
      open={open}
      onCancel={onClose}
      okText="保存"
      confirmLoading={save.isPending}
      destroyOnHidden
      onOk={() => void form.validateFields().then((v) => save.mutate(v)).catch(() => {})}
    >
      <Form form={form} layout="vertical" preserve={false} initialValues={store ? { ...store, phone: store.phone ?? '' } : undefined}>
        <Form.Item
          label="门店编号"
          name="code"
          rules={store ? [] : [{ required: true, message: '请输入门店编号' }, { pattern: /^[A-Z0-9]{2,12}$/, message: '2–12 位大写字母或数字，如 SH003' }]}
          extra={store ? '门店编号印在门店码里，不能修改' : '印在门店码里，创建后不能修改'}
          normalize={(v: string) => v?.toUpperCase()}
        >
          <Input disabled={!!store} maxLength={12} placeholder="如 SH003" />
        </Form.Item>
        <Form.Item label="门店名称" name="name" rules={[{ required: true, whitespace: true, message: '请输入门店名称' }]}>
          <Input maxLength={64} placeholder="如 上海静安寺店" />
        </Form.Item>
        <Form.Item label="城市" name="city" rules={[{ required: true, whitespace: true, message: '请输入城市' }]}>
          <Input maxLength={32} placeholder="如 上海" />
        </Form.Item>
        <Form.Item label="地址" name="address" rules={[{ required: true, whitespace: true, message: '请输入地址' }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label="电话" name="phone" rules={[{ pattern: /^[0-9+() -]{5,20}$/, message: '5–20 位数字，可含 + ( ) - 和空格' }]}>
          <Input maxLength={20} placeholder="选填" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

function StaffModal({ store, staff, onClose }: { store: AdminStore | null; staff: StaffRow | null; onClose: () => void }) {
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<{ code: string; name: string }>()
  const showError = useFormError(form, { STAFF_CODE_TAKEN: 'code' })
  const save = useMutation({
    mutationFn: (values: { code: string; name: string }) =>
      staff
        ? api('PATCH /api/admin/stores/:code/staff/:staffCode', { params: { code: store!.code, staffCode: staff.code }, body: { name: values.name.trim() } })
        : api('POST /api/admin/stores/:code/staff', { params: { code: store!.code }, body: { code: values.code.trim().toUpperCase(), name: values.name.trim() } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['stores-page'] })
      void client.invalidateQueries({ queryKey: STORES_KEY })
      void message.success(staff ? '导购已改名' : '导购已添加')
      onClose()
    },
    onError: showError
  })
  return (
    <Modal
      title={staff ? `修改导购 ${staff.code}` : `为 ${store?.name ?? ''} 添加导购`}
      open={store !== null}
      onCancel={onClose}
      okText="保存"
      confirmLoading={save.isPending}
      destroyOnHidden
      onOk={() => void form.validateFields().then((v) => save.mutate(v)).catch(() => {})}
    >
      <Form form={form} layout="vertical" preserve={false} initialValues={staff ?? undefined}>
        <Form.Item
          label="导购编号"
          name="code"
          normalize={(v: string) => v?.toUpperCase()}
          rules={staff ? [] : [{ required: true, message: '请输入导购编号' }, { pattern: /^[A-Z0-9]{1,12}$/, message: '1–12 位大写字母或数字，如 E12' }]}
          extra="印在导购码里，顾客扫码入会后记在这位导购名下"
        >
          <Input disabled={!!staff} maxLength={12} placeholder="如 E12" />
        </Form.Item>
        <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: '请输入姓名' }]}>
          <Input maxLength={32} />
        </Form.Item>
      </Form>
    </Modal>
  )
}

/** Fetches the code image and turns it into a poster PNG download; one at a time per button. */
function useCodeDownload() {
  const { message } = App.useApp()
  const client = useQueryClient()
  const [busy, setBusy] = useState<string | null>(null)
  const download = async (store: AdminStore, staff?: StaffRow) => {
    const id = `${store.code}/${staff?.code ?? ''}`
    setBusy(id)
    try {
      const [code, rules] = await Promise.all([
        api('GET /api/admin/stores/:code/mini-program-code', { params: { code: store.code }, query: staff ? { staff: staff.code } : {} }),
        client.fetchQuery({ queryKey: ['points-rules'], queryFn: () => api('GET /api/points/rules'), staleTime: 60_000 }).catch(() => null)
      ])
      const tagline = rules && rules.welcomePoints > 0 ? `扫码加入会员 · 入会即送 ${formatNumber(rules.welcomePoints)} 积分` : '扫码加入会员 · 入会即送积分'
      const poster = await drawPoster({ storeName: store.name, storeAddress: store.address, imageUrl: code.dataUrl, tagline, staffName: staff?.name })
      saveFile(poster, staff ? `导购码-${store.code}-${staff.code}-${staff.name}.png` : `门店码-${store.code}-${store.name}.png`)
    } catch (error) {
      void message.error(error instanceof Error && error.name !== 'ApiError' ? '生成海报失败，请重试' : errorMessage(error))
    } finally {
      setBusy(null)
    }
  }
  return { download, busy }
}

function StaffTable({ store, onEdit }: { store: AdminStore; onEdit: (staff: StaffRow | null) => void }) {
  const can = useCan()
  const { message } = App.useApp()
  const client = useQueryClient()
  const { download, busy } = useCodeDownload()
  const toggle = useMutation({
    mutationFn: (staff: StaffRow) => api('PATCH /api/admin/stores/:code/staff/:staffCode', { params: { code: store.code, staffCode: staff.code }, body: { active: !staff.active } }),
    onSuccess: (_, staff) => {
      void client.invalidateQueries({ queryKey: ['stores-page'] })
      void client.invalidateQueries({ queryKey: STORES_KEY })
      void message.success(staff.active ? `${staff.name} 已停用，TA 的导购码不再绑定新会员` : `${staff.name} 已恢复`)
    },
    onError: (error) => void message.error(errorMessage(error))
  })
  const writable = can('staff:write')
  return (
    <div style={{ padding: '4px 0 8px 24px' }}>
      <Space style={{ marginBottom: 8 }}>
        <Typography.Text strong>导购（{store.staff.length}）</Typography.Text>
        {writable && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => onEdit(null)}>
            添加导购
          </Button>
        )}
      </Space>
      <Table<StaffRow>
        rowKey="code"
        size="small"
        pagination={false}
        dataSource={store.staff}
        locale={{ emptyText: <EmptyState description={writable ? '还没有导购，添加后可下载每位导购的专属码' : '还没有导购'} /> }}
        columns={[
          { title: '编号', dataIndex: 'code', width: 100 },
          { title: '姓名', dataIndex: 'name' },
          { title: '名下会员', dataIndex: 'members', width: 100, align: 'right', render: (v: number) => formatNumber(v) },
          { title: '状态', dataIndex: 'active', width: 80, render: (v: boolean) => (v ? <Tag color="green">在职</Tag> : <Tag>已停用</Tag>) },
          {
            title: '操作',
            key: 'actions',
            width: 300,
            render: (_, staff) => (
              <Space size={0}>
                {staff.active && (
                  <Button type="link" size="small" icon={<QrcodeOutlined />} loading={busy === `${store.code}/${staff.code}`} disabled={!store.open} onClick={() => void download(store, staff)}>
                    下载导购码
                  </Button>
                )}
                {writable && (
                  <Button type="link" size="small" onClick={() => onEdit(staff)}>
                    改名
                  </Button>
                )}
                {writable &&
                  (staff.active ? (
                    <Popconfirm title={`停用 ${staff.name}？`} description="停用后 TA 的导购码扫码不再绑定导购，已有会员不受影响" okText="停用" okButtonProps={{ danger: true }} onConfirm={() => toggle.mutateAsync(staff).catch(() => {})}>
                      <Button type="link" size="small" danger loading={toggle.isPending && toggle.variables?.code === staff.code}>
                        停用
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button type="link" size="small" loading={toggle.isPending && toggle.variables?.code === staff.code} onClick={() => toggle.mutate(staff)}>
                      恢复
                    </Button>
                  ))}
              </Space>
            )
          }
        ]}
      />
    </div>
  )
}

export default function StoresPage() {
  const can = useCan()
  const { message } = App.useApp()
  const client = useQueryClient()
  const stores = useQuery({ queryKey: ['stores-page'], queryFn: async () => (await api('GET /api/admin/stores')).items })
  const [editing, setEditing] = useState<{ store: AdminStore | null } | null>(null)
  const [staffEdit, setStaffEdit] = useState<{ store: AdminStore; staff: StaffRow | null } | null>(null)
  const { download, busy } = useCodeDownload()
  const toggle = useMutation({
    mutationFn: (store: AdminStore) => api('PATCH /api/admin/stores/:code', { params: { code: store.code }, body: { open: !store.open } }),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['stores-page'] })
      void client.invalidateQueries({ queryKey: STORES_KEY })
      void message.success(saved.open ? `${saved.name} 已恢复营业` : `${saved.name} 已关闭`)
    },
    onError: (error) => void message.error(errorMessage(error))
  })
  const writable = can('stores:write')

  return (
    <>
      <PageHeader
        title="门店与导购"
        sub="下载门店码或导购码海报，打印后放在收银台；顾客扫码即可入会"
        extra={
          writable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ store: null })}>
              新建门店
            </Button>
          )
        }
      />
      <Card>
        {stores.isPending ? (
          <PageLoading />
        ) : stores.isError ? (
          <ErrorState error={stores.error} onRetry={() => void stores.refetch()} />
        ) : (
          <Table<AdminStore>
            rowKey="code"
            dataSource={stores.data}
            loading={stores.isFetching && !stores.isPending}
            pagination={stores.data.length > 20 ? { pageSize: 20 } : false}
            scroll={{ x: 1150 }}
            expandable={{ expandedRowRender: (store) => <StaffTable store={store} onEdit={(staff) => setStaffEdit({ store, staff })} /> }}
            locale={{ emptyText: <EmptyState description={writable ? '还没有门店，点右上角「新建门店」' : '没有您可以查看的门店'} /> }}
            columns={[
              { title: '编号', dataIndex: 'code', width: 90 },
              { title: '名称', dataIndex: 'name', width: 180 },
              { title: '城市', dataIndex: 'city', width: 70 },
              { title: '地址', dataIndex: 'address', ellipsis: { showTitle: true } },
              { title: '电话', dataIndex: 'phone', width: 130, render: (v: string | null) => v ?? '—' },
              { title: '会员', dataIndex: 'members', width: 80, align: 'right', render: (v: number) => formatNumber(v) },
              { title: '导购', key: 'staff', width: 70, align: 'right', render: (_, s) => s.staff.filter((x) => x.active).length },
              { title: '状态', dataIndex: 'open', width: 90, render: (v: boolean) => (v ? <Tag color="green">营业中</Tag> : <Tag color="red">已关闭</Tag>) },
              {
                title: '操作',
                key: 'actions',
                width: 260,
                fixed: 'right',
                render: (_, store) => (
                  <Space size={0}>
                    <Button type="link" size="small" icon={<QrcodeOutlined />} disabled={!store.open} loading={busy === `${store.code}/`} onClick={() => void download(store)}>
                      下载门店码
                    </Button>
                    {writable && (
                      <Button type="link" size="small" onClick={() => setEditing({ store })}>
                        编辑
                      </Button>
                    )}
                    {writable &&
                      (store.open ? (
                        <Popconfirm
                          title={`关闭 ${store.name}？`}
                          description="关闭后顾客不能再扫这家门店的码入会，收银终端也不能记账；已有会员不受影响"
                          okText="关闭门店"
                          okButtonProps={{ danger: true }}
                          onConfirm={() => toggle.mutateAsync(store).catch(() => {})}
                        >
                          <Button type="link" size="small" danger loading={toggle.isPending && toggle.variables?.code === store.code}>
                            关闭
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Popconfirm title={`恢复 ${store.name} 营业？`} okText="恢复营业" onConfirm={() => toggle.mutateAsync(store).catch(() => {})}>
                          <Button type="link" size="small" loading={toggle.isPending && toggle.variables?.code === store.code}>
                            恢复营业
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
      <StoreModal store={editing?.store ?? null} open={editing !== null} onClose={() => setEditing(null)} />
      <StaffModal store={staffEdit?.store ?? null} staff={staffEdit?.staff ?? null} onClose={() => setStaffEdit(null)} />
    </>
  )
}
