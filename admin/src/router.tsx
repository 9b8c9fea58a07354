import { lazy, Suspense, type ReactNode } from 'react'
import { createBrowserRouter, Navigate, useLocation } from 'react-router'
import { RouterProvider } from 'react-router/dom'
import { Result, Button, Spin } from 'antd'
import type { Permission } from '../../types'
import { can } from '../../types/permissions'
import { ErrorState, Forbidden } from './components/states'
import { AppLayout } from './layout/AppLayout'
import { navItems } from './nav'
import { useSessionQuery } from './session'
import LoginPage from './pages/Login'

const MembersPage = lazy(() => import('./pages/Members'))
const MemberDetailPage = lazy(() => import('./pages/MemberDetail'))
const AdjustmentsPage = lazy(() => import('./pages/Adjustments'))
const OrdersPage = lazy(() => import('./pages/orders/Orders'))
const OrderDetailPage = lazy(() => import('./pages/orders/OrderDetail'))
const AftersalesPage = lazy(() => import('./pages/aftersales/Aftersales'))
const RulesPage = lazy(() => import('./pages/Rules'))
const StoresPage = lazy(() => import('./pages/Stores'))
const TillsPage = lazy(() => import('./pages/Tills'))
const AuditPage = lazy(() => import('./pages/Audit'))
const AccountsPage = lazy(() => import('./pages/Accounts'))
const PasswordPage = lazy(() => import('./pages/Password'))

function FullPageSpin() {
  return (
    <div style={{ height: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" />
    </div>
  )
}

/** The console's pages need a session; without one they go to 登录 and come back after. */
function RequireSession({ children }: { children: ReactNode }) {
  const session = useSessionQuery()
  const location = useLocation()
  if (session.isPending) return <FullPageSpin />
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />
  if (!session.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />
  return <>{children}</>
}

function Guard({ permission, children }: { permission: Permission; children: ReactNode }) {
  const session = useSessionQuery()
  if (!session.data || !can(session.data.operator.role, permission)) return <Forbidden />
  return <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>{children}</Suspense>
}

/** The first page the role may open. */
function Home() {
  const session = useSessionQuery()
  const role = session.data?.operator.role
  const first = role && navItems.find((item) => can(role, item.permission))
  return <Navigate to={first ? first.path : '/password'} replace />
}

function NotFound() {
  return <Result status="404" title="页面不存在" subTitle="链接可能已失效" extra={<Button href="/admin/">返回首页</Button>} />
}

const router = createBrowserRouter(
  [
    { path: '/login', element: <LoginPage /> },
    {
      path: '/',
      element: (
        <RequireSession>
          <AppLayout />
        </RequireSession>
      ),
      children: [
        { index: true, element: <Home /> },
        { path: 'members', element: <Guard permission="members:read"><MembersPage /></Guard> },
        { path: 'members/:memberNo', element: <Guard permission="members:read"><MemberDetailPage /></Guard> },
        { path: 'orders', element: <Guard permission="orders:read"><OrdersPage /></Guard> },
        { path: 'orders/:orderNo', element: <Guard permission="orders:read"><OrderDetailPage /></Guard> },
        { path: 'aftersales', element: <Guard permission="orders:read"><AftersalesPage /></Guard> },
        { path: 'adjustments', element: <Guard permission="members:read"><AdjustmentsPage /></Guard> },
        { path: 'rules', element: <Guard permission="rules:read"><RulesPage /></Guard> },
        { path: 'stores', element: <Guard permission="stores:read"><StoresPage /></Guard> },
        { path: 'tills', element: <Guard permission="tills:read"><TillsPage /></Guard> },
        { path: 'audit', element: <Guard permission="audit:read"><AuditPage /></Guard> },
        { path: 'accounts', element: <Guard permission="accounts:manage"><AccountsPage /></Guard> },
        { path: 'password', element: <Guard permission="self"><PasswordPage /></Guard> },
        { path: '*', element: <NotFound /> }
      ]
    }
  ],
  { basename: '/admin' }
)

export function AppRouter() {
  return <RouterProvider router={router} />
}
