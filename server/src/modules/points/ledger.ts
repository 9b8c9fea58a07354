import type { Queryable } from '../../db'

const DAY_MS = 24 * 3600 * 1000

export async function openAccount(db: Queryable, memberId: number) {
  await db.query('INSERT INTO point_accounts (member_id) VALUES ($1) ON CONFLICT (member_id) DO NOTHING', [memberId])
}

export interface Earning {
  memberId: number
  amount: number
  /** The business event; an event posts at most once, however often it is replayed. */
  eventType: string
  eventId: string
  reason: string
  now: Date
  /** When the points become usable (later than now while an order can still be returned). */
  availableAt?: Date
  expiryDays: number
}

/**
 * Posts earned points as an immutable entry plus a lot that expires on its own date.
 * Returns false when the event had already posted (nothing changes).
 */
export async function earnPoints(db: Queryable, earning: Earning): Promise<boolean> {
  if (!Number.isSafeInteger(earning.amount) || earning.amount <= 0) throw new RangeError('earned points must be a positive integer')
  return db.transaction(async (tx) => {
    // The account row lock orders every change of one member's balance.
    const { rows: accounts } = await tx.query<{ balance: number }>(
      'SELECT balance FROM point_accounts WHERE member_id = $1 FOR UPDATE',
      [earning.memberId]
    )
    if (accounts.length === 0) throw new Error(`no points account for member ${earning.memberId}`)
    const balanceAfter = accounts[0].balance + earning.amount
    const { rows: entries } = await tx.query<{ id: number }>(
      `INSERT INTO point_entries (member_id, kind, amount, balance_after, event_type, event_id, reason, created_at)
       VALUES ($1, 'earn', $2, $3, $4, $5, $6, $7)
       ON CONFLICT (event_type, event_id) DO NOTHING RETURNING id`,
      [earning.memberId, earning.amount, balanceAfter, earning.eventType, earning.eventId, earning.reason, earning.now]
    )
    if (entries.length === 0) return false
    await tx.query('UPDATE point_accounts SET balance = $2 WHERE member_id = $1', [earning.memberId, balanceAfter])
    const availableAt = earning.availableAt ?? earning.now
    await tx.query(
      `INSERT INTO point_lots (member_id, entry_id, amount, remaining, available_at, expires_at)
       VALUES ($1, $2, $3, $3, $4, $5)`,
      [earning.memberId, entries[0].id, earning.amount, availableAt, new Date(earning.now.getTime() + earning.expiryDays * DAY_MS)]
    )
    return true
  })
}
