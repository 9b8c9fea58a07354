import type { Tier } from '../../../../types/members'
import type { Queryable } from '../../db'

export async function listTiers(db: Queryable): Promise<Tier[]> {
  const { rows } = await db.query<Tier>(
    'SELECT code, name, rank, growth_threshold AS "growthThreshold" FROM tiers ORDER BY rank'
  )
  return rows
}

/** The tier after `current`, or null at the top. */
export function nextTierOf(tiers: Tier[], current: Tier): Tier | null {
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

export async function addGrowth(db: Queryable, memberId: number, growth: number): Promise<void> {
  if (growth > 0) await db.query('UPDATE members SET growth = growth + $2 WHERE id = $1', [memberId, growth])
}

/** A refund takes back the growth its payment gave (never below zero). */
export async function removeGrowth(db: Queryable, memberId: number, growth: number): Promise<void> {
  if (growth > 0) await db.query('UPDATE members SET growth = GREATEST(growth - $2, 0) WHERE id = $1', [memberId, growth])
}
