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
