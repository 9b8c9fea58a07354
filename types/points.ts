import { Type, type Static } from '@sinclair/typebox'
import { DateTime, MemberNo, Points, strictObject } from './common'
import { defineRoutes } from './route'

/** The operator's points rules, stored once on the server; the mini-program shows and previews with them. */
export const PointsRulesSchema = Type.Object({
  /** What one point takes off a bill, in fen (100 积分 = ¥10 → 10). */
  pointValueFen: Type.Integer({ minimum: 1 }),
  minRedeemPoints: Type.Integer({ minimum: 1 }),
  /** The share of the goods amount (after coupons) points may pay, in percent. */
  maxRedeemPercent: Type.Integer({ minimum: 0, maximum: 100 }),
  /** Cash paid per point earned, in fen (1 point per ¥1 → 100), before the tier multiplier. */
  earnFenPerPoint: Type.Integer({ minimum: 1 }),
  /** Days earned points stay pending (the return window). */
  earnLockDays: Type.Integer({ minimum: 0 }),
  expiryDays: Type.Integer({ minimum: 1 }),
  expiryReminderDays: Type.Integer({ minimum: 0 }),
  welcomePoints: Type.Integer({ minimum: 0 })
})
export type PointsRules = Static<typeof PointsRulesSchema>

export const PointsSummarySchema = Type.Object({
  balance: Points,
  pending: Type.Object({
    points: Points,
    /** Pending lots in the order they become usable. */
    lots: Type.Array(Type.Object({ points: Points, availableAt: DateTime }))
  }),
  expiring: Type.Object({
    /** Points that expire within `withinDays` days. */
    points: Points,
    withinDays: Type.Integer(),
    soonestAt: Type.Union([DateTime, Type.Null()])
  }),
  /** Expiry reminders the member has allowed (WeChat subscribe messages are one per consent). */
  reminderCredits: Type.Integer({ minimum: 0 }),
  rules: PointsRulesSchema
})
export type PointsSummary = Static<typeof PointsSummarySchema>

export const ENTRY_CATEGORIES = ['earned', 'used', 'returned', 'reversed', 'expired', 'adjusted'] as const
export type EntryCategory = (typeof ENTRY_CATEGORIES)[number]

export const PointsEntrySchema = Type.Object({
  id: Type.String(),
  category: Type.Union(ENTRY_CATEGORIES.map((c) => Type.Literal(c))),
  /** The change as the member sees it: +N earned (even while pending), −N used. */
  points: Type.Integer(),
  /** For earnings: still pending (with the date it becomes usable) or usable. */
  status: Type.Union([Type.Literal('pending'), Type.Literal('available'), Type.Null()]),
  availableAt: Type.Union([DateTime, Type.Null()]),
  reason: Type.String(),
  event: Type.Object({ type: Type.String(), id: Type.String() }),
  createdAt: DateTime
})
export type PointsEntry = Static<typeof PointsEntrySchema>

export const PointsQuoteSchema = Type.Object({
  balance: Points,
  /** What one point takes off, in fen, for the page's preview of a choice. */
  pointValueFen: Type.Integer({ minimum: 1 }),
  minPoints: Points,
  /** The most points this order can use: the balance, the cap and the minimum considered. 0 when none. */
  maxPoints: Points,
  maxDeductionFen: Type.Integer({ minimum: 0 }),
  /** The member's choice, checked: null when no points were asked for. */
  selected: Type.Union([Type.Object({ points: Points, deductionFen: Type.Integer({ minimum: 0 }) }), Type.Null()])
})
export type PointsQuote = Static<typeof PointsQuoteSchema>

const AdjustmentId = Type.String({ pattern: '^[1-9][0-9]{0,8}$' })
const AdjustmentStatus = Type.Union([Type.Literal('pending'), Type.Literal('posted'), Type.Literal('rejected')])

/** An operator's points adjustment: posted at once, or (above the threshold) after a second operator approves. */
export const PointsAdjustmentSchema = Type.Object({
  id: Type.String(),
  memberNo: Type.String(),
  points: Type.Integer(),
  reason: Type.String(),
  status: AdjustmentStatus,
  maker: Type.String(),
  checker: Type.Union([Type.String(), Type.Null()]),
  decisionReason: Type.Union([Type.String(), Type.Null()]),
  /** The member's balance after it posted; null until it has. */
  balanceAfter: Type.Union([Points, Type.Null()]),
  createdAt: DateTime,
  decidedAt: Type.Union([DateTime, Type.Null()])
})
export type PointsAdjustment = Static<typeof PointsAdjustmentSchema>

const Money = Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'fen' })
const PointsAmount = Type.Integer({ minimum: 1, maximum: 10_000_000 })

export const pointsRoutes = defineRoutes({
  'GET /api/points/rules': {
    summary: 'The points rules (积分规则) as the operator configured them',
    tags: ['points'],
    auth: 'none',
    response: PointsRulesSchema,
    errors: []
  },
  'GET /api/points/summary': {
    summary: "The member's balance, pending points and points about to expire",
    tags: ['points'],
    auth: 'member',
    response: PointsSummarySchema,
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/points/entries': {
    summary: 'Points history, newest first, paged by cursor, filterable by category',
    tags: ['points'],
    auth: 'member',
    query: Type.Object(
      {
        category: Type.Optional(Type.Union(ENTRY_CATEGORIES.map((c) => Type.Literal(c)))),
        cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 }))
      },
      strictObject
    ),
    response: Type.Object({ items: Type.Array(PointsEntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/points/quote': {
    summary: 'How many points an order of this goods amount can use, and what a choice takes off',
    tags: ['points'],
    auth: 'member',
    query: Type.Object({ goodsAmount: Money, points: Type.Optional(PointsAmount) }, strictObject),
    response: PointsQuoteSchema,
    errors: ['NOT_A_MEMBER', 'INSUFFICIENT_POINTS', 'POINTS_BELOW_MINIMUM', 'POINTS_OVER_LIMIT']
  },
  'POST /api/points/expiry-reminders': {
    summary: 'Record that the member allowed one expiry reminder (after wx.requestSubscribeMessage on a tap)',
    tags: ['points'],
    auth: 'member',
    idempotent: true,
    body: Type.Object({ accepted: Type.Boolean() }, strictObject),
    response: Type.Object({ reminderCredits: Type.Integer({ minimum: 0 }) }),
    errors: ['NOT_A_MEMBER']
  },
  'POST /api/admin/points/adjustments': {
    summary: "An operator's correction of a member's points, with a reason; above the approval threshold it waits for a second operator",
    tags: ['admin'],
    auth: 'operator',
    permission: 'points:adjust',
    idempotent: true,
    body: Type.Object(
      {
        memberNo: MemberNo,
        points: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } }),
        reason: Type.String({ minLength: 2, maxLength: 200 })
      },
      strictObject
    ),
    response: PointsAdjustmentSchema,
    errors: ['MEMBER_NOT_FOUND', 'INSUFFICIENT_POINTS', 'ADJUSTMENT_OVER_ROLE_LIMIT']
  },
  'GET /api/admin/points/adjustments': {
    summary: 'Points adjustments, newest first: those waiting for approval, or all of them',
    tags: ['admin'],
    auth: 'operator',
    permission: 'members:read',
    query: Type.Object(
      {
        status: Type.Optional(AdjustmentStatus),
        memberNo: Type.Optional(MemberNo),
        cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }))
      },
      strictObject
    ),
    response: Type.Object({ items: Type.Array(PointsAdjustmentSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
    errors: []
  },
  'POST /api/admin/points/adjustments/:id/approve': {
    summary: 'A second operator approves a large adjustment: it posts, once',
    tags: ['admin'],
    auth: 'operator',
    permission: 'points:approve',
    idempotent: true,
    params: Type.Object({ id: AdjustmentId }, strictObject),
    response: PointsAdjustmentSchema,
    errors: ['ADJUSTMENT_NOT_FOUND', 'ADJUSTMENT_NOT_PENDING', 'ADJUSTMENT_SELF_APPROVAL', 'INSUFFICIENT_POINTS']
  },
  'POST /api/admin/points/adjustments/:id/reject': {
    summary: 'A second operator rejects a large adjustment, with a reason: nothing posts',
    tags: ['admin'],
    auth: 'operator',
    permission: 'points:approve',
    idempotent: true,
    params: Type.Object({ id: AdjustmentId }, strictObject),
    body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 200 }) }, strictObject),
    response: PointsAdjustmentSchema,
    errors: ['ADJUSTMENT_NOT_FOUND', 'ADJUSTMENT_NOT_PENDING', 'ADJUSTMENT_SELF_APPROVAL']
  }
})

export { Money, PointsAmount }
