import { useEffect, useState } from 'react'
import { Navigate, useLocation } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, Button, Card, Form, Input, Typography } from 'antd'
import { LockOutlined, UserOutlined } from '@ant-design/icons'
import { api, errorMessage } from '../api/client'
import { adoptSession, clearSessionLostNotice, sessionLostNotice, useSessionQuery } from '../session'

interface LoginForm {
  username: string
  password: string
}

export default function LoginPage() {
  const location = useLocation()
  const queryClient = useQueryClient()
  const session = useSessionQuery()
  const [form] = Form.useForm<LoginForm>()
  const [failure, setFailure] = useState<string | null>(null)
  const [notice] = useState(sessionLostNotice)
  const from = (location.state as { from?: string } | null)?.from

  useEffect(() => {
    document.title = '登录 · 运营后台'
    clearSessionLostNotice()
  }, [])

  const login = useMutation({
    mutationFn: (values: LoginForm) => api('POST /api/admin/auth/login', { body: { username: values.username.trim(), password: values.password } }),
    // The session's arrival re-renders this page into the redirect below.
    onSuccess: (result) => adoptSession(queryClient, result),
    onError: (error) => {
      setFailure(errorMessage(error))
      form.setFieldValue('password', '')
    }
  })

  if (session.data) return <Navigate to={session.data.mustChangePassword ? '/password' : from && from !== '/login' ? from : '/'} replace />

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(160deg, #2b2118 0%, #5a4420 100%)' }}>
      <Card style={{ width: 380 }} styles={{ body: { padding: 32 } }}>
        <Typography.Title level={3} style={{ textAlign: 'center', marginTop: 0 }}>
          运营后台
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          Loyalty Mall 会员与积分管理
        </Typography.Paragraph>
        {notice && !failure && <Alert type="info" showIcon message={notice} style={{ marginBottom: 16 }} />}
        {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => login.mutate(values)} onValuesChange={() => setFailure(null)}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus maxLength={32} placeholder="用户名" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" maxLength={128} placeholder="密码" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  )
}
