import type { CouponRule } from '../../../types'

/** Coupons are priced in whole yuan as a rule, so the face drops ".00": 2000 → "20", 1990 → "19.9". */
function yuan(fen: number): string {
  return String(Number((fen / 100).toFixed(2)))
}

/** The big figure on the ticket: "¥20" or "9折" (percentOff 10) / "8.5折" (percentOff 15). */
export function couponFaceText(rule: CouponRule): string {
  return rule.kind === 'amount' ? `¥${yuan(rule.amountOff)}` : `${(100 - rule.percentOff) / 10}折`
}

/** When it applies: "满199可用" or "无门槛". */
function couponThresholdText(rule: CouponRule): string {
  return rule.threshold > 0 ? `满${yuan(rule.threshold)}可用` : '无门槛'
}

/** The rule under the figure: "满199可用", "无门槛", or for a percentage "满100可用 · 最高减¥50". */
export function couponRuleText(rule: CouponRule): string {
  const threshold = couponThresholdText(rule)
  return rule.kind === 'amount' ? threshold : `${threshold} · 最高减¥${yuan(rule.maxDiscount)}`
}
