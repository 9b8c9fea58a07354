import type { EntryCategory, PointsEntry } from '../../../../types/points'
import type { Queryable } from '../../db'

const KINDS_BY_CATEGORY: Record<EntryCategory, string[]> = {
  earned: ['earn'],
  used: ['spend'],
  returned: ['return'],
  reversed: ['reverse', 'void'],
  expired: ['expire'],
  adjusted: ['adjust']
}
const CATEGORY_BY_KIND = Object.fromEntries(
  Object.entries(KINDS_BY_CATEGORY).flatMap(([category, kinds]) => kinds.map((kind) => [kind, category]))
) as Record<string, EntryCategory>
/** Unlocks are bookkeeping: the earning's own row shows when its points became usable. */
const SHOWN_KINDS = Object.keys(CATEGORY_BY_KIND)

interface EntryRow {
  id: number
  kind: string
  change: number
  lotAvailableAt: Date | null
  lotUnlocked: boolean | null
  reason: string
  eventType: string
  eventId: string
  createdAt: Date
  balanceAfter: number
  actor: string | null
}

/** An entry with what only operators see: the running balance and who made an adjustment. */
export type LedgerEntry = PointsEntry & { balanceAfter: number; actor: string | null }

/** A page of the member's history, newest first; `before` is the cursor (an entry id). */

export async function listEntries(
  db: Queryable,
  memberId: number,
  page: { category?: EntryCategory; before?: number; limit: number }
): Promise<{ items: LedgerEntry[]; nextCursor: string | null }> {
  const kinds = page.category ? KINDS_BY_CATEGORY[page.category] : SHOWN_KINDS
  const { rows } = await db.query<EntryRow>(
    `SELECT e.id, e.kind, e.amount + e.pending_change AS change, l.available_at AS "lotAvailableAt",
            l.unlocked_at IS NOT NULL AS "lotUnlocked", e.reason, e.event_type AS "eventType",
            e.event_id AS "eventId", e.created_at AS "createdAt", e.balance_after AS "balanceAfter", e.actor
     FROM point_entries e LEFT JOIN point_lots l ON l.entry_id = e.id AND e.kind = 'earn'
     WHERE e.member_id = $1 AND e.kind = ANY($2::text[]) AND ($3::bigint IS NULL OR e.id < $3)
     ORDER BY e.id DESC LIMIT $4`,
    [memberId, kinds, page.before ?? null, page.limit + 1]
  )
  const items = rows.slice(0, page.limit).map(
    (row): LedgerEntry => ({
      id: String(row.id),
      category: CATEGORY_BY_KIND[row.kind],
      points: row.change,
      status: row.kind === 'earn' ? (row.lotUnlocked ? 'available' : 'pending') : null,
      availableAt: row.kind === 'earn' && row.lotAvailableAt ? row.lotAvailableAt.toISOString() : null,
      reason: row.reason,
      event: { type: row.eventType, id: row.eventId },
      createdAt: row.createdAt.toISOString(),
      balanceAfter: row.balanceAfter,
      actor: row.actor
    })
  )
  return { items, nextCursor: rows.length > page.limit ? items[items.length - 1].id : null }
}

export async function pendingLots(db: Queryable, memberId: number) {
  const { rows } = await db.query<{ points: number; availableAt: Date }>(
    `SELECT remaining AS points, available_at AS "availableAt" FROM point_lots
     WHERE member_id = $1 AND unlocked_at IS NULL AND remaining > 0 ORDER BY available_at, id`,
    [memberId]
  )
  return rows
}

/** Usable points that expire before `until`, and the soonest expiry among them. */
export async function expiringBefore(db: Queryable, memberId: number, until: Date) {
  const { rows } = await db.query<{ points: number; soonestAt: Date | null }>(
    `SELECT COALESCE(sum(remaining), 0) AS points, min(expires_at) AS "soonestAt" FROM point_lots
     WHERE member_id = $1 AND unlocked_at IS NOT NULL AND remaining > 0 AND expires_at <= $2`,
    [memberId, until]
  )
  return rows[0]
}

export async function reminderCredits(db: Queryable, memberId: number): Promise<number> {
  const { rows } = await db.query<{ credits: number }>(
    'SELECT reminder_credits AS credits FROM point_accounts WHERE member_id = $1',
    [memberId]
  )
  return rows[0]?.credits ?? 0
}

/** One more reminder allowed (WeChat subscribe messages are one per consent), capped by the schema. */
export async function addReminderCredit(db: Queryable, memberId: number): Promise<number> {
  const { rows } = await db.query<{ credits: number }>(
    `UPDATE point_accounts SET reminder_credits = LEAST(reminder_credits + 1, 50)
     WHERE member_id = $1 RETURNING reminder_credits AS credits`,
    [memberId]
  )
  return rows[0].credits
}
