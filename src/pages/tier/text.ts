import type { MemberTier, TierDetail } from '../../../types'
import { formatMultiplier, formatNumber, formatPoints } from '../../utils/format'

const NONE = '—'
const mark = (has: boolean) => (has ? '✓' : NONE)

/** "再消费 ¥4,000 升级金卡": growth is 1 per ¥1 paid, so the growth still needed is the yuan to spend. */
export function upgradeText(tier: Pick<MemberTier, 'nextTier' | 'growthToNext'>): string {
  return tier.nextTier && tier.growthToNext !== null ? `再消费 ¥${formatNumber(tier.growthToNext)} 升级${tier.nextTier.name}` : '您已是最高等级'
}

export function keepConditionText(review: NonNullable<MemberTier['review']>): string {
  return `保级条件：近12个月成长值达到 ${formatNumber(review.keepThreshold)}（当前 ${formatNumber(review.growthSinceLastYear)}）`
}

/** The rows of the privileges table, one cell per tier. */
export const PRIVILEGE_ROWS: { key: string; label: string; value: (tier: TierDetail) => string }[] = [
  { key: 'threshold', label: '升级门槛', value: (tier) => formatNumber(tier.growthThreshold) },
  { key: 'multiplier', label: '积分倍率', value: (tier) => formatMultiplier(tier.privileges.pointsMultiplierPermille) },
  { key: 'birthday', label: '生日礼', value: (tier) => (tier.privileges.birthdayGiftPoints > 0 ? formatPoints(tier.privileges.birthdayGiftPoints) : NONE) },
  { key: 'coupon', label: '每月等级券', value: (tier) => tier.privileges.monthlyCoupon ?? NONE },
  { key: 'shipping', label: '包邮', value: (tier) => mark(tier.privileges.freeShipping) },
  { key: 'service', label: '专属客服', value: (tier) => mark(tier.privileges.priorityService) }
]

export const CHANGE_LABELS: Record<MemberTier['changes'][number]['kind'], string> = {
  upgrade: '升级',
  review_keep: '保级',
  review_downgrade: '降级',
  operator: '人工调整'
}

/** "银卡 → 金卡", or the one tier when it stayed (a kept review). */
export function changePath(change: MemberTier['changes'][number]): string {
  return change.from.rank === change.to.rank ? change.to.name : `${change.from.name} → ${change.to.name}`
}
