import { Type, type Static } from '@sinclair/typebox'
import { AuditEntrySchema } from './audit'
import { DateTime, Growth, MemberNo, Points, strictObject } from './common'
import { PointsAdjustmentSchema, PointsEntrySchema } from './points'
import { defineRoutes } from './route'
import { StaffCode, StoreCode } from './stores'

/** A manual tag an operator puts on members (高价值, 投诉过 …). */
export const TagName = Type.String({ pattern: '^[\\p{L}\\p{N}_-]{1,16}$', description: 'letters, digits, _ and -, at most 16' })

const Named = Type.Object({ code: Type.String(), name: Type.String() })

export const MemberRowSchema = Type.Object({
  memberNo: Type.String(),
  nickname: Type.Union([Type.String(), Type.Null()]),
  joinedAt: DateTime,
  store: Type.Union([Named, Type.Null()]),
  staff: Type.Union([Named, Type.Null()]),
  tier: Named,
  growth: Growth,
  balance: Points,
  pending: Points,
  tags: Type.Array(Type.String())
})
export type MemberRow = Static<typeof MemberRowSchema>

export const MEMBER_SORTS = ['joined_desc', 'joined_asc', 'balance_desc', 'growth_desc'] as const
export type MemberSort = (typeof MEMBER_SORTS)[number]

const memberFilters = {
  /** A member number (exact) or part of a nickname. */
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  storeCode: Type.Optional(StoreCode),
  staffCode: Type.Optional(StaffCode),
  tierCode: Type.Optional(Type.String({ pattern: '^[a-z_]{1,20}$' })),
  tag: Type.Optional(TagName),
  joinedFrom: Type.Optional(DateTime),
  joinedTo: Type.Optional(DateTime)
}
export const MemberFiltersSchema = Type.Object(memberFilters, strictObject)
export type MemberFilters = Static<typeof MemberFiltersSchema>

const LotSchema = Type.Object({
  id: Type.String(),
  amount: Points,
  remaining: Points,
  /** null while pending. */
  unlockedAt: Type.Union([DateTime, Type.Null()]),
  availableAt: DateTime,
  expiresAt: DateTime,
  reason: Type.String()
})

export const MemberDetailSchema = Type.Object({
  member: MemberRowSchema,
  birthday: Type.Union([Type.String(), Type.Null()]),
  tierReviewAt: Type.Union([DateTime, Type.Null()]),
  lots: Type.Array(LotSchema),
  orders: Type.Array(Type.Object({ orderNo: Type.String(), status: Type.String(), goodsAmount: Type.Integer(), payAmount: Type.Integer(), pointsUsed: Points, createdAt: DateTime })),
  coupons: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), status: Type.String(), issuedAt: DateTime, expiresAt: DateTime })),
  prizes: Type.Array(Type.Object({ drawNo: Type.String(), activity: Type.String(), prize: Type.String(), kind: Type.String(), status: Type.String(), at: DateTime })),
  referrals: Type.Object({
    invitedBy: Type.Union([Type.Object({ memberNo: Type.String(), nickname: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
    invitees: Type.Array(Type.Object({ memberNo: Type.Union([Type.String(), Type.Null()]), nickname: Type.Union([Type.String(), Type.Null()]), status: Type.String(), at: DateTime }))
  }),
  sales: Type.Array(
    Type.Object({
      storeCode: Type.String(),
      receiptNo: Type.String(),
      till: Type.Union([Type.String(), Type.Null()]),
      goodsAmount: Type.Integer(),
      pointsUsed: Points,
      pointsEarned: Points,
      status: Type.String(),
      at: DateTime
    })
  ),
  tierChanges: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), kind: Type.String(), reason: Type.String(), operator: Type.Union([Type.String(), Type.Null()]), at: DateTime })),
  adjustments: Type.Array(PointsAdjustmentSchema),
  /** Every operator and till action on this member, newest first. */
  audit: Type.Array(AuditEntrySchema)
})
export type MemberDetail = Static<typeof MemberDetailSchema>

const MemberParams = Type.Object({ memberNo: MemberNo }, strictObject)

export const memberAdminRoutes = defineRoutes({
  'GET /api/admin/members': {
    summary: 'Members, filtered and sorted, paged by cursor (a 门店店长 sees the members of their stores)',
    tags: ['admin-members'],
    auth: 'operator',
    permission: 'members:read',
    query: Type.Object(
      {
        ...memberFilters,
        sort: Type.Optional(Type.Union(MEMBER_SORTS.map((s) => Type.Literal(s)), { default: 'joined_desc' })),
        cursor: Type.Optional(Type.String({ pattern: '^-?[0-9]{1,15}:[0-9]{1,9}$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }))
      },
      strictObject
    ),
    response: Type.Object({ items: Type.Array(MemberRowSchema), nextCursor: Type.Union([Type.String(), Type.Null()]), total: Type.Integer({ minimum: 0 }) }),
    errors: []
  },
  'GET /api/admin/members/export': {
    summary: 'The filtered members as CSV (UTF-8 with BOM, so Excel opens it), at most 100,000 rows',
    tags: ['admin-members'],
    auth: 'operator',
    permission: 'members:read',
    produces: 'text/csv',
    query: MemberFiltersSchema,
    response: Type.String(),
    errors: []
  },
  'GET /api/admin/members/:memberNo': {
    summary: "A member's card, lots, orders, coupons, prizes, referrals, till sales, tier changes and audit trail",
    tags: ['admin-members'],
    auth: 'operator',
    permission: 'members:read',
    params: MemberParams,
    response: MemberDetailSchema,
    errors: ['MEMBER_NOT_FOUND']
  },
  'GET /api/admin/members/:memberNo/entries': {
    summary: "A member's points ledger, newest first, paged by cursor",
    tags: ['admin-members'],
    auth: 'operator',
    permission: 'members:read',
    params: MemberParams,
    query: Type.Object(
      { cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) },
      strictObject
    ),
    response: Type.Object({
      items: Type.Array(Type.Intersect([PointsEntrySchema, Type.Object({ balanceAfter: Points, actor: Type.Union([Type.String(), Type.Null()]) })])),
      nextCursor: Type.Union([Type.String(), Type.Null()])
    }),
    errors: ['MEMBER_NOT_FOUND']
  },
  'POST /api/admin/members/:memberNo/tags': {
    summary: 'Add a manual tag to a member',
    tags: ['admin-members'],
    auth: 'operator',
    permission: 'members:write',
    idempotent: true,
    params: MemberParams,
    body: Type.Object({ tag: TagName }, strictObject),
    response: Type.Object({ tags: Type.Array(Type.String()) }),
    errors: ['MEMBER_NOT_FOUND', 'TAG_LIMIT_REACHED']
  },
  'DELETE /api/admin/members/:memberNo/tags/:tag': {
    summary: 'Remove a manual tag from a member',
    tags: ['admin-members'],
    auth: 'operator',
    permission: 'members:write',
    idempotent: true,
    params: Type.Object({ memberNo: MemberNo, tag: TagName }, strictObject),
    response: Type.Object({ tags: Type.Array(Type.String()) }),
    errors: ['MEMBER_NOT_FOUND']
  }
})
