import { Type, type Static } from '@sinclair/typebox'
import { AftersaleSchema } from './aftersales'
import { DateTime, MemberNo, Points, strictObject } from './common'
import { OrderNo, OrderSchema, OrderStatus } from './orders'
import { defineRoutes } from './route'
import { StoreCode } from './stores'

const Named = Type.Object({ code: Type.String(), name: Type.String() })

/** One order in the console's list: enough to find it and to see what needs doing. */
export const AdminOrderRowSchema = Type.Object({
  orderNo: Type.String(),
  status: OrderStatus,
  memberNo: Type.String(),
  /** The store the member joined at (store attribution); null for members who joined online. */
  store: Type.Union([Named, Type.Null()]),
  consignee: Type.Object({ name: Type.String(), phone: Type.String() }),
  /** 保温杯 ×2 等 3 件 */
  itemsSummary: Type.String(),
  itemCount: Type.Integer({ minimum: 0 }),
  goodsAmount: Type.Integer({ description: 'fen' }),
  couponDiscount: Type.Integer({ minimum: 0 }),
  pointsUsed: Points,
  deductionFen: Type.Integer({ minimum: 0 }),
  payAmount: Type.Integer({ description: 'fen' }),
  /** Cash of refunds that succeeded, fen. */
  refundedAmount: Type.Integer({ minimum: 0 }),
  /** 售后 requests waiting for an operator or for the goods (待审核 / 待退货 / 待收货确认). */
  openAftersales: Type.Integer({ minimum: 0 }),
  createdAt: DateTime,
  paidAt: Type.Union([DateTime, Type.Null()]),
  shipping: Type.Union([Type.Object({ carrier: Type.String(), trackingNo: Type.String(), shippedAt: DateTime }), Type.Null()])
})
export type AdminOrderRow = Static<typeof AdminOrderRowSchema>

const orderFilters = {
  orderNo: Type.Optional(OrderNo),
  memberNo: Type.Optional(MemberNo),
  /** The shipping address's phone, all 11 digits. */
  phone: Type.Optional(Type.String({ pattern: '^1[3-9][0-9]{9}$' })),
  status: Type.Optional(OrderStatus),
  /** Placed at or after. */
  createdFrom: Type.Optional(DateTime),
  /** Placed before. */
  createdTo: Type.Optional(DateTime),
  /** The member's joined store. */
  storeCode: Type.Optional(StoreCode)
}
export const OrderFiltersSchema = Type.Object(orderFilters, strictObject)
export type OrderFilters = Static<typeof OrderFiltersSchema>

export const ORDER_EVENT_KINDS = ['created', 'paid', 'shipped', 'completed', 'cancelled', 'refunded'] as const

export const AdminOrderDetailSchema = Type.Object({
  order: OrderSchema,
  memberNo: Type.String(),
  nickname: Type.Union([Type.String(), Type.Null()]),
  store: Type.Union([Named, Type.Null()]),
  /** The order's own steps, oldest first (下单, 付款, 发货, 收货, 取消, 全部退款). */
  events: Type.Array(Type.Object({ kind: Type.Union(ORDER_EVENT_KINDS.map((k) => Type.Literal(k))), at: DateTime, note: Type.Union([Type.String(), Type.Null()]) })),
  /** Its 售后 requests, newest first, each with its timeline. */
  aftersales: Type.Array(AftersaleSchema)
})
export type AdminOrderDetail = Static<typeof AdminOrderDetailSchema>

/** The most rows one batch ships; each row is its own shipment. */
export const SHIP_BATCH_MAX_ROWS = 500

export const ShipBatchResultSchema = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  shipped: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  rows: Type.Array(
    Type.Object({
      /** The row's line in the text, from 1 (a header line counts). */
      line: Type.Integer({ minimum: 1 }),
      orderNo: Type.String(),
      carrier: Type.String(),
      trackingNo: Type.String(),
      ok: Type.Boolean(),
      /** Why the row was not shipped: an error code of types/errors.ts and its zh-CN message. */
      code: Type.Union([Type.String(), Type.Null()]),
      message: Type.Union([Type.String(), Type.Null()])
    })
  )
})
export type ShipBatchResult = Static<typeof ShipBatchResultSchema>

export const orderAdminRoutes = defineRoutes({
  'GET /api/admin/orders': {
    summary: 'Orders by number, member, phone, status, date and store attribution, newest first, paged by cursor (a 门店店长 sees the orders of their stores’ members)',
    tags: ['admin-orders'],
    auth: 'operator',
    permission: 'orders:read',
    query: Type.Object(
      {
        ...orderFilters,
        cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }))
      },
      strictObject
    ),
    response: Type.Object({ items: Type.Array(AdminOrderRowSchema), nextCursor: Type.Union([Type.String(), Type.Null()]), total: Type.Integer({ minimum: 0 }) }),
    errors: []
  },
  'GET /api/admin/orders/export': {
    summary: 'The filtered orders as CSV (UTF-8 with BOM, so Excel opens it), newest first, at most 100,000 rows',
    tags: ['admin-orders'],
    auth: 'operator',
    permission: 'orders:read',
    produces: 'text/csv',
    query: OrderFiltersSchema,
    response: Type.String(),
    errors: []
  },
  'GET /api/admin/orders/:orderNo': {
    summary: 'One order as the console shows it: items, prices, coupon, points, address, shipping, refunds, its steps and its 售后 requests',
    tags: ['admin-orders'],
    auth: 'operator',
    permission: 'orders:read',
    params: Type.Object({ orderNo: OrderNo }, strictObject),
    response: AdminOrderDetailSchema,
    errors: ['ORDER_NOT_FOUND']
  },
  'POST /api/admin/orders/ship-batch': {
    summary: 'Ship many paid orders from CSV text (order number, carrier, tracking number per line; a header line is optional): a result per row, a bad row changes nothing',
    tags: ['admin-orders'],
    auth: 'operator',
    permission: 'orders:write',
    idempotent: true,
    body: Type.Object({ csv: Type.String({ minLength: 1, maxLength: 60_000 }) }, strictObject),
    response: ShipBatchResultSchema,
    errors: ['SHIP_BATCH_EMPTY', 'SHIP_BATCH_TOO_LARGE']
  }
})
