// Operator roles and what each may do: the one table the server enforces and the console reads.
// Default deny: a permission a role does not list here is refused, and every operator route of the
// contract names the permission it needs (a route without one does not start).

export const ROLES = ['super_admin', 'operations', 'store_manager', 'support', 'read_only'] as const
export type Role = (typeof ROLES)[number]

export const roleNames: Record<Role, string> = {
  super_admin: '超级管理员',
  operations: '运营',
  store_manager: '门店店长',
  support: '客服',
  read_only: '只读'
}

export const permissionNames = {
  self: '登录、修改自己的密码',
  'members:read': '查看会员',
  'members:write': '修改会员等级、生日、标签',
  'points:adjust': '调整会员积分',
  'points:approve': '审批大额积分调整',
  'rules:read': '查看积分与等级规则',
  'rules:write': '修改积分与等级规则',
  'stores:read': '查看门店与导购',
  'stores:write': '新建、修改、关闭门店',
  'staff:write': '添加、停用导购',
  'tills:read': '查看收银终端',
  'tills:write': '新建、轮换、吊销收银终端',
  'campaigns:read': '查看优惠券、抽奖、邀请',
  'campaigns:write': '管理优惠券、抽奖、邀请',
  'orders:read': '查看订单',
  'orders:write': '订单发货',
  'audit:read': '查看操作日志',
  'accounts:manage': '管理后台账号与角色',
  // Development servers only (the route does not exist in production); super_admin alone.
  'clock:write': '拨快开发环境的业务时钟'
} as const
export type Permission = keyof typeof permissionNames

const READS: Permission[] = ['members:read', 'rules:read', 'stores:read', 'tills:read', 'campaigns:read', 'orders:read', 'audit:read']

export const rolePermissions: Record<Role, readonly Permission[]> = {
  super_admin: Object.keys(permissionNames) as Permission[],
  operations: ['self', ...READS, 'members:write', 'points:adjust', 'points:approve', 'rules:write', 'stores:write', 'staff:write', 'campaigns:write', 'orders:write'],
  // Scoped to the manager's own stores: members who joined there, their orders, staff and tills.
  store_manager: ['self', 'members:read', 'orders:read', 'stores:read', 'staff:write', 'tills:read', 'tills:write'],
  // Small adjustments only (the limit is in operator_rules); no rules, no campaigns.
  support: ['self', 'members:read', 'points:adjust', 'orders:read'],
  read_only: ['self', ...READS]
}

export const can = (role: Role, permission: Permission) => rolePermissions[role].includes(permission)

/** Roles whose view is limited to the stores on their account. */
export const isStoreScoped = (role: Role) => role === 'store_manager'
