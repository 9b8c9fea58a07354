// The four tiers as the server describes them, and a member's tier page built from them.
import type { MemberCard, MemberTier, TierDetail } from '../../types'

export const tierDetails: TierDetail[] = [
  {
    code: 'normal',
    name: '普通会员',
    rank: 0,
    growthThreshold: 0,
    keepThreshold: 0,
    privileges: { pointsMultiplierPermille: 1000, birthdayGiftPoints: 0, monthlyCoupon: null, freeShipping: false, priorityService: false }
  },
  {
    code: 'silver',
    name: '银卡',
    rank: 1,
    growthThreshold: 1000,
    keepThreshold: 500,
    privileges: { pointsMultiplierPermille: 1200, birthdayGiftPoints: 200, monthlyCoupon: null, freeShipping: false, priorityService: false }
  },
  {
    code: 'gold',
    name: '金卡',
    rank: 2,
    growthThreshold: 5000,
    keepThreshold: 2500,
    privileges: { pointsMultiplierPermille: 1500, birthdayGiftPoints: 500, monthlyCoupon: '金卡月享满200减20', freeShipping: true, priorityService: false }
  },
  {
    code: 'diamond',
    name: '钻石',
    rank: 3,
    growthThreshold: 20000,
    keepThreshold: 10000,
    privileges: { pointsMultiplierPermille: 2000, birthdayGiftPoints: 1000, monthlyCoupon: '钻石月享满300减50', freeShipping: true, priorityService: true }
  }
]

export const [normal, silver, gold, diamond] = tierDetails

/** The card's short form of a tier. */
export const brief = ({ code, name, rank, growthThreshold }: TierDetail) => ({ code, name, rank, growthThreshold })

/** A silver member 4,000 growth short of gold, with a review due. */
export function memberTier(overrides: Partial<MemberTier> = {}): MemberTier {
  return {
    tier: silver,
    nextTier: gold,
    growth: 1000,
    growthToNext: 4000,
    review: { at: '2031-03-01T16:00:00.000Z', keepThreshold: 500, growthSinceLastYear: 320 },
    tiers: tierDetails,
    birthday: null,
    changes: [
      { from: brief(normal), to: brief(silver), kind: 'upgrade', reason: '成长值达到 1,000', at: '2030-03-01T04:00:00.000Z' }
    ],
    ...overrides
  }
}

export function memberCard(overrides: Partial<MemberCard> = {}): MemberCard {
  return {
    memberNo: '10000001',
    joinedAt: '2026-11-24T03:00:00.000Z',
    joinedStore: null,
    tier: brief(silver),
    nextTier: brief(gold),
    growth: 1000,
    points: { balance: 1250, pending: 0 },
    celebrate: null,
    ...overrides
  }
}
