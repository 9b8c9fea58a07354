import type { Database } from '../../db'
import type { WechatAdapter } from '../../wechat'
import { settleAccount } from './ledger'
import { loadRules } from './rules'

const DAY_MS = 24 * 3600 * 1000

/**
 * Unlocks pending points and expires lots for accounts nobody touched. Safe on every replica at
 * once: each account is claimed with SKIP LOCKED, and the ledger's events post once anyway.
 */
export async function settleDueAccounts(db: Database, now: Date, batchSize = 200): Promise<number> {
  let settled = 0
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ memberId: number }>(
        `SELECT a.member_id AS "memberId" FROM point_accounts a
         WHERE EXISTS (SELECT 1 FROM point_lots l WHERE l.member_id = a.member_id AND l.remaining > 0
                       AND ((l.unlocked_at IS NULL AND l.available_at <= $1) OR l.expires_at <= $1))
         ORDER BY a.member_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, batchSize]
      )
      for (const { memberId } of rows) await settleAccount(tx, memberId, now)
      return rows.length
    })
    settled += count
    if (count < batchSize) return settled
  }
}

/** Queues one reminder per member and expiry day for points expiring within the reminder window. */
export async function queueExpiryReminders(db: Database, now: Date): Promise<number> {
  const rules = await loadRules(db)
  const { rows } = await db.query<{ memberId: number }>(
    `INSERT INTO point_expiry_reminders (member_id, expires_on, points, queued_at)
     SELECT l.member_id, (l.expires_at AT TIME ZONE 'Asia/Shanghai')::date, sum(l.remaining), $1
     FROM point_lots l JOIN point_accounts a ON a.member_id = l.member_id
     WHERE a.reminder_credits > 0 AND l.unlocked_at IS NOT NULL AND l.remaining > 0
       AND l.expires_at > $1 AND l.expires_at <= $2
     GROUP BY l.member_id, (l.expires_at AT TIME ZONE 'Asia/Shanghai')::date
     ON CONFLICT (member_id, expires_on) DO NOTHING
     RETURNING member_id AS "memberId"`,
    [now, new Date(now.getTime() + rules.expiryReminderDays * DAY_MS)]
  )
  return rows.length
}

/** A claim older than this belongs to a job that died mid-send: its message may have gone out. */
export const MESSAGE_CLAIM_STALE_MS = 10 * 60_000

/**
 * Sends queued reminders through WeChat, each using up one of the member's consents. Claimed in a
 * short transaction (SKIP LOCKED: two replicas never take the same one), sent outside any, then
 * recorded. A claim whose job died before recording becomes `unknown` and is never sent again:
 * a reminder goes out at most once.
 */
export async function sendExpiryReminders(
  db: Database,
  wechat: WechatAdapter,
  templateId: string | null,
  now: Date,
  batchSize = 50
): Promise<{ sent: number; failed: number }> {
  if (!templateId) return { sent: 0, failed: 0 }
  await db.query(`UPDATE point_expiry_reminders SET status = 'unknown' WHERE status = 'sending' AND claimed_at < $1`, [
    new Date(now.getTime() - MESSAGE_CLAIM_STALE_MS)
  ])
  const claimed = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ memberId: number; expiresOn: string; points: number; openid: string }>(
      `SELECT r.member_id AS "memberId", to_char(r.expires_on, 'YYYY-MM-DD') AS "expiresOn", r.points, u.openid
       FROM point_expiry_reminders r JOIN members m ON m.id = r.member_id JOIN users u ON u.id = m.user_id
       WHERE r.status = 'queued' ORDER BY r.expires_on LIMIT $1 FOR UPDATE OF r SKIP LOCKED`,
      [batchSize]
    )
    const consented: typeof rows = []
    for (const reminder of rows) {
      const { rows: consent } = await tx.query(
        `UPDATE point_accounts SET reminder_credits = reminder_credits - 1
         WHERE member_id = $1 AND reminder_credits > 0 RETURNING member_id`,
        [reminder.memberId]
      )
      await tx.query(`UPDATE point_expiry_reminders SET status = $3, claimed_at = $4 WHERE member_id = $1 AND expires_on = $2::date`, [
        reminder.memberId,
        reminder.expiresOn,
        consent.length > 0 ? 'sending' : 'failed',
        now
      ])
      if (consent.length > 0) consented.push(reminder)
    }
    return { consented, total: rows.length }
  })
  let sent = 0
  for (const reminder of claimed.consented) {
    const delivered = await wechat
      .sendSubscribeMessage({
        openid: reminder.openid,
        templateId,
        page: 'pages/points/index',
        data: { thing1: { value: '积分即将过期' }, number2: { value: String(reminder.points) }, date3: { value: reminder.expiresOn } }
      })
      .catch(() => false)
    if (delivered) sent += 1
    await db.query(
      `UPDATE point_expiry_reminders SET status = $3, sent_at = $4 WHERE member_id = $1 AND expires_on = $2::date AND status = 'sending'`,
      [reminder.memberId, reminder.expiresOn, delivered ? 'sent' : 'failed', delivered ? now : null]
    )
  }
  return { sent, failed: claimed.total - sent }
}
