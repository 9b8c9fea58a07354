import { Type, type Static } from '@sinclair/typebox'
import { DateTime, Points, strictObject } from './common'
import { PointsAmount } from './points'
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

export const OrderSchema = Type.Object({
  orderNo: Type.String(),
  status: Type.Union([Type.Literal('pending_payment'), Type.Literal('paid'), Type.Literal('cancelled'), Type.Literal('refunded')]),
  items: Type.Array(
    Type.Object({ skuId: Type.Integer(), productName: Type.String(), specText: Type.String(), price: Type.Integer(), quantity: Type.Integer() })
  ),
  goodsAmount: Type.Integer({ description: 'fen' }),
  pointsUsed: Points,
  deductionFen: Type.Integer(),
  payAmount: Type.Integer({ description: 'fen' }),
  address: AddressSchema,
  createdAt: DateTime,
  /** An unpaid order closes at this time. */
  expiresAt: DateTime
})
export type Order = Static<typeof OrderSchema>

const OrderNo = Type.String({ pattern: '^[0-9]{8,24}$' })

export const PaymentSchema = Type.Object({
  /** dev: the stand-in used without merchant credentials (development and h5); refused in production. */
  provider: Type.Literal('dev'),
  order: OrderSchema,
  /** Points this payment earned, pending for the return window. */
  pointsEarned: Points
})
export type Payment = Static<typeof PaymentSchema>

export const orderRoutes = defineRoutes({
  'GET /api/orders': {
    summary: "The member's orders, newest first, optionally by status",
    tags: ['orders'],
    auth: 'member',
    query: Type.Object(
      {
        status: Type.Optional(Type.Union([Type.Literal('pending_payment'), Type.Literal('paid'), Type.Literal('cancelled'), Type.Literal('refunded')])),
        cursor: Type.Optional(Type.Integer({ minimum: 1 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 }))
      },
      strictObject
    ),
    response: Type.Object({ items: Type.Array(OrderSchema), nextCursor: Type.Union([Type.Integer(), Type.Null()]) }),
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/orders/:orderNo': {
    summary: 'One of the member\'s orders',
    tags: ['orders'],
    auth: 'member',
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: OrderSchema,
    errors: ['ORDER_NOT_FOUND']
  },
  'POST /api/orders/:orderNo/pay': {
    summary: 'Pay an unpaid order (the dev provider pays at once); the payment earns pending points',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: PaymentSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_PAYABLE', 'PAYMENT_UNAVAILABLE']
  },
  'POST /api/orders': {
    summary: 'Place an order: the server prices it, reserves the stock and holds the points chosen',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    body: Type.Object(
      {
        items: Type.Array(Type.Object({ skuId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), quantity: Type.Integer({ minimum: 1, maximum: 99 }) }, strictObject), {
          minItems: 1,
          maxItems: 20
        }),
        pointsToUse: Type.Optional(PointsAmount),
        address: AddressSchema
      },
      strictObject
    ),
    response: OrderSchema,
    errors: ['NOT_A_MEMBER', 'PRODUCT_NOT_FOUND', 'OUT_OF_STOCK', 'INSUFFICIENT_POINTS', 'POINTS_BELOW_MINIMUM', 'POINTS_OVER_LIMIT']
  },
  'POST /api/orders/:orderNo/refund': {
    summary: 'Refund a whole paid order (dev provider: at once): earned points are voided or reversed, used points come back',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: OrderSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_REFUNDABLE', 'PAYMENT_UNAVAILABLE']
  },
  'POST /api/orders/:orderNo/cancel': {
    summary: 'Cancel an unpaid order: its stock and points come back',
    tags: ['orders'],
    auth: 'member',
    idempotent: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: OrderSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_CANCELLABLE']
  }
})
