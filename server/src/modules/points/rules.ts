import type { Queryable } from '../../db'

export interface LoyaltyRules {
  welcomePoints: number
  pointsExpiryDays: number
}

/** The operator's rules, stored once in loyalty_rules. */
export async function loadRules(db: Queryable): Promise<LoyaltyRules> {
  const { rows } = await db.query<LoyaltyRules>(
    'SELECT welcome_points AS "welcomePoints", points_expiry_days AS "pointsExpiryDays" FROM loyalty_rules'
  )
  return rows[0]
}
