import { Type, type Static } from '@sinclair/typebox'
import { DateTime, strictObject } from './common'
import { Money } from './points'
import { defineRoutes } from './route'

/** What a coupon takes off: a fixed amount, or a share of the goods up to a cap. */
export const CouponRuleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('amount'), amountOff: Money, threshold: Type.Integer({ minimum: 0, maximum: 100_000_000 }) }, strictObject),
  Type.Object(
    {
      kind: Type.Literal('percent'),
      /** The share taken off: 10 = 9折. */
      percentOff: Type.Integer({ minimum: 1, maximum: 99 }),
      maxDiscount: Money,
      threshold: Type.Integer({ minimum: 0, maximum: 100_000_000 })
    },
    strictObject
  )
])
export type CouponRule = Static<typeof CouponRuleSchema>

export const CouponTemplateSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  rule: CouponRuleSchema,
  validity: Type.Union([
    Type.Object({ days: Type.Integer({ minimum: 1, maximum: 3650 }) }, strictObject),
    Type.Object({ from: DateTime, until: DateTime }, strictObject)
  ]),
  perMemberLimit: Type.Integer({ minimum: 1, maximum: 100 }),
  active: Type.Boolean()
})
export type CouponTemplate = Static<typeof CouponTemplateSchema>

export const CouponStatus = Type.Union([Type.Literal('available'), Type.Literal('used'), Type.Literal('expired')])

export const MemberCouponSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  rule: CouponRuleSchema,
  validFrom: DateTime,
  validUntil: DateTime,
  status: CouponStatus,
  /** The order that used it, when used. */
  usedOrderNo: Type.Union([Type.String(), Type.Null()])
})
export type MemberCoupon = Static<typeof MemberCouponSchema>

export const couponRoutes = defineRoutes({
  'GET /api/coupons': {
    summary: "The member's coupons: usable ones first by expiry, then used and expired ones",
    tags: ['coupons'],
    auth: 'member',
    query: Type.Object({ status: Type.Optional(CouponStatus) }, strictObject),
    response: Type.Object({ items: Type.Array(MemberCouponSchema) }),
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/admin/coupon-templates': {
    summary: 'Every coupon template',
    tags: ['admin'],
    auth: 'operator',
    permission: 'campaigns:read',
    response: Type.Object({ items: Type.Array(CouponTemplateSchema) }),
    errors: []
  },
  'POST /api/admin/coupon-templates': {
    summary: 'Define a coupon template (what it takes off, from what amount, how long it lasts, how many a member may hold)',
    tags: ['admin'],
    auth: 'operator',
    permission: 'campaigns:write',
    idempotent: true,
    body: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 30 }),
        rule: CouponRuleSchema,
        validity: Type.Union([
          Type.Object({ days: Type.Integer({ minimum: 1, maximum: 3650 }) }, strictObject),
          Type.Object({ from: DateTime, until: DateTime }, strictObject)
        ]),
        perMemberLimit: Type.Integer({ minimum: 1, maximum: 100 })
      },
      strictObject
    ),
    response: CouponTemplateSchema,
    errors: []
  },
  'POST /api/admin/coupons': {
    summary: 'Issue a coupon of a template to a member (within the per-member limit)',
    tags: ['admin'],
    auth: 'operator',
    permission: 'campaigns:write',
    idempotent: true,
    body: Type.Object(
      {
        templateId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
        memberNo: Type.String({ pattern: '^[0-9]{1,12}$' })
      },
      strictObject
    ),
    response: MemberCouponSchema,
    errors: ['MEMBER_NOT_FOUND', 'COUPON_TEMPLATE_NOT_FOUND', 'COUPON_LIMIT_REACHED']
  }
})
