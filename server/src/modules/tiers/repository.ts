import type { Tier } from '../../../../types/members'
import type { TierDetail } from '../../../../types/tiers'
import type { Queryable } from '../../db'

export async function listTiers(db: Queryable): Promise<Tier[]> {
  const { rows } = await db.query<Tier>(
    'SELECT code, name, rank, growth_threshold AS "growthThreshold" FROM tiers ORDER BY rank'
  )
  return rows
}

/** Every tier with its privileges, lowest first. */
export async function listTierDetails(db: Queryable): Promise<TierDetail[]> {
  const { rows } = await db.query<Omit<TierDetail, 'privileges'> & TierDetail['privileges']>(
    `SELECT t.code, t.name, t.rank, t.growth_threshold AS "growthThreshold", t.keep_threshold AS "keepThreshold",
            t.points_multiplier_permille AS "pointsMultiplierPermille", t.birthday_gift_points AS "birthdayGiftPoints",
            c.name AS "monthlyCoupon", t.free_shipping AS "freeShipping", t.priority_service AS "priorityService"
     FROM tiers t LEFT JOIN coupon_templates c ON c.id = t.monthly_coupon_template_id ORDER BY t.rank`
  )
  return rows.map(({ code, name, rank, growthThreshold, keepThreshold, ...privileges }) => ({
    code,
    name,
    rank,
    growthThreshold,
    keepThreshold,
    privileges
  }))
}

/** The tier after `current`, or null at the top. */
export function nextTierOf<T extends Pick<Tier, 'rank'>>(tiers: T[], current: T): T | null {
  return tiers.find((tier) => tier.rank > current.rank) ?? null
}

/** The member's points multiplier in thousandths (1200 = ×1.2), from their tier. */
export async function pointsMultiplierOf(db: Queryable, memberId: number): Promise<number> {
  const { rows } = await db.query<{ permille: number }>(
    'SELECT t.points_multiplier_permille AS permille FROM members m JOIN tiers t ON t.code = m.tier_code WHERE m.id = $1',
    [memberId]
  )
  return rows[0].permille
}

/** Growth value: 1 per whole ¥1 paid; never spent. */
export const growthForPayment = (paidFen: number) => Math.floor(paidFen / 100)

export interface MemberTierRow {
  id: number
  tierCode: string
  growth: number
  tierReviewAt: Date | null
  celebratedRank: number
  birthday: string | null
}

/**
 * `lock`: FOR NO KEY UPDATE, not FOR UPDATE — rows that reference the member (a sale, an order)
 * hold KEY SHARE on it, and FOR UPDATE would wait for them while they wait for us.
 */
export async function findMemberTier(db: Queryable, memberId: number, lock = false): Promise<MemberTierRow> {
  const { rows } = await db.query<MemberTierRow>(
    `SELECT id, tier_code AS "tierCode", growth, tier_review_at AS "tierReviewAt", celebrated_rank AS "celebratedRank",
            to_char(birthday, 'YYYY-MM-DD') AS birthday
     FROM members WHERE id = $1 ${lock ? 'FOR NO KEY UPDATE' : ''}`,
    [memberId]
  )
  return rows[0]
}

/** Moves a member to a tier: its review comes a year from `since` (never for 普通会员). */
export async function setTier(db: Queryable, memberId: number, tierCode: string, since: Date): Promise<void> {
  await db.query(
    `UPDATE members SET tier_code = $2, tier_since = $3,
       tier_review_at = CASE WHEN $2 = 'normal' THEN NULL ELSE $3::timestamptz + interval '1 year' END
     WHERE id = $1`,
    [memberId, tierCode, since]
  )
}

export async function logTierChange(
  db: Queryable,
  change: { memberId: number; from: string; to: string; kind: 'upgrade' | 'review_keep' | 'review_downgrade' | 'operator'; reason: string; operator?: string; now: Date }
): Promise<void> {
  await db.query(
    'INSERT INTO tier_changes (member_id, from_tier, to_tier, kind, reason, operator, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [change.memberId, change.from, change.to, change.kind, change.reason, change.operator ?? null, change.now]
  )
}

export async function tierChanges(db: Queryable, memberId: number, limit = 20) {
  const { rows } = await db.query<{ from: string; to: string; kind: 'upgrade' | 'review_keep' | 'review_downgrade' | 'operator'; reason: string; at: Date }>(
    `SELECT from_tier AS "from", to_tier AS "to", kind, reason, created_at AS at FROM tier_changes
     WHERE member_id = $1 ORDER BY id DESC LIMIT $2`,
    [memberId, limit]
  )
  return rows
}

/** Growth of the member in (from, to]. */
export async function growthBetween(db: Queryable, memberId: number, from: Date, to: Date): Promise<number> {
  const { rows } = await db.query<{ total: number }>(
    'SELECT COALESCE(sum(amount), 0)::int AS total FROM growth_entries WHERE member_id = $1 AND created_at > $2 AND created_at <= $3',
    [memberId, from, to]
  )
  return rows[0].total
}
