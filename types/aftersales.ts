import { Type, type Static } from '@sinclair/typebox'
import { DateTime, strictObject } from './common'
import { OrderItemsBody, OrderNo, RefundSchema } from './orders'
import { defineRoutes } from './route'

export const AFTERSALE_KINDS = ['refund_only', 'return_refund'] as const
export const AFTERSALE_STATUSES = ['pending', 'rejected', 'awaiting_return', 'returned', 'refunding', 'refunded', 'refund_failed', 'cancelled'] as const
const AftersaleKind = Type.Union(AFTERSALE_KINDS.map((k) => Type.Literal(k)))
const AftersaleStatus = Type.Union(AFTERSALE_STATUSES.map((s) => Type.Literal(s)))
const AftersaleNo = Type.String({ pattern: '^AS[0-9]{8,24}$' })

/** A 售后 request with its timeline, as the member and the operator see it. */
export const AftersaleSchema = Type.Object({
  aftersaleNo: Type.String(),
  orderNo: Type.String(),
  memberNo: Type.String(),
  kind: AftersaleKind,
  status: AftersaleStatus,
  reason: Type.String(),
  note: Type.String(),
  items: Type.Array(Type.Object({ skuId: Type.Integer(), productName: Type.String(), specText: Type.String(), quantity: Type.Integer({ minimum: 1 }) })),
  returnShipping: Type.Union([Type.Object({ carrier: Type.String(), trackingNo: Type.String() }), Type.Null()]),
  decisionReason: Type.Union([Type.String(), Type.Null()]),
  refund: Type.Union([RefundSchema, Type.Null()]),
  timeline: Type.Array(Type.Object({ status: AftersaleStatus, actor: Type.String(), note: Type.Union([Type.String(), Type.Null()]), at: DateTime })),
  createdAt: DateTime
})
export type Aftersale = Static<typeof AftersaleSchema>

export const AftersaleRulesSchema = Type.Object({
  windowDays: Type.Integer({ minimum: 0 }),
  autoApproveUnshipped: Type.Boolean(),
  reasons: Type.Array(Type.String())
})

const AftersaleParams = Type.Object({ aftersaleNo: AftersaleNo }, strictObject)
const Tracking = Type.Object({ carrier: Type.String({ minLength: 1, maxLength: 20 }), trackingNo: Type.String({ pattern: '^[A-Za-z0-9-]{4,40}$' }) }, strictObject)

export const aftersaleRoutes = defineRoutes({
  'GET /api/aftersales/rules': {
    summary: 'The 售后 window after receipt and the reasons a member picks from',
    tags: ['aftersales'],
    auth: 'none',
    response: AftersaleRulesSchema,
    errors: []
  },
  'POST /api/orders/:orderNo/aftersales': {
    summary: 'File a 售后 request (仅退款 or 退货退款) for some items: before shipping a 仅退款 is refunded at once; after, an operator decides',
    tags: ['aftersales'],
    auth: 'member',
    idempotent: true,
    external: true,
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    body: Type.Object(
      { kind: AftersaleKind, items: Type.Optional(OrderItemsBody), reason: Type.String({ minLength: 1, maxLength: 20 }), note: Type.Optional(Type.String({ maxLength: 200 })) },
      strictObject
    ),
    response: AftersaleSchema,
    errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_REFUNDABLE', 'REFUND_EXCEEDS_ORDER', 'AFTERSALE_WINDOW_CLOSED', 'AFTERSALE_KIND_INVALID', 'VALIDATION_FAILED', 'PAYMENT_UNAVAILABLE']
  },
  'GET /api/orders/:orderNo/aftersales': {
    summary: "An order's 售后 requests, each with its timeline",
    tags: ['aftersales'],
    auth: 'member',
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: Type.Object({ items: Type.Array(AftersaleSchema) }),
    errors: ['ORDER_NOT_FOUND']
  },
  'POST /api/aftersales/:aftersaleNo/return': {
    summary: 'The member sends the goods back: the carrier and tracking number of the return',
    tags: ['aftersales'],
    auth: 'member',
    idempotent: true,
    params: AftersaleParams,
    body: Tracking,
    response: AftersaleSchema,
    errors: ['AFTERSALE_NOT_FOUND', 'AFTERSALE_STATE_CHANGED']
  },
  'POST /api/aftersales/:aftersaleNo/cancel': {
    summary: 'The member withdraws a request that is still waiting for a decision or for the return',
    tags: ['aftersales'],
    auth: 'member',
    idempotent: true,
    params: AftersaleParams,
    response: AftersaleSchema,
    errors: ['AFTERSALE_NOT_FOUND', 'AFTERSALE_STATE_CHANGED']
  },
  'GET /api/admin/aftersales': {
    summary: 'The 售后 queue (待审核 / 待退货 / 待收货确认 …), newest first, paged by cursor',
    tags: ['admin-aftersales'],
    auth: 'operator',
    permission: 'orders:read',
    query: Type.Object(
      {
        status: Type.Optional(AftersaleStatus),
        orderNo: Type.Optional(OrderNo),
        cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }))
      },
      strictObject
    ),
    response: Type.Object({ items: Type.Array(AftersaleSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
    errors: []
  },
  'POST /api/admin/aftersales/:aftersaleNo/approve': {
    summary: 'Approve a request: 仅退款 is refunded now, 退货退款 waits for the goods to come back',
    tags: ['admin-aftersales'],
    auth: 'operator',
    permission: 'orders:write',
    idempotent: true,
    params: AftersaleParams,
    response: AftersaleSchema,
    errors: ['AFTERSALE_NOT_FOUND', 'AFTERSALE_STATE_CHANGED', 'PAYMENT_UNAVAILABLE']
  },
  'POST /api/admin/aftersales/:aftersaleNo/reject': {
    summary: 'Reject a request, with the reason the member reads; its items may be asked for again',
    tags: ['admin-aftersales'],
    auth: 'operator',
    permission: 'orders:write',
    idempotent: true,
    params: AftersaleParams,
    body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 200 }) }, strictObject),
    response: AftersaleSchema,
    errors: ['AFTERSALE_NOT_FOUND', 'AFTERSALE_STATE_CHANGED']
  },
  'POST /api/admin/aftersales/:aftersaleNo/receive': {
    summary: 'The returned goods arrived: the refund is paid, and the goods go back on sale when sellable',
    tags: ['admin-aftersales'],
    auth: 'operator',
    permission: 'orders:write',
    idempotent: true,
    params: AftersaleParams,
    body: Type.Object({ sellable: Type.Boolean() }, strictObject),
    response: AftersaleSchema,
    errors: ['AFTERSALE_NOT_FOUND', 'AFTERSALE_STATE_CHANGED', 'PAYMENT_UNAVAILABLE']
  }
})
