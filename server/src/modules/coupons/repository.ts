import type { CouponRule, CouponTemplate, MemberCoupon } from '../../../../types/coupons'
import type { Queryable } from '../../db'

interface TemplateRow {
  id: number
  name: string
  kind: 'amount' | 'percent'
  amountOff: number | null
  percentOff: number | null
  maxDiscount: number | null
  threshold: number
  validFrom: Date | null
  validUntil: Date | null
  validDays: number | null
  perMemberLimit: number
  active: boolean
}

const TEMPLATE_COLUMNS = `t.id, t.name, t.kind, t.amount_off AS "amountOff", t.percent_off AS "percentOff",
  t.max_discount AS "maxDiscount", t.threshold, t.valid_from AS "validFrom", t.valid_until AS "validUntil",
  t.valid_days AS "validDays", t.per_member_limit AS "perMemberLimit", t.active`

function ruleOf(row: Pick<TemplateRow, 'kind' | 'amountOff' | 'percentOff' | 'maxDiscount' | 'threshold'>): CouponRule {
  return row.kind === 'amount'
    ? { kind: 'amount', amountOff: row.amountOff!, threshold: row.threshold }
    : { kind: 'percent', percentOff: row.percentOff!, maxDiscount: row.maxDiscount!, threshold: row.threshold }
}

function toTemplate(row: TemplateRow): CouponTemplate {
  return {
    id: row.id,
    name: row.name,
    rule: ruleOf(row),
    validity: row.validDays !== null ? { days: row.validDays } : { from: row.validFrom!.toISOString(), until: row.validUntil!.toISOString() },
    perMemberLimit: row.perMemberLimit,
    active: row.active
  }
}

export async function insertTemplate(
  db: Queryable,
  template: Omit<CouponTemplate, 'id' | 'active'>,
  now: Date
): Promise<CouponTemplate> {
  const { rule, validity } = template
  const { rows } = await db.query<TemplateRow>(
    `INSERT INTO coupon_templates AS t (name, kind, amount_off, percent_off, max_discount, threshold, valid_from, valid_until, valid_days, per_member_limit, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${TEMPLATE_COLUMNS}`,
    [
      template.name,
      rule.kind,
      rule.kind === 'amount' ? rule.amountOff : null,
      rule.kind === 'percent' ? rule.percentOff : null,
      rule.kind === 'percent' ? rule.maxDiscount : null,
      rule.threshold,
      'from' in validity ? validity.from : null,
      'until' in validity ? validity.until : null,
      'days' in validity ? validity.days : null,
      template.perMemberLimit,
      now
    ]
  )
  return toTemplate(rows[0])
}

export async function listTemplates(db: Queryable): Promise<CouponTemplate[]> {
  const { rows } = await db.query<TemplateRow>(`SELECT ${TEMPLATE_COLUMNS} FROM coupon_templates t ORDER BY t.id`)
  return rows.map(toTemplate)
}

/** The template, locked: issuing its coupons one at a time keeps the per-member count exact. */
export async function lockActiveTemplate(db: Queryable, templateId: number): Promise<TemplateRow | null> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT ${TEMPLATE_COLUMNS} FROM coupon_templates t WHERE t.id = $1 AND t.active FOR NO KEY UPDATE`,
    [templateId]
  )
  return rows[0] ?? null
}

export async function countIssued(db: Queryable, templateId: number, memberId: number): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM member_coupons WHERE template_id = $1 AND member_id = $2',
    [templateId, memberId]
  )
  return rows[0].count
}

export interface MemberCouponRow extends Pick<TemplateRow, 'name' | 'kind' | 'amountOff' | 'percentOff' | 'maxDiscount' | 'threshold'> {
  id: number
  memberId: number
  validFrom: Date
  validUntil: Date
  usedOrderNo: string | null
}

const COUPON_SELECT = `SELECT c.id, c.member_id AS "memberId", t.name, t.kind, t.amount_off AS "amountOff",
  t.percent_off AS "percentOff", t.max_discount AS "maxDiscount", t.threshold, c.valid_from AS "validFrom",
  c.valid_until AS "validUntil", o.order_no AS "usedOrderNo"
  FROM member_coupons c JOIN coupon_templates t ON t.id = c.template_id LEFT JOIN orders o ON o.id = c.used_order_id`

export function toMemberCoupon(row: MemberCouponRow, now: Date): MemberCoupon {
  return {
    id: row.id,
    name: row.name,
    rule: ruleOf(row),
    validFrom: row.validFrom.toISOString(),
    validUntil: row.validUntil.toISOString(),
    status: row.usedOrderNo !== null ? 'used' : row.validUntil <= now ? 'expired' : 'available',
    usedOrderNo: row.usedOrderNo
  }
}

export async function insertMemberCoupon(
  db: Queryable,
  coupon: { templateId: number; memberId: number; seq: number; source: { type: string; id: string }; validFrom: Date; validUntil: Date; now: Date }
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO member_coupons (template_id, member_id, seq, source_type, source_id, valid_from, valid_until, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [coupon.templateId, coupon.memberId, coupon.seq, coupon.source.type, coupon.source.id, coupon.validFrom, coupon.validUntil, coupon.now]
  )
  return rows[0].id
}

export async function findCouponBySource(db: Queryable, source: { type: string; id: string }): Promise<MemberCouponRow | null> {
  const { rows } = await db.query<MemberCouponRow>(`${COUPON_SELECT} WHERE c.source_type = $1 AND c.source_id = $2`, [source.type, source.id])
  return rows[0] ?? null
}

export async function findCoupon(db: Queryable, couponId: number): Promise<MemberCouponRow | null> {
  const { rows } = await db.query<MemberCouponRow>(`${COUPON_SELECT} WHERE c.id = $1`, [couponId])
  return rows[0] ?? null
}

/** Which of a member's coupons to list: one status (as toMemberCoupon names it), or all. */
export interface CouponListing {
  status?: MemberCoupon['status']
  /** At most this many; null for every one (checkout must see each coupon it could use). */
  limit: number | null
}

/** The SQL condition of each status; it must agree with toMemberCoupon. */
const STATUS_CONDITION: Record<MemberCoupon['status'], string> = {
  available: 'c.used_order_id IS NULL AND c.valid_until > $2',
  used: 'c.used_order_id IS NOT NULL',
  expired: 'c.used_order_id IS NULL AND c.valid_until <= $2'
}

/**
 * The member's coupons: unused and valid now (or soon) first, soonest to expire first, then the
 * rest, newest first. The status is filtered here, before the limit: filtered after it, a member
 * with many used or expired coupons would see fewer (or none) of the ones asked for.
 */
export async function listMemberCoupons(db: Queryable, memberId: number, now: Date, listing: CouponListing): Promise<MemberCouponRow[]> {
  const { rows } = await db.query<MemberCouponRow>(
    `${COUPON_SELECT} WHERE c.member_id = $1${listing.status ? ` AND ${STATUS_CONDITION[listing.status]}` : ''}
     ORDER BY (c.used_order_id IS NULL AND c.valid_until > $2) DESC,
              CASE WHEN c.used_order_id IS NULL AND c.valid_until > $2 THEN c.valid_until END ASC,
              c.id DESC${listing.limit !== null ? ' LIMIT $3' : ''}`,
    listing.limit !== null ? [memberId, now, listing.limit] : [memberId, now]
  )
  return rows
}

/**
 * Marks a coupon used by an order if it is the member's, unused and valid at `now`: one
 * conditional update, so two orders can never both use it.
 */
export async function useCoupon(db: Queryable, coupon: { id: number; memberId: number; orderId: number; now: Date }): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE member_coupons SET used_order_id = $3, used_at = $4
     WHERE id = $1 AND member_id = $2 AND used_order_id IS NULL AND valid_from <= $4 AND valid_until > $4 RETURNING id`,
    [coupon.id, coupon.memberId, coupon.orderId, coupon.now]
  )
  return rows.length > 0
}

/** The coupon an order used, usable again (until its own expiry). */
export async function releaseCoupon(db: Queryable, orderId: number): Promise<void> {
  await db.query('UPDATE member_coupons SET used_order_id = NULL, used_at = NULL WHERE used_order_id = $1', [orderId])
}
