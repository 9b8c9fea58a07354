import { Type, type Static } from '@sinclair/typebox'
import { DateTime, Points, strictObject } from './common'
import { CouponRuleSchema } from './coupons'
import { TierSchema } from './members'
import { defineRoutes } from './route'
import { INVITE_CODE_PATTERN } from './scene'

const InviteCode = Type.String({ pattern: INVITE_CODE_PATTERN })
const Channel = Type.Union([Type.Literal('card'), Type.Literal('poster')])

export const InviteSummarySchema = Type.Object({
  code: Type.String(),
  /** The scene of the member's mini-program code: `i=<code>`. */
  scene: Type.String(),
  /** The page an invite opens (the friend's landing). */
  landingPage: Type.String(),
  nickname: Type.Union([Type.String(), Type.Null()]),
  tier: TierSchema,
  rules: Type.Object({
    inviterPoints: Points,
    dailyRewardLimit: Type.Integer(),
    /** The new-member coupon the friend gets, or null. */
    friendCoupon: Type.Union([Type.Object({ name: Type.String(), rule: CouponRuleSchema }), Type.Null()])
  }),
  invitedCount: Type.Integer({ minimum: 0 }),
  pointsEarned: Points
})
export type InviteSummary = Static<typeof InviteSummarySchema>

export const InviteRecordSchema = Type.Object({
  /** Masked: 王** / 会员****23. */
  friend: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('joined'), Type.Literal('ineligible')]),
  /** Why it was not rewarded (不符合条件), or that the reward is under review. */
  reason: Type.Union([Type.String(), Type.Null()]),
  points: Points,
  channel: Channel,
  invitedAt: DateTime,
  joinedAt: Type.Union([DateTime, Type.Null()])
})
export type InviteRecord = Static<typeof InviteRecordSchema>

export const referralRoutes = defineRoutes({
  'GET /api/referral/me': {
    summary: "The member's invite code, the reward rules and what invites have brought",
    tags: ['referral'],
    auth: 'member',
    response: InviteSummarySchema,
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/referral/me/code-image': {
    summary: "The member's mini-program code (wxacode.getUnlimited, cached) for the poster, as a data URL",
    tags: ['referral'],
    auth: 'member',
    response: Type.Object({ dataUrl: Type.String() }),
    errors: ['NOT_A_MEMBER', 'WECHAT_UNAVAILABLE']
  },
  'POST /api/referral/nickname': {
    summary: 'The name the member shows on invites and posters (masked to others)',
    tags: ['referral'],
    auth: 'member',
    idempotent: true,
    body: Type.Object({ nickname: Type.String({ minLength: 1, maxLength: 20, pattern: '\\S' }) }, strictObject),
    response: Type.Object({ nickname: Type.String() }),
    errors: []
  },
  'POST /api/referral/shares': {
    summary: 'Record a share (a card sent or a poster made), so visits and joins can be traced to it',
    tags: ['referral'],
    auth: 'member',
    idempotent: true,
    body: Type.Object({ channel: Channel }, strictObject),
    response: Type.Object({ shareId: Type.Integer() }),
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/referral/invites': {
    summary: '邀请记录: every friend who arrived through the member\'s invites, newest first',
    tags: ['referral'],
    auth: 'member',
    response: Type.Object({ items: Type.Array(InviteRecordSchema) }),
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/referral/landing/:code': {
    summary: "What a friend sees arriving through an invite: who invited them and the gift waiting",
    tags: ['referral'],
    auth: 'member',
    params: Type.Object({ code: InviteCode }, strictObject),
    response: Type.Object({
      inviter: Type.Object({ name: Type.String(), tier: TierSchema }),
      friendCoupon: Type.Union([Type.Object({ name: Type.String(), rule: CouponRuleSchema }), Type.Null()]),
      /** false: joining through this invite earns no invite gift (see reason). */
      eligible: Type.Boolean(),
      /** Why not (已是会员 / 不能邀请自己 / 已接受过其他好友的邀请), null when eligible. */
      reason: Type.Union([Type.String(), Type.Null()]),
      /** Already a member: nothing to join. */
      member: Type.Boolean()
    }),
    errors: ['INVITE_NOT_FOUND']
  },
  'POST /api/referral/visits': {
    summary: 'Record an arrival through an invite; binds a never-member to the inviter (the first invite wins)',
    tags: ['referral'],
    auth: 'member',
    idempotent: true,
    rateLimit: { max: 30, perSeconds: 60 },
    body: Type.Object({ code: InviteCode, channel: Channel, shareId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })) }, strictObject),
    response: Type.Object({
      bound: Type.Boolean(),
      /** Why no binding was made (already a member, own code, invited before), null when bound now. */
      reason: Type.Union([Type.String(), Type.Null()])
    }),
    errors: ['INVITE_NOT_FOUND', 'RATE_LIMITED']
  },
  'GET /api/referral/leaderboard': {
    summary: '邀请排行榜: this week\'s top inviters (Monday to Sunday, Asia/Shanghai), names masked, and the member\'s own place',
    tags: ['referral'],
    auth: 'member',
    response: Type.Object({
      weekStart: Type.String(),
      items: Type.Array(Type.Object({ rank: Type.Integer(), name: Type.String(), tier: TierSchema, invites: Type.Integer() })),
      me: Type.Object({ rank: Type.Union([Type.Integer(), Type.Null()]), invites: Type.Integer() })
    }),
    errors: ['NOT_A_MEMBER']
  },
  'GET /api/admin/referral/report': {
    summary: 'Shares, visits and joins per inviter and channel (分享回流) in a time range',
    tags: ['admin'],
    auth: 'operator',
    permission: 'campaigns:read',
    query: Type.Object({ from: DateTime, to: DateTime }, strictObject),
    response: Type.Object({
      items: Type.Array(Type.Object({ memberNo: Type.String(), channel: Channel, shares: Type.Integer(), visits: Type.Integer(), joins: Type.Integer() }))
    }),
    errors: []
  },
  'POST /api/admin/referral/invites/:memberNo/release': {
    summary: "Release an invite reward held for risk review (the invitee's member number)",
    tags: ['admin'],
    auth: 'operator',
    permission: 'campaigns:write',
    idempotent: true,
    params: Type.Object({ memberNo: Type.String({ pattern: '^[0-9]{1,12}$' }) }, strictObject),
    response: InviteRecordSchema,
    errors: ['INVITE_NOT_FOUND']
  }
})
