import type { RouteInput } from '../../../../types/route'
import type { drawRoutes } from '../../../../types/draw'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'

export type NewActivity = RouteInput<(typeof drawRoutes)['POST /api/admin/draw/activities']>['body']

/**
 * An operator's activity: eight prizes on the 九宫格's cells, in order. Exactly one 谢谢参与 cell
 * is required: it is what a draw falls back to when the prize it picked is gone.
 */
export async function createActivity(db: Queryable, activity: NewActivity, now: Date): Promise<{ code: string }> {
  if (!(new Date(activity.endsAt) > new Date(activity.startsAt))) throw new AppError('VALIDATION_FAILED', 'endsAt')
  if (activity.prizes.filter((prize) => prize.kind === 'thanks').length !== 1) throw new AppError('VALIDATION_FAILED', 'prizes')
  for (const [index, prize] of activity.prizes.entries()) {
    const fits =
      (prize.kind === 'points') === (prize.points !== undefined) &&
      (prize.kind === 'coupon') === (prize.couponTemplateId !== undefined) &&
      (prize.kind !== 'thanks' || prize.stock === undefined)
    if (!fits) throw new AppError('VALIDATION_FAILED', `prizes.${index}`)
  }
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO draw_activities (code, name, starts_at, ends_at, cost_points, free_draws_per_day, daily_limit, total_limit, min_tier_rank, claim_days, rules, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (code) DO NOTHING RETURNING id`,
      [
        activity.code,
        activity.name,
        activity.startsAt,
        activity.endsAt,
        activity.costPoints,
        activity.freeDrawsPerDay,
        activity.dailyLimit,
        activity.totalLimit ?? null,
        activity.minTierRank ?? 0,
        activity.claimDays,
        activity.rules,
        now
      ]
    )
    if (rows.length === 0) throw new AppError('DRAW_CODE_TAKEN', 'code')
    for (const [slot, prize] of activity.prizes.entries()) {
      if (prize.couponTemplateId !== undefined) {
        const template = await tx.query('SELECT 1 FROM coupon_templates WHERE id = $1 AND active', [prize.couponTemplateId])
        if (template.rows.length === 0) throw new AppError('COUPON_TEMPLATE_NOT_FOUND', `prizes.${slot}.couponTemplateId`)
      }
      await tx.query(
        `INSERT INTO draw_prizes (activity_id, slot, name, kind, points, coupon_template_id, weight, stock, per_member_cap)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [rows[0].id, slot, prize.name, prize.kind, prize.points ?? null, prize.couponTemplateId ?? null, prize.weight, prize.stock ?? null, prize.perMemberCap ?? null]
      )
    }
    return { code: activity.code }
  })
}
