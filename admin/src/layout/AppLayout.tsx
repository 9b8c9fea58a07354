import { useState } from 'react'
import { Link, Outlet, useLocation, useNavigate } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Layout, Menu, Space, Tag, Typography } from 'antd'
import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons'
import { can, roleNames } from '../../../types/permissions'
import { api, ApiError } from '../api/client'
import { navItems } from '../nav'
import { dropSession, useSession } from '../session'

export function AppLayout() {
  const session = useSession()
  const { operator } = session
  const location = useLocation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const [collapsed, setCollapsed] = useState(false)

  const items = navItems.filter((item) => can(operator.role, item.permission))
  const selected = items.find((item) => location.pathname === item.path || location.pathname.startsWith(`${item.path}/`))

  const logout = useMutation({
    mutationFn: () => api('POST /api/admin/auth/logout'),
    onSuccess: () => {
      dropSession(queryClient)
      navigate('/login', { replace: true })
    },
    onError: (error) => {
      // Already signed out on the server: nothing left to end.
      if (error instanceof ApiError && error.status === 401) {
        dropSession(queryClient)
        navigate('/login', { replace: true })
        return
      }
      void message.error(error instanceof ApiError ? error.message : '退出失败，请重试')
    }
  })

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={200} theme="dark" style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
        <div style={{ height: 56, display: 'flex', alignItems: 'center', justifyContent: 'center', color: '#fff', fontWeight: 600, fontSize: collapsed ? 14 : 16, whiteSpace: 'nowrap' }}>
          {collapsed ? '运营' : 'Loyalty Mall 运营后台'}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected ? [selected.path] : []}
          items={items.map((item) => ({ key: item.path, icon: item.icon, label: <Link to={item.path}>{item.label}</Link> }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', borderBottom: '1px solid #f0f0f0' }}>
          <Space size="middle">
            <Space size={6}>
              <UserOutlined />
              <Typography.Text strong data-testid="operator-name">{operator.displayName}</Typography.Text>
              <Tag color="gold" data-testid="operator-role">{roleNames[operator.role]}</Tag>
              {operator.storeCodes.length > 0 && <Typography.Text type="secondary">{operator.storeCodes.join('、')}</Typography.Text>}
            </Space>
            <Button type="text" icon={<KeyOutlined />} onClick={() => navigate('/password')}>
              修改密码
            </Button>
            <Button type="text" icon={<LogoutOutlined />} loading={logout.isPending} onClick={() => logout.mutate()}>
              退出登录
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          {session.mustChangePassword && location.pathname !== '/password' && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              message="您仍在使用别人为您设置的初始密码，请尽快修改"
              action={
                <Button size="small" type="primary" onClick={() => navigate('/password')}>
                  修改密码
                </Button>
              }
            />
          )}
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  )
}
