import type { Address } from '../../../../types/orders'
import type { Prize, WonPrize } from '../../../../types/draw'
import type { CouponRule } from '../../../../types/coupons'
import type { Queryable } from '../../db'

export interface ActivityRow {
  id: number
  code: string
  name: string
  startsAt: Date
  endsAt: Date
  costPoints: number
  freeDrawsPerDay: number
  dailyLimit: number
  totalLimit: number | null
  minTierRank: number
  claimDays: number
  rules: string
}

export interface PrizeRow {
  id: number
  slot: number
  name: string
  kind: Prize['kind']
  points: number | null
  couponTemplateId: number | null
  couponName: string | null
  couponRule: CouponRule | null
  weight: number
  stock: number | null
  perMemberCap: number | null
}

export async function findActivity(db: Queryable, code: string): Promise<ActivityRow | null> {
  const { rows } = await db.query<ActivityRow>(
    `SELECT id, code, name, starts_at AS "startsAt", ends_at AS "endsAt", cost_points AS "costPoints",
            free_draws_per_day AS "freeDrawsPerDay", daily_limit AS "dailyLimit", total_limit AS "totalLimit",
            min_tier_rank AS "minTierRank", claim_days AS "claimDays", rules
     FROM draw_activities WHERE code = $1 AND active`,
    [code]
  )
  return rows[0] ?? null
}

export async function activityPrizes(db: Queryable, activityId: number): Promise<PrizeRow[]> {
  const { rows } = await db.query<PrizeRow>(
    `SELECT p.id, p.slot, p.name, p.kind, p.points, p.coupon_template_id AS "couponTemplateId", t.name AS "couponName",
            CASE WHEN t.id IS NULL THEN NULL WHEN t.kind = 'amount'
              THEN json_build_object('kind', 'amount', 'amountOff', t.amount_off, 'threshold', t.threshold)
              ELSE json_build_object('kind', 'percent', 'percentOff', t.percent_off, 'maxDiscount', t.max_discount, 'threshold', t.threshold) END AS "couponRule",
            p.weight, p.stock, p.per_member_cap AS "perMemberCap"
     FROM draw_prizes p LEFT JOIN coupon_templates t ON t.id = p.coupon_template_id
     WHERE p.activity_id = $1 ORDER BY p.slot`,
    [activityId]
  )
  return rows
}

export function toPrize(row: PrizeRow): Prize {
  return {
    slot: row.slot,
    name: row.name,
    kind: row.kind,
    points: row.points,
    coupon: row.couponName && row.couponRule ? { name: row.couponName, rule: row.couponRule } : null
  }
}

/**
 * Counts one more draw for the member on `day` (or over the whole activity) if the limit allows:
 * one conditional upsert, so concurrent draws can never pass the limit. Returns the member's
 * count with this draw, or null when the limit is reached.
 */
export async function countDraw(db: Queryable, counter: { activityId: number; memberId: number; day: string; limit: number }): Promise<number | null> {
  const { rows } = await db.query<{ draws: number }>(
    `INSERT INTO draw_counters AS c (activity_id, member_id, day, draws) VALUES ($1, $2, $3::date, 1)
     ON CONFLICT (activity_id, member_id, day) DO UPDATE SET draws = c.draws + 1 WHERE c.draws < $4
     RETURNING draws`,
    [counter.activityId, counter.memberId, counter.day, counter.limit]
  )
  return rows[0]?.draws ?? null
}

export async function drawsOn(db: Queryable, activityId: number, memberId: number, day: string): Promise<number> {
  const { rows } = await db.query<{ draws: number }>(
    'SELECT draws FROM draw_counters WHERE activity_id = $1 AND member_id = $2 AND day = $3::date',
    [activityId, memberId, day]
  )
  return rows[0]?.draws ?? 0
}

/** How many times the member has won each prize of the activity (for per-member caps). */
export async function winsByPrize(db: Queryable, activityId: number, memberId: number): Promise<Map<number, number>> {
  const { rows } = await db.query<{ prizeId: number; wins: number }>(
    `SELECT prize_id AS "prizeId", count(*)::int AS wins FROM draws WHERE activity_id = $1 AND member_id = $2 GROUP BY prize_id`,
    [activityId, memberId]
  )
  return new Map(rows.map((row) => [row.prizeId, row.wins]))
}

/** Takes one unit of a prize's stock if any is left (always true for unlimited prizes). */
export async function takePrizeStock(db: Queryable, prizeId: number): Promise<boolean> {
  const { rows } = await db.query(
    'UPDATE draw_prizes SET stock = stock - 1 WHERE id = $1 AND (stock IS NULL OR stock > 0) RETURNING id',
    [prizeId]
  )
  return rows.length > 0
}

export async function insertDraw(
  db: Queryable,
  draw: {
    drawNo: string
    activityId: number
    memberId: number
    prizeId: number
    pointsSpent: number
    free: boolean
    status: 'awarded' | 'none' | 'to_claim'
    couponId: number | null
    claimDeadline: Date | null
    now: Date
  }
): Promise<void> {
  await db.query(
    `INSERT INTO draws (draw_no, activity_id, member_id, prize_id, points_spent, free, status, coupon_id, claim_deadline, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [draw.drawNo, draw.activityId, draw.memberId, draw.prizeId, draw.pointsSpent, draw.free, draw.status, draw.couponId, draw.claimDeadline, draw.now]
  )
}

interface WonRow {
  id: number
  drawNo: string
  memberId: number
  activityName: string
  status: 'awarded' | 'none' | 'to_claim' | 'claimed' | 'shipped'
  claimDeadline: Date | null
  carrier: string | null
  trackingNo: string | null
  createdAt: Date
  prize: PrizeRow
}

const WON_SELECT = `SELECT d.id, d.draw_no AS "drawNo", d.member_id AS "memberId", a.name AS "activityName", d.status,
    d.claim_deadline AS "claimDeadline", d.carrier, d.tracking_no AS "trackingNo", d.created_at AS "createdAt",
    json_build_object('slot', p.slot, 'name', p.name, 'kind', p.kind, 'points', p.points,
      'couponName', t.name, 'couponRule', CASE WHEN t.id IS NULL THEN NULL WHEN t.kind = 'amount'
        THEN json_build_object('kind', 'amount', 'amountOff', t.amount_off, 'threshold', t.threshold)
        ELSE json_build_object('kind', 'percent', 'percentOff', t.percent_off, 'maxDiscount', t.max_discount, 'threshold', t.threshold) END) AS prize
  FROM draws d JOIN draw_activities a ON a.id = d.activity_id JOIN draw_prizes p ON p.id = d.prize_id
  LEFT JOIN coupon_templates t ON t.id = p.coupon_template_id`

export function toWonPrize(row: WonRow, now: Date): WonPrize {
  const expired = row.status === 'to_claim' && row.claimDeadline !== null && row.claimDeadline <= now
  return {
    drawNo: row.drawNo,
    activityName: row.activityName,
    prize: toPrize(row.prize),
    status: expired ? 'expired' : row.status === 'none' ? 'awarded' : row.status,
    claimDeadline: row.claimDeadline?.toISOString() ?? null,
    shipping: row.carrier && row.trackingNo ? { carrier: row.carrier, trackingNo: row.trackingNo } : null,
    wonAt: row.createdAt.toISOString()
  }
}

/** Every prize the member won ("谢谢参与" is not a prize), newest first. */
export async function memberPrizes(db: Queryable, memberId: number): Promise<WonRow[]> {
  const { rows } = await db.query<WonRow>(`${WON_SELECT} WHERE d.member_id = $1 AND d.status <> 'none' ORDER BY d.id DESC LIMIT 200`, [memberId])
  return rows
}

export async function findWon(db: Queryable, drawNo: string): Promise<WonRow | null> {
  const { rows } = await db.query<WonRow>(`${WON_SELECT} WHERE d.draw_no = $1`, [drawNo])
  return rows[0] ?? null
}

/** A physical prize's address, if it is still waiting for one and inside its claim window. */
export async function claimPrize(db: Queryable, drawId: number, address: Address, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE draws SET status = 'claimed', address = $2 WHERE id = $1 AND status = 'to_claim' AND claim_deadline > $3 RETURNING id`,
    [drawId, JSON.stringify(address), now]
  )
  return rows.length > 0
}

export async function shipPrize(db: Queryable, drawId: number, shipment: { carrier: string; trackingNo: string }): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE draws SET status = 'shipped', carrier = $2, tracking_no = $3 WHERE id = $1 AND status = 'claimed' RETURNING id`,
    [drawId, shipment.carrier, shipment.trackingNo]
  )
  return rows.length > 0
}
