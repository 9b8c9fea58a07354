import { Type, type Static } from '@sinclair/typebox'
import { DateTime, Growth, MemberNo, Points, strictObject } from './common'
import { TierSchema } from './members'
import { defineRoutes } from './route'

export const TierDetailSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  rank: Type.Integer({ minimum: 0 }),
  growthThreshold: Growth,
  /** Growth in the 12 months before a review that keeps the tier. */
  keepThreshold: Growth,
  privileges: Type.Object({
    /** Thousandths: 1200 = ×1.2 points on orders. */
    pointsMultiplierPermille: Type.Integer({ minimum: 1000 }),
    birthdayGiftPoints: Points,
    /** The coupon issued each month, by name; null when the tier has none. */
    monthlyCoupon: Type.Union([Type.String(), Type.Null()]),
    freeShipping: Type.Boolean(),
    priorityService: Type.Boolean()
  })
})
export type TierDetail = Static<typeof TierDetailSchema>

const TierChangeSchema = Type.Object({
  from: TierSchema,
  to: TierSchema,
  kind: Type.Union([Type.Literal('upgrade'), Type.Literal('review_keep'), Type.Literal('review_downgrade'), Type.Literal('operator')]),
  reason: Type.String(),
  at: DateTime
})

/** YYYY-MM-DD, a real calendar day (checked on the server too). */
const Birthday = Type.String({ pattern: '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' })

export const MemberTierSchema = Type.Object({
  tier: TierDetailSchema,
  /** null at the top tier. */
  nextTier: Type.Union([TierDetailSchema, Type.Null()]),
  growth: Growth,
  /** Growth (= yuan paid) still needed for the next tier; null at the top. */
  growthToNext: Type.Union([Growth, Type.Null()]),
  /** The yearly review of the current tier; null for 普通会员. */
  review: Type.Union([
    Type.Object({ at: DateTime, keepThreshold: Growth, growthSinceLastYear: Type.Integer() }),
    Type.Null()
  ]),
  /** Every tier with its privileges, lowest first: the table on the 会员等级 page. */
  tiers: Type.Array(TierDetailSchema),
  birthday: Type.Union([Birthday, Type.Null()]),
  changes: Type.Array(TierChangeSchema)
})
export type MemberTier = Static<typeof MemberTierSchema>


export const tierRoutes = defineRoutes({
  'GET /api/tiers': {
    summary: 'Every tier with its thresholds and privileges',
    tags: ['tiers'],
    auth: 'none',
    response: Type.Object({ items: Type.Array(TierDetailSchema) }),
    errors: []
  },
  'GET /api/members/me/tier': {
    summary: "The member's tier, growth, progress, review and the privileges table",
    tags: ['tiers'],
    auth: 'member',
    response: MemberTierSchema,
    errors: ['NOT_A_MEMBER']
  },
  'POST /api/members/me/tier/celebrated': {
    summary: 'The member has seen the celebration of reaching this rank (it is shown once)',
    tags: ['tiers'],
    auth: 'member',
    idempotent: true,
    body: Type.Object({ rank: Type.Integer({ minimum: 1, maximum: 100 }) }, strictObject),
    response: Type.Object({ celebratedRank: Type.Integer() }),
    errors: ['NOT_A_MEMBER']
  },
  'POST /api/members/me/tier/notices': {
    summary: 'Record that the member allowed one tier-up subscribe message (after wx.requestSubscribeMessage on a tap)',
    tags: ['tiers'],
    auth: 'member',
    idempotent: true,
    body: Type.Object({ accepted: Type.Boolean() }, strictObject),
    response: Type.Object({ noticeCredits: Type.Integer({ minimum: 0 }) }),
    errors: ['NOT_A_MEMBER']
  },
  'POST /api/members/me/birthday': {
    summary: 'Set the birthday, once (changing it needs an operator); the birthday-month gift follows it',
    tags: ['tiers'],
    auth: 'member',
    idempotent: true,
    body: Type.Object({ birthday: Birthday }, strictObject),
    response: MemberTierSchema,
    errors: ['NOT_A_MEMBER', 'BIRTHDAY_ALREADY_SET']
  },
  'POST /api/admin/members/:memberNo/tier': {
    summary: "An operator sets a member's tier by hand, with a reason (audited)",
    tags: ['admin'],
    auth: 'operator',
    permission: 'members:write',
    idempotent: true,
    params: Type.Object({ memberNo: MemberNo }, strictObject),
    body: Type.Object(
      { tierCode: Type.String({ minLength: 1, maxLength: 20 }), reason: Type.String({ minLength: 2, maxLength: 200 }) },
      strictObject
    ),
    response: MemberTierSchema,
    errors: ['MEMBER_NOT_FOUND', 'TIER_NOT_FOUND', 'TIER_UNCHANGED']
  },
  'POST /api/admin/members/:memberNo/birthday': {
    summary: "An operator corrects a member's birthday, with a reason",
    tags: ['admin'],
    auth: 'operator',
    permission: 'members:write',
    idempotent: true,
    params: Type.Object({ memberNo: MemberNo }, strictObject),
    body: Type.Object({ birthday: Birthday, reason: Type.String({ minLength: 2, maxLength: 200 }) }, strictObject),
    response: MemberTierSchema,
    errors: ['MEMBER_NOT_FOUND']
  }
})
