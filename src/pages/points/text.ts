import type { EntryCategory, PointsEntry, PointsRules, PointsSummary } from '../../../types'
import { formatDay, formatMoney, formatNumber, formatPoints } from '../../utils/format'

export const CATEGORY_LABELS: Record<EntryCategory, string> = {
  earned: '获得',
  used: '使用',
  returned: '退回',
  reversed: '扣回',
  expired: '过期',
  adjusted: '调整'
}

/** The filter's order. A list of its own: types/points.ts holds schemas, which must not ship in the mini-program. */
export const FILTER_CATEGORIES = Object.keys(CATEGORY_LABELS) as EntryCategory[]

/** +100 / -200 / 0 */
export function signedPoints(points: number): string {
  return points > 0 ? `+${formatNumber(points)}` : formatNumber(points)
}

/** "200 积分待生效，2026-12-01 可用", naming the lot that unlocks first and how many follow. */
export function pendingText(pending: PointsSummary['pending'], now?: Date): string | null {
  if (pending.points <= 0) return null
  const [first, ...rest] = pending.lots
  if (!first) return `${formatPoints(pending.points)}待生效`
  const head = `${formatPoints(first.points)}待生效，${formatDay(first.availableAt, now)} 可用`
  if (rest.length === 0) return head
  const restPoints = rest.reduce((sum, lot) => sum + lot.points, 0)
  return `${head}；另有 ${rest.length} 笔共 ${formatPoints(restPoints)}陆续生效`
}

/**
 * "300 积分将在 30 天内过期（最早 2026-12-20）": the amount covers every lot in the window, so the
 * date is only the soonest of them.
 */
export function expiringText(expiring: PointsSummary['expiring'], now?: Date): string | null {
  if (expiring.points <= 0) return null
  const soonest = expiring.soonestAt ? `（最早 ${formatDay(expiring.soonestAt, now)}）` : ''
  return `${formatPoints(expiring.points)}将在 ${expiring.withinDays} 天内过期${soonest}`
}

/** "待生效 · 2026-12-01 可用" for an earning still in its return window. */
export function entryPendingText(entry: PointsEntry, now?: Date): string | null {
  if (entry.status !== 'pending') return null
  return entry.availableAt ? `待生效 · ${formatDay(entry.availableAt, now)} 可用` : '待生效'
}

/** 积分规则, every number from the operator's stored rules. */
export function ruleLines(rules: PointsRules): string[] {
  const lines = [
    `${formatPoints(rules.minRedeemPoints)}起用，每 100 积分抵 ${formatMoney(100 * rules.pointValueFen)}`,
    rules.maxRedeemPercent > 0 ? `单笔最多抵扣商品金额（用券后）的 ${rules.maxRedeemPercent}%` : '积分暂不可用于抵扣',
    `每消费 ${formatMoney(rules.earnFenPerPoint)} 得 1 积分（会员等级另有加倍）`,
    rules.earnLockDays > 0 ? `积分到账后 ${rules.earnLockDays} 天内为待生效（退货期），之后即可使用` : '积分到账即可使用',
    `积分自获得起 ${rules.expiryDays} 天内有效，先到期的先使用`,
    '退货时，该单获得的积分将扣回，该单使用的积分将退回'
  ]
  if (rules.welcomePoints > 0) lines.push(`加入会员即送 ${formatPoints(rules.welcomePoints)}`)
  return lines
}

export function reminderWhy(rules: PointsRules): string {
  return rules.expiryReminderDays > 0
    ? `在积分过期前 ${rules.expiryReminderDays} 天通过微信提醒您`
    : '在积分过期当天通过微信提醒您'
}
