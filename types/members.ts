import { Type, type Static } from '@sinclair/typebox'
import { DateTime, Growth, Points, strictObject } from './common'
import { defineRoutes } from './route'
import { StaffCode, StoreCode } from './stores'

export const TierSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  rank: Type.Integer({ minimum: 0 }),
  growthThreshold: Growth
})
export type Tier = Static<typeof TierSchema>

export const MemberCardSchema = Type.Object({
  memberNo: Type.String(),
  joinedAt: DateTime,
  joinedStore: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  tier: TierSchema,
  /** null at the top tier. */
  nextTier: Type.Union([TierSchema, Type.Null()]),
  growth: Growth,
  /** pending: earned points inside the return window, usable later. */
  points: Type.Object({ balance: Points, pending: Points }),
  /** A tier the member reached and has not yet seen celebrated (shown once), or null. */
  celebrate: Type.Union([TierSchema, Type.Null()])
})
export type MemberCard = Static<typeof MemberCardSchema>

export const MemberCodeSchema = Type.Object({
  code: Type.String(),
  expiresAt: DateTime,
  /** Seconds until the mini-program should fetch a new code. */
  refreshInSeconds: Type.Integer({ minimum: 1 })
})
export type MemberCode = Static<typeof MemberCodeSchema>

export const memberRoutes = defineRoutes({
  'POST /api/members/join': {
    summary: 'Join membership, at a store (optionally through a staff member) or online; the welcome gift and an invite\'s rewards are posted once',
    tags: ['members'],
    auth: 'member',
    idempotent: true,
    rateLimit: { max: 30, perSeconds: 60 },
    external: true,
    /** Without a store: joined online (through an invite, or from the mini-program itself). */
    body: Type.Object({ storeCode: Type.Optional(StoreCode), staffCode: Type.Optional(StaffCode) }, strictObject),
    response: Type.Object({
      card: MemberCardSchema,
      /** false when the person was already a member: nothing was changed. */
      joinedNow: Type.Boolean(),
      welcomePoints: Points
    }),
    errors: ['STORE_NOT_FOUND', 'STAFF_NOT_FOUND', 'VALIDATION_FAILED', 'RATE_LIMITED']
  },
  'GET /api/members/me': {
    summary: "The signed-in member's card",
    tags: ['members'],
    auth: 'member',
    response: MemberCardSchema,
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/members/me/code': {
    summary: 'The rotating member code shown to a cashier (valid for one time window)',
    tags: ['members'],
    auth: 'member',
    response: MemberCodeSchema,
    errors: ['NOT_A_MEMBER']
  },
  'POST /api/cashier/member-code/verify': {
    summary: 'Check a member code scanned at the till',
    tags: ['cashier'],
    auth: 'cashier',
    readOnly: true,
    // Per till: a leaked till key cannot be used to try member codes at speed.
    rateLimit: { max: 120, perSeconds: 60 },
    body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }, strictObject),
    response: Type.Object({
      memberNo: Type.String(),
      tier: TierSchema,
      points: Type.Object({ balance: Points }),
      validUntil: DateTime
    }),
    errors: ['MEMBER_CODE_INVALID', 'MEMBER_CODE_EXPIRED', 'RATE_LIMITED']
  }
})
