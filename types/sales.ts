import { Type, type Static } from '@sinclair/typebox'
import { DateTime, Points, strictObject } from './common'
import { Money, PointsAmount } from './points'
import { defineRoutes } from './route'
import { StoreCode } from './stores'

const ReceiptNo = Type.String({ pattern: '^[A-Za-z0-9-]{1,32}$' })

/** A purchase at a store's till by a member who showed their member code. */
export const StoreSaleSchema = Type.Object({
  storeCode: Type.String(),
  receiptNo: Type.String(),
  memberNo: Type.String(),
  goodsAmount: Type.Integer({ description: 'fen' }),
  pointsUsed: Points,
  deductionFen: Type.Integer(),
  payAmount: Type.Integer({ description: 'fen, what the member paid in cash' }),
  pointsEarned: Points,
  pointsAvailableAt: DateTime,
  status: Type.Union([Type.Literal('completed'), Type.Literal('refunded')]),
  balance: Points
})
export type StoreSale = Static<typeof StoreSaleSchema>

export const salesRoutes = defineRoutes({
  'POST /api/cashier/sales': {
    summary: 'Record a till sale for a member: points used are spent, points for the cash paid are earned (pending)',
    tags: ['cashier'],
    auth: 'cashier',
    idempotent: true,
    // Per till: two sales a second is more than a till rings up.
    rateLimit: { max: 120, perSeconds: 60 },
    body: Type.Object(
      {
        storeCode: StoreCode,
        receiptNo: ReceiptNo,
        memberCode: Type.String({ minLength: 1, maxLength: 64 }),
        goodsAmount: Money,
        pointsToUse: Type.Optional(PointsAmount)
      },
      strictObject
    ),
    response: StoreSaleSchema,
    errors: [
      'STORE_NOT_FOUND',
      'MEMBER_CODE_INVALID',
      'MEMBER_CODE_EXPIRED',
      'INSUFFICIENT_POINTS',
      'POINTS_BELOW_MINIMUM',
      'POINTS_OVER_LIMIT',
      'SALE_ALREADY_RECORDED',
      'MEMBER_CODE_USED',
      'TILL_STORE_MISMATCH',
      'RATE_LIMITED'
    ]
  },
  'POST /api/cashier/sales/:storeCode/:receiptNo/refund': {
    summary: 'Refund a whole till sale: points used come back, points earned are voided or reversed',
    tags: ['cashier'],
    auth: 'cashier',
    idempotent: true,
    rateLimit: { max: 30, perSeconds: 60 },
    params: Type.Object({ storeCode: StoreCode, receiptNo: ReceiptNo }, strictObject),
    response: StoreSaleSchema,
    errors: ['SALE_NOT_FOUND', 'SALE_ALREADY_REFUNDED', 'TILL_STORE_MISMATCH', 'RATE_LIMITED']
  }
})
