import { useNavigate } from 'react-router'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Form, Input } from 'antd'
import { api } from '../api/client'
import { PageHeader } from '../components/PageHeader'
import { useFormError } from '../components/form-errors'
import { renewSession, useSession } from '../session'

interface PasswordForm {
  currentPassword: string
  newPassword: string
  confirm: string
}

export default function PasswordPage() {
  const session = useSession()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const { message } = App.useApp()
  const [form] = Form.useForm<PasswordForm>()
  const showError = useFormError(form, { PASSWORD_WRONG: 'currentPassword', PASSWORD_TOO_WEAK: 'newPassword' })

  const change = useMutation({
    mutationFn: (values: PasswordForm) => api('POST /api/admin/auth/password', { body: { currentPassword: values.currentPassword, newPassword: values.newPassword } }),
    onSuccess: (renewed) => {
      renewSession(queryClient, renewed)
      form.resetFields()
      void message.success('密码已修改，其他设备上的登录已退出')
      navigate('/', { replace: true })
    },
    onError: showError
  })

  return (
    <>
      <PageHeader title="修改密码" />
      <Card style={{ maxWidth: 520 }}>
        {session.mustChangePassword && (
          <Alert type="warning" showIcon style={{ marginBottom: 16 }} message="请先设置一个只有您知道的新密码" description="当前密码是别人为您设置的初始密码。" />
        )}
        <Form form={form} layout="vertical" onFinish={(values) => change.mutate(values)}>
          {/* For password managers: which account this new password belongs to. */}
          <input type="text" name="username" autoComplete="username" value={session.operator.username} readOnly hidden />
          <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
            <Input.Password autoComplete="current-password" maxLength={128} />
          </Form.Item>
          <Form.Item
            label="新密码"
            name="newPassword"
            dependencies={['currentPassword']}
            extra="至少 10 位，不能包含用户名，也不能与当前密码相同；一句好记的长句子比复杂的短密码更安全"
            rules={[
              { required: true, message: '请输入新密码' },
              { min: 10, message: '新密码至少 10 位' },
              {
                validator: (_, value: string | undefined) =>
                  value && value.toLowerCase().includes(session.operator.username.toLowerCase()) ? Promise.reject(new Error('不能包含用户名')) : Promise.resolve()
              },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) => (value && value === getFieldValue('currentPassword') ? Promise.reject(new Error('新密码不能与当前密码相同')) : Promise.resolve())
              })
            ]}
          >
            <Input.Password autoComplete="new-password" maxLength={128} />
          </Form.Item>
          <Form.Item
            label="确认新密码"
            name="confirm"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) => (!value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致')))
              })
            ]}
          >
            <Input.Password autoComplete="new-password" maxLength={128} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            修改密码
          </Button>
        </Form>
      </Card>
    </>
  )
}
