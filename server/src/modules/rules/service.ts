import type { PointsRules } from '../../../../types/points'
import type { OperatorRules, Rules, TierRule } from '../../../../types/rules'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { loadOperatorRules } from '../points/adjustments'
import { loadRules, pointsForPayment } from '../points/rules'

export type RulesChange = Partial<Rules>

async function loadTierRules(db: Queryable): Promise<TierRule[]> {
  const { rows } = await db.query<TierRule>(
    `SELECT code, name, growth_threshold AS "growthThreshold", keep_threshold AS "keepThreshold",
            points_multiplier_permille AS "pointsMultiplierPermille", birthday_gift_points AS "birthdayGiftPoints",
            free_shipping AS "freeShipping", priority_service AS "priorityService"
     FROM tiers ORDER BY rank`
  )
  return rows
}

export async function loadAllRules(db: Queryable): Promise<Rules> {
  return { points: await loadRules(db), tiers: await loadTierRules(db), operator: await loadOperatorRules(db) }
}

const invalid = (field: string) => new AppError('RULES_INVALID', field)

/** The change applied to what is stored, checked as a whole: the database's constraints are the last line, not the first. */
export function mergeRules(current: Rules, change: RulesChange): Rules {
  const next: Rules = { points: change.points ?? current.points, tiers: current.tiers, operator: change.operator ?? current.operator }
  const { points } = next
  if (points.expiryDays <= points.earnLockDays) throw invalid('points.expiryDays')
  if (points.expiryReminderDays >= points.expiryDays) throw invalid('points.expiryReminderDays')
  if (change.tiers) {
    const byCode = new Map(change.tiers.map((tier) => [tier.code, tier]))
    if (byCode.size !== change.tiers.length) throw invalid('tiers')
    for (const code of byCode.keys()) if (!current.tiers.some((t) => t.code === code)) throw new AppError('TIER_NOT_FOUND', 'tiers')
    // Tiers keep their ranks; a tier left out keeps its settings.
    next.tiers = current.tiers.map((tier) => byCode.get(tier.code) ?? tier)
  }
  next.tiers.forEach((tier, rank) => {
    if (rank === 0 && tier.growthThreshold !== 0) throw invalid(`tiers.${rank}.growthThreshold`)
    if (rank > 0 && tier.growthThreshold <= next.tiers[rank - 1].growthThreshold) throw invalid(`tiers.${rank}.growthThreshold`)
    if (tier.keepThreshold > tier.growthThreshold) throw invalid(`tiers.${rank}.keepThreshold`)
    if (rank > 0 && tier.pointsMultiplierPermille < next.tiers[rank - 1].pointsMultiplierPermille) throw invalid(`tiers.${rank}.pointsMultiplierPermille`)
  })
  if (next.operator.supportAdjustmentLimit > next.operator.adjustmentApprovalThreshold) throw invalid('operator.supportAdjustmentLimit')
  return next
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`
const points = (n: number) => `${n.toLocaleString('en-US')} 积分`
const multiplier = (permille: number) => `×${(permille / 1000).toFixed(permille % 100 === 0 ? 1 : 2)}`

/** What a member or an operator would notice, before and after, line by line. */
export function previewLines(before: Rules, after: Rules) {
  const lines: { label: string; before: string; after: string }[] = []
  const line = (label: string, show: (rules: Rules) => string) => lines.push({ label, before: show(before), after: show(after) })
  const earn = (rules: Rules, tier: TierRule) => points(pointsForPayment(rules.points, 10_000, tier.pointsMultiplierPermille))
  const cap = (rules: PointsRules) => Math.floor(Math.floor((10_000 * rules.maxRedeemPercent) / 100) / rules.pointValueFen)
  after.tiers.forEach((tier, i) => lines.push({ label: `${tier.name}支付 ¥100 获得`, before: earn(before, before.tiers[i]), after: earn(after, tier) }))
  line('100 积分可抵扣', (rules) => yuan(100 * rules.points.pointValueFen))
  line('¥100 订单最多可用', (rules) => `${points(cap(rules.points))}（${yuan(cap(rules.points) * rules.points.pointValueFen)}）`)
  line('最少使用', (rules) => points(rules.points.minRedeemPoints))
  line('入会礼', (rules) => points(rules.points.welcomePoints))
  line('积分待生效', (rules) => `${rules.points.earnLockDays} 天`)
  line('积分有效期', (rules) => `${rules.points.expiryDays} 天`)
  line('过期提醒', (rules) => `提前 ${rules.points.expiryReminderDays} 天`)
  after.tiers.forEach((tier, i) => {
    const show = (t: TierRule) => `成长值 ${t.growthThreshold.toLocaleString('en-US')}，保级 ${t.keepThreshold.toLocaleString('en-US')}，${multiplier(t.pointsMultiplierPermille)}，生日礼 ${points(t.birthdayGiftPoints)}${t.freeShipping ? '，包邮' : ''}${t.priorityService ? '，优先客服' : ''}`
    lines.push({ label: `${tier.name}`, before: show(before.tiers[i]), after: show(tier) })
  })
  line('积分调整需审批', (rules) => `超过 ${points(rules.operator.adjustmentApprovalThreshold)}`)
  line('客服单次调整上限', (rules) => points(rules.operator.supportAdjustmentLimit))
  return lines.map((l) => ({ ...l, changed: l.before !== l.after }))
}

export async function saveRules(db: Queryable, next: Rules) {
  const p = next.points
  await db.query(
    `UPDATE loyalty_rules SET point_value_fen = $1, min_redeem_points = $2, max_redeem_percent = $3, earn_fen_per_point = $4,
       earn_lock_days = $5, expiry_days = $6, expiry_reminder_days = $7, welcome_points = $8`,
    [p.pointValueFen, p.minRedeemPoints, p.maxRedeemPercent, p.earnFenPerPoint, p.earnLockDays, p.expiryDays, p.expiryReminderDays, p.welcomePoints]
  )
  // Thresholds are UNIQUE and checked row by row: move them out of the way first, then to their new values.
  await db.query('UPDATE tiers SET growth_threshold = growth_threshold + 1000000000 WHERE rank > 0')
  for (const tier of next.tiers) {
    await db.query(
      `UPDATE tiers SET name = $2, growth_threshold = $3, keep_threshold = $4, points_multiplier_permille = $5,
         birthday_gift_points = $6, free_shipping = $7, priority_service = $8 WHERE code = $1`,
      [tier.code, tier.name, tier.growthThreshold, tier.keepThreshold, tier.pointsMultiplierPermille, tier.birthdayGiftPoints, tier.freeShipping, tier.priorityService]
    )
  }
  const o: OperatorRules = next.operator
  await db.query('UPDATE operator_rules SET adjustment_approval_threshold = $1, support_adjustment_limit = $2', [o.adjustmentApprovalThreshold, o.supportAdjustmentLimit])
}
