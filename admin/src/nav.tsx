import type { ReactNode } from 'react'
import { AuditOutlined, CustomerServiceOutlined, DesktopOutlined, ShoppingOutlined, SafetyCertificateOutlined, SettingOutlined, ShopOutlined, TeamOutlined, UserSwitchOutlined } from '@ant-design/icons'
import type { Permission } from '../../types'

export interface NavItem {
  path: string
  label: string
  icon: ReactNode
  permission: Permission
}

/** The side menu; an item shows only to roles whose permissions include its own. */
export const navItems: NavItem[] = [
  { path: '/members', label: '会员', icon: <TeamOutlined />, permission: 'members:read' },
  { path: '/orders', label: '订单', icon: <ShoppingOutlined />, permission: 'orders:read' },
  { path: '/aftersales', label: '售后', icon: <CustomerServiceOutlined />, permission: 'orders:read' },
  { path: '/adjustments', label: '积分审批', icon: <SafetyCertificateOutlined />, permission: 'members:read' },
  { path: '/rules', label: '规则', icon: <SettingOutlined />, permission: 'rules:read' },
  { path: '/stores', label: '门店与导购', icon: <ShopOutlined />, permission: 'stores:read' },
  { path: '/tills', label: '收银终端', icon: <DesktopOutlined />, permission: 'tills:read' },
  { path: '/audit', label: '操作日志', icon: <AuditOutlined />, permission: 'audit:read' },
  { path: '/accounts', label: '账号', icon: <UserSwitchOutlined />, permission: 'accounts:manage' }
]
