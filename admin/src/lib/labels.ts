// zh-CN names for the states and codes the server answers as plain strings.

const fallback = (table: Record<string, string>, value: string) => table[value] ?? value

const orderStatus: Record<string, string> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  refunded: '已退款'
}
export const orderStatusName = (s: string) => fallback(orderStatus, s)

const couponStatus: Record<string, string> = { available: '可使用', used: '已使用', expired: '已过期' }
export const couponStatusName = (s: string) => fallback(couponStatus, s)

const prizeKind: Record<string, string> = { points: '积分', coupon: '优惠券', physical: '实物', thanks: '谢谢参与' }
export const prizeKindName = (s: string) => fallback(prizeKind, s)

const prizeStatus: Record<string, string> = { awarded: '已发放', to_claim: '待领取', claimed: '已领取', shipped: '已发货', expired: '已过期' }
export const prizeStatusName = (s: string) => fallback(prizeStatus, s)

const inviteStatus: Record<string, string> = { pending: '未入会', joined: '已入会', ineligible: '不符合奖励条件', held: '待审核' }
export const inviteStatusName = (s: string) => fallback(inviteStatus, s)

const saleStatus: Record<string, string> = { recorded: '已记账', completed: '已完成', refunded: '已退款', partially_refunded: '部分退款' }
export const saleStatusName = (s: string) => fallback(saleStatus, s)

const tierChangeKind: Record<string, string> = {
  upgrade: '升级',
  review_keep: '年度复核保级',
  review_downgrade: '年度复核降级',
  operator: '人工设置'
}
export const tierChangeKindName = (s: string) => fallback(tierChangeKind, s)

const entryCategory: Record<string, string> = {
  earned: '获得',
  used: '使用',
  returned: '退回',
  reversed: '冲正',
  expired: '过期',
  adjusted: '调整'
}
export const entryCategoryName = (s: string) => fallback(entryCategory, s)

export const adjustmentStatusNames: Record<'pending' | 'posted' | 'rejected', string> = {
  pending: '待审批',
  posted: '已入账',
  rejected: '已驳回'
}

const actorKind: Record<string, string> = { operator: '后台账号', till: '收银终端', service: '系统' }
export const actorKindName = (s: string) => fallback(actorKind, s)

/** What an audit entry's action did, for the routes and events operators meet most. */
const actions: Record<string, string> = {
  login: '登录',
  logout: '退出登录',
  password_change: '修改密码',
  login_failed: '登录失败',
  'POST /api/admin/auth/login': '登录',
  'POST /api/admin/auth/logout': '退出登录',
  'POST /api/admin/auth/password': '修改密码',
  'POST /api/admin/accounts': '新建账号',
  'PATCH /api/admin/accounts/:id': '修改账号',
  'POST /api/admin/members/:memberNo/tags': '添加会员标签',
  'DELETE /api/admin/members/:memberNo/tags/:tag': '移除会员标签',
  'POST /api/admin/members/:memberNo/tier': '设置会员等级',
  'POST /api/admin/members/:memberNo/birthday': '修正会员生日',
  'POST /api/admin/points/adjustments': '调整积分',
  'POST /api/admin/points/adjustments/:id/approve': '批准积分调整',
  'POST /api/admin/points/adjustments/:id/reject': '驳回积分调整',
  'PUT /api/admin/rules': '修改规则',
  'POST /api/admin/stores': '新建门店',
  'PATCH /api/admin/stores/:code': '修改门店',
  'POST /api/admin/stores/:code/staff': '添加导购',
  'PATCH /api/admin/stores/:code/staff/:staffCode': '修改导购',
  'POST /api/admin/tills': '新建收银终端',
  'POST /api/admin/tills/:id/rotate': '轮换终端密钥',
  'POST /api/admin/tills/:id/revoke': '吊销收银终端',
  'POST /api/admin/members/export': '导出会员',
  'GET /api/admin/members/export': '导出会员',
  'POST /api/admin/orders/:orderNo/ship': '订单发货',
  'POST /api/admin/orders/ship-batch': '批量发货',
  'POST /api/admin/aftersales/:aftersaleNo/approve': '同意售后',
  'POST /api/admin/aftersales/:aftersaleNo/reject': '拒绝售后',
  'POST /api/admin/aftersales/:aftersaleNo/receive': '确认退货收货',
  'POST /api/cashier/sales': '门店消费记账'
}
export const actionName = (s: string) => actions[s] ?? null

/** What the server records as `target.type`: the route's first segment after /api/admin/, or a named kind. */
export const targetTypes: { value: string; label: string }[] = [
  { value: 'members', label: '会员' },
  { value: 'points', label: '积分调整' },
  { value: 'rules', label: '规则' },
  { value: 'stores', label: '门店' },
  { value: 'staff', label: '导购' },
  { value: 'tills', label: '收银终端' },
  { value: 'accounts', label: '后台账号' },
  { value: 'sales', label: '门店消费' },
  { value: 'orders', label: '订单' },
  { value: 'aftersales', label: '售后' }
]

const targetTypeNames = Object.fromEntries(targetTypes.map((t) => [t.value, t.label]))
export const targetTypeName = (s: string) => fallback(targetTypeNames, s)
