import { Type, type Static } from '@sinclair/typebox'
import { DateTime, Points, strictObject } from './common'
import { MemberCouponSchema } from './coupons'
import { PointsAmount, PointsQuoteSchema } from './points'
import { defineRoutes } from './route'

export const AddressSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 20 }),
    phone: Type.String({ pattern: '^1[3-9][0-9]{9}$' }),
    region: Type.String({ minLength: 2, maxLength: 60 }),
    detail: Type.String({ minLength: 2, maxLength: 120 })
  },
  strictObject
)
export type Address = Static<typeof AddressSchema>

export const OrderStatus = Type.Union([
  Type.Literal('pending_payment'),
  Type.Literal('paid'),
  Type.Literal('shipped'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('refunded')
])
export type OrderStatus = Static<typeof OrderStatus>

const OrderLines = Type.Array(Type.Object({ skuId: Type.Integer(), quantity: Type.Integer({ minimum: 1 }) }))

export const RefundSchema = Type.Object({
  refundNo: Type.String(),
  status: Type.Union([Type.Literal('processing'), Type.Literal('succeeded'), Type.Literal('failed')]),
  /** Cash back, fen: the items' share of what was paid. */
  amount: Type.Integer({ minimum: 0 }),
  /** Points the order used that come back with these items. */
  pointsBack: Points,
  /** Points the order earned that these items take back. */
  earnedBack: Points,
  items: OrderLines,
  reason: Type.String(),
  createdAt: DateTime
})
export type Refund = Static<typeof RefundSchema>

export const OrderSchema = Type.Object({
  orderNo: Type.String(),
  status: OrderStatus,
  items: Type.Array(
    Type.Object({
      skuId: Type.Integer(),
      productName: Type.String(),
      specText: Type.String(),
      price: Type.Integer(),
      quantity: Type.Integer(),
      /** Refunded or being refunded. */
      refundedQuantity: Type.Integer({ minimum: 0 })
    })
  ),
  goodsAmount: Type.Integer({ description: 'fen' }),
  couponName: Type.Union([Type.String(), Type.Null()]),
  couponDiscount: Type.Integer({ minimum: 0 }),
  pointsUsed: Points,
  deductionFen: Type.Integer(),
  payAmount: Type.Integer({ description: 'fen' }),
  /** Points the payment earned (pending for the return window). */
  pointsEarned: Points,
  address: AddressSchema,
  shipping: Type.Union([Type.Object({ carrier: Type.String(), trackingNo: Type.String(), shippedAt: DateTime }), Type.Null()]),
  refunds: Type.Array(RefundSchema),
  createdAt: DateTime,
  paidAt: Type.Union([DateTime, Type.Null()]),
  /** When it was received (确认收货 or automatically): the 售后 window runs from here. */
  completedAt: Type.Union([DateTime, Type.Null()]),
  /** An unpaid order closes at this time. */
  expiresAt: DateTime
})
export type Order = Static<typeof OrderSchema>

export const OrderNo = Type.String({ pattern: '^[0-9]{8,24}$' })

/** What wx.requestPayment takes, signed by the server. */
export const JsapiPayParamsSchema = Type.Object({
  timeStamp: Type.String(),
  nonceStr: Type.String(),
  package: Type.String(),
  signType: Type.Literal('RSA'),
  paySign: Type.String()
})

export const PaymentSchema = Type.Union([
  Type.Object({
    /** dev: the stand-in used without merchant credentials (development and h5); refused in production. */
    provider: Type.Literal('dev'),
    order: OrderSchema,
    /** Points this payment earned, pending for the return window. */
    pointsEarned: Points
  }),
  Type.Object({
    /** wechat: the mini-program calls wx.requestPayment with these; the notify marks the order paid. */
    provider: Type.Literal('wechat'),
    orderNo: Type.String(),
    params: JsapiPayParamsSchema
  })
])
export type Payment = Static<typeof PaymentSchema>

export const OrderItemsBody = Type.Array(
  Type.Object({ skuId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), quantity: Type.Integer({ minimum: 1, maximum: 99 }) }, strictObject),
  { minItems: 1, maxItems: 20 }
)
const CouponId = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })

export const CheckoutCouponSchema = Type.Object({
  coupon: MemberCouponSchema,
  /** What it would take off this order; 0 when it cannot be used here. */
  discount: Type.Integer({ minimum: 0 }),
  /** Why it cannot be used here (e.g. 差 ¥12.00 可用), null when it can. */
  unusableReason: Type.Union([Type.String(), Type.Null()])
})

export const CheckoutPreviewSchema = Type.Object({
  goodsAmount: Type.Integer({ minimum: 0 }),
  /** The member's valid coupons, usable ones first, best first. */
  coupons: Type.Array(CheckoutCouponSchema),
  couponId: Type.Union([Type.Integer(), Type.Null()]),
  couponDiscount: Type.Integer({ minimum: 0 }),
  /** Points on the goods amount after the coupon. */
  points: PointsQuoteSchema,
  deductionFen: Type.Integer({ minimum: 0 }),
  payAmount: Type.Integer({ minimum: 0 }),
  /** Points the payment would earn, with the member's tier multiplier. */
  pointsToEarn: Points
})
export type CheckoutPreview = Static<typeof CheckoutPreviewSchema>

/** WeChat Pay's notify envelope; the resource is encrypted, and the signature covers the raw body. */
const WechatNotifySchema = Type.Object({
  id: Type.String(),
  create_time: Type.Optional(Type.String()),
  event_type: Type.String(),
  resource_type: Type.String(),
  summary: Type.Optional(Type.String()),
  resource: Type.Object({
    algorithm: Type.Literal('AEAD_AES_256_GCM'),
    ciphertext: Type.String(),
    nonce: Type.String(),
    associated_data: Type.Optional(Type.String()),
    original_type: Type.String()
  })
})
const NotifyAnswer = Type.Object({ code: Type.Literal('SUCCESS'), message: Type.String() })

const ORDER_STATUS_TABS = Type.Union([OrderStatus, Type.Literal('aftersale')])

export const orderRoutes = defineRoutes({
  'GET /api/orders': {
    summary: "The member's orders, newest first, by status or aftersale (every order with a refund)",
    tags: ['orders'],
    auth: 'member',
    query: Type.Object(
      {
        status: Type.Optional(ORDER_STATUS_TABS),
        cursor: Type.Optional(Type.Integer({ minimum: 1 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 }))
      },
      strictObject
    ),
    response: Type.Object({ items: Type.Array(OrderSchema), nextCursor: Type.Union([Type.Integer(), Type.Null()]) }),
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/orders/:orderNo': {
    summary: "One of the member's orders (an unpaid one is checked with WeChat Pay first, for a notify that has not come)",
    tags: ['orders'],
    auth: 'member',
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: OrderSchema,
    errors: ['ORDER_NOT_FOUND']
  },
  'POST /api/orders/preview': {
    summary: 'Price a checkout on the server: the coupons that apply (best chosen unless couponId says otherwise), the points cap and choice, the amount to pay',
    tags: ['orders'],
    auth: 'member',
    body: Type.Object(
      {
        items: OrderItemsBody,
        /** Absent: the best coupon; null: none; an id: that coupon. */
        couponId: Type.Optional(Type.Union([CouponId, Type.Null()])),
        pointsToUse: Type.Optional(PointsAmount)
      },
      strictObject
    ),
    response: CheckoutPreviewSchema,
    errors: ['NOT_A_MEMBER', 'PRODUCT_NOT_FOUND', 'OUT_OF_STOCK', 'COUPON_UNAVAILABLE', 'INSUFFICIENT_POINTS', 'POINTS_BELOW_MINIMUM', 'POINTS_OVER_LIMIT']
  },
  'POST /api/orders': {
    summary: 'Place an order: the server prices it, reserves the stock, uses the coupon and holds the points chosen',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    body: Type.Object(
      { items: OrderItemsBody, couponId: Type.Optional(CouponId), pointsToUse: Type.Optional(PointsAmount), address: AddressSchema },
      strictObject
    ),
    response: OrderSchema,
    errors: ['NOT_A_MEMBER', 'PRODUCT_NOT_FOUND', 'OUT_OF_STOCK', 'COUPON_UNAVAILABLE', 'INSUFFICIENT_POINTS', 'POINTS_BELOW_MINIMUM', 'POINTS_OVER_LIMIT']
  },
  'POST /api/orders/:orderNo/pay': {
    summary: 'Pay an unpaid order: WeChat Pay JSAPI parameters, or (dev provider, never in production) paid at once',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    external: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: PaymentSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_PAYABLE', 'PAYMENT_UNAVAILABLE']
  },
  'POST /api/orders/:orderNo/cancel': {
    summary: 'Cancel an unpaid order: its stock, coupon and points come back',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    external: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: OrderSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_CANCELLABLE', 'PAYMENT_UNAVAILABLE']
  },
  'POST /api/orders/:orderNo/receive': {
    summary: 'Confirm receipt of a shipped order',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: OrderSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_SHIPPED']
  },
  'POST /api/orders/:orderNo/refund': {
    summary: 'Refund some items of an order not yet shipped (仅退款; without items, all that is left): their share of the cash and points comes back, their share of earned points and growth goes, the goods go back on sale. A shipped order needs a 售后 request',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    external: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    body: Type.Object({ items: Type.Optional(OrderItemsBody), reason: Type.String({ minLength: 1, maxLength: 100 }) }, strictObject),
    response: OrderSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_REFUNDABLE', 'ORDER_NEEDS_AFTERSALE', 'REFUND_EXCEEDS_ORDER', 'PAYMENT_UNAVAILABLE']
  },
  'POST /api/admin/orders/:orderNo/ship': {
    summary: 'Ship a paid order (the carrier and tracking number the member sees)',
    tags: ['admin'],
    auth: 'operator',
    permission: 'orders:write',
    idempotent: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    body: Type.Object(
      { carrier: Type.String({ minLength: 1, maxLength: 20 }), trackingNo: Type.String({ pattern: '^[A-Za-z0-9-]{4,40}$' }) },
      strictObject
    ),
    response: OrderSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_SHIPPABLE']
  },
  'POST /api/pay/wechat/notify': {
    summary: "WeChat Pay's payment notify: signature checked over the raw body, resource decrypted, the order paid once",
    tags: ['payments'],
    auth: 'none',
    body: WechatNotifySchema,
    response: NotifyAnswer,
    errors: ['PAY_NOTIFY_REJECTED']
  },
  'POST /api/pay/wechat/refund-notify': {
    summary: "WeChat Pay's refund notify: checked like the payment notify; the refund's points post once",
    tags: ['payments'],
    auth: 'none',
    body: WechatNotifySchema,
    response: NotifyAnswer,
    errors: ['PAY_NOTIFY_REJECTED']
  }
})
