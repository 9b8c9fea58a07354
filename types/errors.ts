// Every error the API can answer with: a stable code, its HTTP status and a message a person can read.
// Plain data without a schema library, so the mini-program may import it as a value.
export const apiErrors = {
  VALIDATION_FAILED: { status: 400, message: '提交的信息有误，请检查后重试' },
  MALFORMED_REQUEST: { status: 400, message: '请求格式有误' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '请求格式不受支持' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  SESSION_INVALID: { status: 401, message: '登录状态无效，请重新进入' },
  SESSION_EXPIRED: { status: 401, message: '登录已过期，请重新进入' },
  LOGIN_CODE_INVALID: { status: 400, message: '微信登录失败，请重试' },
  CASHIER_KEY_INVALID: { status: 403, message: '收银台未授权' },
  STORE_NOT_FOUND: { status: 404, message: '门店不存在或已停止营业' },
  STAFF_NOT_FOUND: { status: 404, message: '导购不存在或已离职' },
  NOT_A_MEMBER: { status: 404, message: '您还不是会员，请先加入会员' },
  MEMBER_CODE_INVALID: { status: 400, message: '会员码无效' },
  MEMBER_CODE_EXPIRED: { status: 400, message: '会员码已过期，请让顾客刷新' },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, message: '请求缺少幂等键' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: '重复的请求与原请求内容不一致' },
  OPERATOR_KEY_INVALID: { status: 403, message: '运营后台未授权' },
  MEMBER_NOT_FOUND: { status: 404, message: '会员不存在' },
  INSUFFICIENT_POINTS: { status: 422, message: '积分不足' },
  POINTS_BELOW_MINIMUM: { status: 422, message: '使用的积分未达到最低抵扣数量' },
  POINTS_OVER_LIMIT: { status: 422, message: '使用的积分超过本单可抵扣上限' },
  SALE_ALREADY_RECORDED: { status: 409, message: '该小票已登记过' },
  SALE_NOT_FOUND: { status: 404, message: '小票不存在' },
  SALE_ALREADY_REFUNDED: { status: 409, message: '该小票已退款' },
  PRODUCT_NOT_FOUND: { status: 404, message: '商品不存在或已下架' },
  OUT_OF_STOCK: { status: 409, message: '商品库存不足' },
  ORDER_NOT_FOUND: { status: 404, message: '订单不存在' },
  ORDER_NOT_CANCELLABLE: { status: 409, message: '订单已支付或已取消，不能再取消' },
  ORDER_NOT_PAYABLE: { status: 409, message: '订单已取消、已超时或已支付' },
  ORDER_NOT_REFUNDABLE: { status: 409, message: '订单未支付或已全部退款' },
  ORDER_NOT_SHIPPED: { status: 409, message: '订单尚未发货或已确认收货' },
  ORDER_NOT_SHIPPABLE: { status: 409, message: '订单未支付、已发货或已退款' },
  REFUND_EXCEEDS_ORDER: { status: 422, message: '退款数量超过可退数量' },
  COUPON_UNAVAILABLE: { status: 422, message: '优惠券不可用（已使用、已过期或未达门槛）' },
  COUPON_TEMPLATE_NOT_FOUND: { status: 404, message: '优惠券不存在或已停用' },
  COUPON_LIMIT_REACHED: { status: 409, message: '该会员已领满这张优惠券' },
  BIRTHDAY_ALREADY_SET: { status: 409, message: '生日已设置，如需修改请联系客服' },
  TIER_NOT_FOUND: { status: 404, message: '会员等级不存在' },
  DRAW_NOT_FOUND: { status: 404, message: '抽奖活动不存在' },
  DRAW_NOT_OPEN: { status: 409, message: '不在活动时间内，活动未开始或已结束' },
  DRAW_TIER_REQUIRED: { status: 403, message: '您的会员等级暂不能参加该活动' },
  DRAW_DAILY_LIMIT: { status: 409, message: '今日抽奖次数已用完，明天再来吧' },
  DRAW_TOTAL_LIMIT: { status: 409, message: '您在本活动的抽奖次数已用完' },
  DRAW_CODE_TAKEN: { status: 409, message: '活动编号已被使用' },
  PRIZE_NOT_FOUND: { status: 404, message: '奖品不存在' },
  PRIZE_NOT_CLAIMABLE: { status: 409, message: '该奖品无需领取、已领取或已过期' },
  RATE_LIMITED: { status: 429, message: '操作太频繁，请稍后再试' },
  INVITE_NOT_FOUND: { status: 404, message: '邀请码无效或邀请已失效' },
  PAY_NOTIFY_REJECTED: { status: 400, message: '支付通知验证失败' },
  PAYMENT_UNAVAILABLE: { status: 503, message: '支付暂不可用，请稍后再试' },
  NOT_FOUND: { status: 404, message: '请求的内容不存在' },
  WECHAT_UNAVAILABLE: { status: 502, message: '微信服务繁忙，请稍后重试' },
  INTERNAL: { status: 500, message: '服务开小差了，请稍后重试' }
} as const satisfies Record<string, { status: number; message: string }>

export type ApiErrorCode = keyof typeof apiErrors

/** The body of every non-2xx answer. */
export interface ApiErrorBody {
  code: ApiErrorCode
  message: string
  /** Which field failed validation, when one did. */
  field?: string
}
