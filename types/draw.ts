import { Type, type Static } from '@sinclair/typebox'
import { DateTime, Points, strictObject } from './common'
import { CouponRuleSchema } from './coupons'
import { AddressSchema } from './orders'
import { defineRoutes } from './route'

const ActivityCode = Type.String({ pattern: '^[a-z0-9-]{2,32}$' })
const DrawNo = Type.String({ pattern: '^D[0-9]{8,30}$' })
export const PrizeKind = Type.Union([Type.Literal('points'), Type.Literal('coupon'), Type.Literal('physical'), Type.Literal('thanks')])

export const PrizeSchema = Type.Object({
  /** The cell of the 九宫格: 0–7 clockwise from the top left; the start button sits in the middle. */
  slot: Type.Integer({ minimum: 0, maximum: 7 }),
  name: Type.String(),
  kind: PrizeKind,
  points: Type.Union([Points, Type.Null()]),
  coupon: Type.Union([Type.Object({ name: Type.String(), rule: CouponRuleSchema }), Type.Null()])
})
export type Prize = Static<typeof PrizeSchema>

export const DrawActivitySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  startsAt: DateTime,
  endsAt: DateTime,
  /** Points a draw costs once today's free draws are used. */
  costPoints: Points,
  freeDrawsPerDay: Type.Integer(),
  dailyLimit: Type.Integer(),
  totalLimit: Type.Union([Type.Integer(), Type.Null()]),
  rules: Type.String(),
  prizes: Type.Array(PrizeSchema),
  /** The signed-in member's side: what is left today, and the balance. */
  me: Type.Object({
    balance: Points,
    freeDrawsLeftToday: Type.Integer({ minimum: 0 }),
    drawsLeftToday: Type.Integer({ minimum: 0 }),
    /** Why the member cannot draw now (outside the window, tier, limits), null when they can. */
    blockedReason: Type.Union([Type.String(), Type.Null()])
  })
})
export type DrawActivity = Static<typeof DrawActivitySchema>

export const WonPrizeSchema = Type.Object({
  drawNo: Type.String(),
  activityName: Type.String(),
  prize: PrizeSchema,
  /** 已发放 (points, coupon) / 待领取 / 已领取 (waiting to ship) / 已发货 / 已过期 (not claimed in time). */
  status: Type.Union([Type.Literal('awarded'), Type.Literal('to_claim'), Type.Literal('claimed'), Type.Literal('shipped'), Type.Literal('expired')]),
  claimDeadline: Type.Union([DateTime, Type.Null()]),
  shipping: Type.Union([Type.Object({ carrier: Type.String(), trackingNo: Type.String() }), Type.Null()]),
  wonAt: DateTime
})
export type WonPrize = Static<typeof WonPrizeSchema>

export const DrawResultSchema = Type.Object({
  drawNo: Type.String(),
  prize: PrizeSchema,
  free: Type.Boolean(),
  pointsSpent: Points,
  /** The balance after the draw, with a points prize already credited. */
  balance: Points,
  freeDrawsLeftToday: Type.Integer({ minimum: 0 }),
  drawsLeftToday: Type.Integer({ minimum: 0 }),
  /** A physical gift: the address must be given before this time. */
  claimDeadline: Type.Union([DateTime, Type.Null()])
})
export type DrawResult = Static<typeof DrawResultSchema>

export const drawRoutes = defineRoutes({
  'GET /api/draw/activities/:code': {
    summary: 'A lucky-draw activity: window, cost, rules, the eight prizes, and what the member has left today',
    tags: ['draw'],
    auth: 'member',
    params: Type.Object({ code: ActivityCode }, strictObject),
    response: DrawActivitySchema,
    errors: ['NOT_A_MEMBER', 'DRAW_NOT_FOUND']
  },
  'POST /api/draw/activities/:code/draws': {
    summary: 'Draw once: the server checks the limits, spends the points (or a free draw), picks the prize by weight among those in stock and awards it',
    tags: ['draw'],
    auth: 'member',
    idempotent: true,
    rateLimit: { max: 20, perSeconds: 10 },
    params: Type.Object({ code: ActivityCode }, strictObject),
    response: DrawResultSchema,
    errors: ['NOT_A_MEMBER', 'DRAW_NOT_FOUND', 'DRAW_NOT_OPEN', 'DRAW_TIER_REQUIRED', 'DRAW_DAILY_LIMIT', 'DRAW_TOTAL_LIMIT', 'INSUFFICIENT_POINTS', 'RATE_LIMITED']
  },
  'GET /api/draw/prizes': {
    summary: '我的奖品: every prize the member won, newest first',
    tags: ['draw'],
    auth: 'member',
    response: Type.Object({ items: Type.Array(WonPrizeSchema) }),
    errors: ['NOT_A_MEMBER']
  },
  'POST /api/draw/prizes/:drawNo/claim': {
    summary: 'Give the shipping address for a physical prize, within its claim window',
    tags: ['draw'],
    auth: 'member',
    idempotent: true,
    params: Type.Object({ drawNo: DrawNo }, strictObject),
    body: Type.Object({ address: AddressSchema }, strictObject),
    response: WonPrizeSchema,
    errors: ['NOT_A_MEMBER', 'PRIZE_NOT_FOUND', 'PRIZE_NOT_CLAIMABLE']
  },
  'POST /api/admin/draw/activities': {
    summary: 'Create a lucky-draw activity with its eight prizes (weights, stock, per-member caps)',
    tags: ['admin'],
    auth: 'operator',
    permission: 'campaigns:write',
    idempotent: true,
    body: Type.Object(
      {
        code: ActivityCode,
        name: Type.String({ minLength: 1, maxLength: 30 }),
        startsAt: DateTime,
        endsAt: DateTime,
        costPoints: Type.Integer({ minimum: 0, maximum: 100_000 }),
        freeDrawsPerDay: Type.Integer({ minimum: 0, maximum: 100 }),
        dailyLimit: Type.Integer({ minimum: 1, maximum: 1000 }),
        totalLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        minTierRank: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
        claimDays: Type.Integer({ minimum: 1, maximum: 90 }),
        rules: Type.String({ minLength: 1, maxLength: 2000 }),
        prizes: Type.Array(
          Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 20 }),
              kind: PrizeKind,
              points: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
              couponTemplateId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
              weight: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
              stock: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
              perMemberCap: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 }))
            },
            strictObject
          ),
          { minItems: 8, maxItems: 8 }
        )
      },
      strictObject
    ),
    response: Type.Object({ code: Type.String() }),
    errors: ['DRAW_CODE_TAKEN', 'COUPON_TEMPLATE_NOT_FOUND']
  },
  'POST /api/admin/draw/prizes/:drawNo/ship': {
    summary: 'Ship a claimed physical prize',
    tags: ['admin'],
    auth: 'operator',
    permission: 'campaigns:write',
    idempotent: true,
    params: Type.Object({ drawNo: DrawNo }, strictObject),
    body: Type.Object({ carrier: Type.String({ minLength: 1, maxLength: 20 }), trackingNo: Type.String({ pattern: '^[A-Za-z0-9-]{4,40}$' }) }, strictObject),
    response: WonPrizeSchema,
    errors: ['PRIZE_NOT_FOUND', 'PRIZE_NOT_CLAIMABLE']
  }
})
