import type { CouponRule, MemberCoupon } from '../../../../types/coupons'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import {
  countIssued,
  findCoupon,
  findCouponBySource,
  insertMemberCoupon,
  listMemberCoupons,
  lockActiveTemplate,
  toMemberCoupon,
  type MemberCouponRow
} from './repository'

/**
 * What a coupon takes off goods of `goodsAmount` fen; 0 below its threshold. Never the whole
 * amount: at least 1 fen is left to pay, as WeChat Pay cannot take an order of ¥0.
 */
export function couponDiscount(rule: CouponRule, goodsAmount: number): number {
  if (goodsAmount < rule.threshold || goodsAmount < 2) return 0
  const off = rule.kind === 'amount' ? rule.amountOff : Math.min(Math.floor((goodsAmount * rule.percentOff) / 100), rule.maxDiscount)
  return Math.min(off, goodsAmount - 1)
}

const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`

export interface CheckoutCoupon {
  coupon: MemberCoupon
  discount: number
  unusableReason: string | null
}

/** The member's unused, unexpired coupons priced for this order: usable ones first, the biggest discount first. */
export async function couponsForCheckout(db: Queryable, memberId: number, goodsAmount: number, now: Date): Promise<CheckoutCoupon[]> {
  // Every unused, unexpired coupon, without a limit: the best one for this order may expire last.
  const rows = await listMemberCoupons(db, memberId, now, { status: 'available', limit: null })
  const priced = rows.map((row): CheckoutCoupon => {
    const coupon = toMemberCoupon(row, now)
    if (row.validFrom > now) {
      const startsAt = new Date(row.validFrom.getTime() + 8 * 3600_000).toISOString()
      return { coupon, discount: 0, unusableReason: `${startsAt.slice(5, 7)}-${startsAt.slice(8, 10)} 起可用` }
    }
    const discount = couponDiscount(coupon.rule, goodsAmount)
    if (discount === 0) return { coupon, discount, unusableReason: `差 ${yuan(coupon.rule.threshold - goodsAmount)} 可用` }
    return { coupon, discount, unusableReason: null }
  })
  // Stable sort: equal discounts keep the soonest-expiring first, as listed.
  return priced.sort((a, b) => Number(b.unusableReason === null) - Number(a.unusableReason === null) || b.discount - a.discount)
}

/** A coupon of the member's that this order can use right now, or COUPON_UNAVAILABLE. */
export async function usableCoupon(db: Queryable, memberId: number, couponId: number, goodsAmount: number, now: Date) {
  const row = await findCoupon(db, couponId)
  const usable = row && row.memberId === memberId && row.usedOrderNo === null && row.validFrom <= now && row.validUntil > now
  const coupon = usable ? toMemberCoupon(row, now) : null
  const discount = coupon ? couponDiscount(coupon.rule, goodsAmount) : 0
  if (!coupon || discount === 0) throw new AppError('COUPON_UNAVAILABLE', 'couponId')
  return { coupon, discount }
}

/** Whether a coupon of the template could be issued to the member now (active, not expired, under the limit). */
export async function couponIssuable(db: Queryable, templateId: number, memberId: number, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM coupon_templates t WHERE t.id = $1 AND t.active AND (t.valid_until IS NULL OR t.valid_until > $3)
       AND (SELECT count(*) FROM member_coupons c WHERE c.template_id = t.id AND c.member_id = $2) < t.per_member_limit`,
    [templateId, memberId, now]
  )
  return rows.length > 0
}

export interface CouponIssue {
  templateId: number
  memberId: number
  /** What issues it; the same source never issues twice (a retried draw, a replayed job). */
  source: { type: string; id: string }
  now: Date
}

/** Issues one coupon of a template to a member, within the template's per-member limit. */
export async function issueCoupon(db: Queryable, issue: CouponIssue): Promise<MemberCouponRow> {
  return db.transaction(async (tx) => {
    // The template's lock first: a second issue for the same source waits here, then finds the first.
    const template = await lockActiveTemplate(tx, issue.templateId)
    const already = await findCouponBySource(tx, issue.source)
    if (already) return already
    const validFrom = template?.validFrom ?? issue.now
    const validUntil = template?.validUntil ?? new Date(issue.now.getTime() + (template?.validDays ?? 0) * 86_400_000)
    if (!template || validUntil <= issue.now) throw new AppError('COUPON_TEMPLATE_NOT_FOUND', 'templateId')
    const issued = await countIssued(tx, template.id, issue.memberId)
    if (issued >= template.perMemberLimit) throw new AppError('COUPON_LIMIT_REACHED')
    const id = await insertMemberCoupon(tx, { ...issue, seq: issued + 1, validFrom, validUntil })
    return (await findCoupon(tx, id))!
  })
}

/** 我的优惠券 has no pages: it shows this many of the status asked for. */
export const MEMBER_COUPON_LIST_LIMIT = 200

/** 我的优惠券, one status or all. */
export async function memberCoupons(db: Queryable, memberId: number, status: MemberCoupon['status'] | undefined, now: Date) {
  const rows = await listMemberCoupons(db, memberId, now, { status, limit: MEMBER_COUPON_LIST_LIMIT })
  return rows.map((row) => toMemberCoupon(row, now))
}
