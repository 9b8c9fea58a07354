// A member's invite summary and invite records as the server describes them.
import type { InviteRecord, InviteSummary } from '../../types'
import { brief, gold, silver } from './tier-fixtures'

export const friendCoupon = { name: '新人满100减20券', rule: { kind: 'amount' as const, amountOff: 2000, threshold: 10000 } }

export function inviteSummary(overrides: Partial<InviteSummary> = {}): InviteSummary {
  return {
    code: 'K7M2QX',
    scene: 'i=K7M2QX',
    landingPage: 'pages/invite/landing',
    nickname: '王小慧',
    tier: brief(silver),
    rules: { inviterPoints: 50, dailyRewardLimit: 10, friendCoupon },
    invitedCount: 3,
    pointsEarned: 150,
    ...overrides
  }
}

export function inviteRecord(overrides: Partial<InviteRecord> = {}): InviteRecord {
  return {
    friend: '李**',
    status: 'joined',
    reason: null,
    points: 50,
    channel: 'card',
    invitedAt: '2030-03-04T02:00:00.000Z',
    joinedAt: '2030-03-04T02:10:00.000Z',
    ...overrides
  }
}

export const landingAnswer = (
  overrides: { eligible?: boolean; reason?: string | null; member?: boolean; friendCoupon?: typeof friendCoupon | null } = {}
) => ({
  inviter: { name: '王**', tier: brief(gold) },
  friendCoupon,
  eligible: true,
  reason: null,
  member: false,
  ...overrides
})
