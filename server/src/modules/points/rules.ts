import type { PointsQuote, PointsRules } from '../../../../types/points'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'

/** The operator's rules, stored once in loyalty_rules. */
export async function loadRules(db: Queryable): Promise<PointsRules> {
  const { rows } = await db.query<PointsRules>(
    `SELECT point_value_fen AS "pointValueFen", min_redeem_points AS "minRedeemPoints",
            max_redeem_percent AS "maxRedeemPercent", earn_fen_per_point AS "earnFenPerPoint",
            earn_lock_days AS "earnLockDays", expiry_days AS "expiryDays",
            expiry_reminder_days AS "expiryReminderDays", welcome_points AS "welcomePoints"
     FROM loyalty_rules`
  )
  return rows[0]
}

/**
 * What points can take off an order: at most the balance and at most `maxRedeemPercent` of the
 * goods amount (after coupons), and nothing below `minRedeemPoints`. Integer fen throughout.
 * With `requested`, the member's choice is checked and priced, or refused with the reason.
 */
export function quoteRedemption(rules: PointsRules, balance: number, goodsAmount: number, requested?: number): PointsQuote {
  const capPoints = Math.floor(Math.floor((goodsAmount * rules.maxRedeemPercent) / 100) / rules.pointValueFen)
  const usable = Math.min(Math.max(balance, 0), capPoints)
  const maxPoints = usable >= rules.minRedeemPoints ? usable : 0
  const quote: PointsQuote = {
    balance,
    pointValueFen: rules.pointValueFen,
    minPoints: rules.minRedeemPoints,
    maxPoints,
    maxDeductionFen: maxPoints * rules.pointValueFen,
    selected: null
  }
  if (requested === undefined) return quote
  if (requested < rules.minRedeemPoints) throw new AppError('POINTS_BELOW_MINIMUM', 'points')
  if (requested > balance) throw new AppError('INSUFFICIENT_POINTS', 'points')
  if (requested > capPoints) throw new AppError('POINTS_OVER_LIMIT', 'points')
  return { ...quote, selected: { points: requested, deductionFen: requested * rules.pointValueFen } }
}

/**
 * Points for cash paid: 1 per whole `earnFenPerPoint` paid, times the tier multiplier (in
 * thousandths), rounded down. The whole units are counted first: a part of ¥1 earns nothing, so
 * ¥9.99 at ×1.2 is floor(9 × 1.2) = 10, not floor(9.99 × 1.2) = 11. Integers throughout.
 */
export function pointsForPayment(rules: PointsRules, payFen: number, multiplierPermille: number): number {
  const wholeUnits = Math.floor(payFen / rules.earnFenPerPoint)
  return Math.floor((wholeUnits * multiplierPermille) / 1000)
}
