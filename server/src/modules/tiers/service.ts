import type { MemberTier, TierDetail } from '../../../../types/tiers'
import type { Database, Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { MESSAGE_CLAIM_STALE_MS } from '../points/jobs'
import type { WechatAdapter } from '../../wechat'
import { issueCoupon } from '../coupons/service'
import { earnPoints } from '../points/ledger'
import { loadRules } from '../points/rules'
import {
  findMemberTier,
  growthBetween,
  listTierDetails,
  logTierChange,
  nextTierOf,
  setTier,
  tierChanges
} from './repository'

const yearBefore = (at: Date) => new Date(new Date(at).setUTCFullYear(at.getUTCFullYear() - 1))

/** Year and month (1–12) in Asia/Shanghai. */
function shanghaiMonth(now: Date): { year: number; month: number } {
  const shanghai = new Date(now.getTime() + 8 * 3600_000)
  return { year: shanghai.getUTCFullYear(), month: shanghai.getUTCMonth() + 1 }
}

const tierOf = (tiers: TierDetail[], code: string) => {
  const tier = tiers.find((t) => t.code === code)
  if (!tier) throw new Error(`unknown tier ${code}`)
  return tier
}

/** The highest tier a growth value reaches. */
const tierForGrowth = (tiers: TierDetail[], growth: number) => tiers.filter((t) => t.growthThreshold <= growth).at(-1)!

export interface GrowthChange {
  memberId: number
  /** Positive from payments, negative from refunds. */
  amount: number
  /** The business event; the same event never changes growth twice. */
  event: { type: string; id: string }
  reason: string
  now: Date
}

/**
 * Changes a member's growth, once per event, and upgrades the tier in the same transaction when
 * the new growth reaches a higher one (several at once if it jumps). Refunds lower growth but
 * never the tier: that waits for the yearly review. Locks the member row first.
 *
 * Growth never goes below 0, so a decrease larger than what is left (a refund of a sale whose
 * growth already lapsed at the review) takes only what is left, and the entry records that
 * amount, not the one asked for: the entries always add up to members.growth, which the review
 * relies on when it sums the last 12 months. A decrease that finds growth at 0 posts nothing (an
 * entry is never 0); its callers post each event once by their own state (a refund's status, a
 * sale marked refunded), so a later replay cannot take growth from a newer payment.
 */
export async function changeGrowth(tx: Queryable, change: GrowthChange): Promise<void> {
  if (change.amount === 0) return
  const member = await findMemberTier(tx, change.memberId, true)
  const growth = Math.max(member.growth + change.amount, 0)
  const applied = growth - member.growth
  if (applied === 0) return
  const { rows } = await tx.query(
    `INSERT INTO growth_entries (member_id, amount, event_type, event_id, reason, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_type, event_id) DO NOTHING RETURNING id`,
    [change.memberId, applied, change.event.type, change.event.id, change.reason, change.now]
  )
  if (rows.length === 0) return
  await tx.query('UPDATE members SET growth = $2 WHERE id = $1', [change.memberId, growth])
  if (applied < 0) return
  const tiers = await listTierDetails(tx)
  const current = tierOf(tiers, member.tierCode)
  const reached = tierForGrowth(tiers, growth)
  if (reached.rank <= current.rank) return
  await setTier(tx, change.memberId, reached.code, change.now)
  await logTierChange(tx, {
    memberId: change.memberId,
    from: current.code,
    to: reached.code,
    kind: 'upgrade',
    reason: `成长值达到 ${growth}（${reached.name} ${reached.growthThreshold}）`,
    now: change.now
  })
  // A subscribe message only if the member allowed one; each consent is good for one message.
  const { rows: consent } = await tx.query(
    'UPDATE members SET tier_notice_credits = tier_notice_credits - 1 WHERE id = $1 AND tier_notice_credits > 0 RETURNING id',
    [change.memberId]
  )
  if (consent.length > 0) {
    await tx.query('INSERT INTO tier_notices (member_id, tier_code, created_at) VALUES ($1, $2, $3)', [change.memberId, reached.code, change.now])
  }
}

/** The 会员等级 page: tier, progress, the coming review and the privileges table. */
export async function memberTier(db: Queryable, memberId: number, now: Date): Promise<MemberTier> {
  const member = await findMemberTier(db, memberId)
  const tiers = await listTierDetails(db)
  const tier = tierOf(tiers, member.tierCode)
  const nextTier = nextTierOf(tiers, tier)
  const byCode = new Map(tiers.map((t) => [t.code, { code: t.code, name: t.name, rank: t.rank, growthThreshold: t.growthThreshold }]))
  return {
    tier,
    nextTier,
    growth: member.growth,
    growthToNext: nextTier ? Math.max(nextTier.growthThreshold - member.growth, 0) : null,
    review: member.tierReviewAt
      ? {
          at: member.tierReviewAt.toISOString(),
          keepThreshold: tier.keepThreshold,
          growthSinceLastYear: await growthBetween(db, memberId, yearBefore(now), now)
        }
      : null,
    tiers,
    birthday: member.birthday,
    changes: (await tierChanges(db, memberId)).map((c) => ({
      from: byCode.get(c.from)!,
      to: byCode.get(c.to)!,
      kind: c.kind,
      reason: c.reason,
      at: c.at.toISOString()
    }))
  }
}

/** The tier a member reached and has not yet seen celebrated, or null. */
export async function tierToCelebrate(db: Queryable, memberId: number) {
  const member = await findMemberTier(db, memberId)
  const tier = tierOf(await listTierDetails(db), member.tierCode)
  return tier.rank > member.celebratedRank ? { code: tier.code, name: tier.name, rank: tier.rank, growthThreshold: tier.growthThreshold } : null
}

export async function markCelebrated(db: Queryable, memberId: number, rank: number): Promise<number> {
  const { rows } = await db.query<{ celebratedRank: number }>(
    'UPDATE members SET celebrated_rank = GREATEST(celebrated_rank, $2) WHERE id = $1 RETURNING celebrated_rank AS "celebratedRank"',
    [memberId, rank]
  )
  return rows[0].celebratedRank
}

export async function addTierNoticeCredit(db: Queryable, memberId: number, accepted: boolean): Promise<number> {
  const { rows } = await db.query<{ credits: number }>(
    `UPDATE members SET tier_notice_credits = LEAST(tier_notice_credits + $2, 100) WHERE id = $1 RETURNING tier_notice_credits AS credits`,
    [memberId, accepted ? 1 : 0]
  )
  return rows[0].credits
}

/** A calendar day that exists and is not in the future. */
function checkBirthday(birthday: string, now: Date) {
  const day = new Date(`${birthday}T00:00:00+08:00`)
  const real = !Number.isNaN(day.getTime()) && new Date(day.getTime() + 8 * 3600_000).toISOString().slice(0, 10) === birthday
  if (!real || day > now) throw new AppError('VALIDATION_FAILED', 'birthday')
}

/** The member sets the birthday once; a second time is refused (an operator can correct it). */
export async function setOwnBirthday(db: Queryable, memberId: number, birthday: string, now: Date): Promise<void> {
  checkBirthday(birthday, now)
  const { rows } = await db.query('UPDATE members SET birthday = $2 WHERE id = $1 AND birthday IS NULL RETURNING id', [memberId, birthday])
  if (rows.length === 0) throw new AppError('BIRTHDAY_ALREADY_SET')
}

export async function correctBirthday(db: Queryable, change: { memberId: number; birthday: string; reason: string; operator: string; now: Date }) {
  checkBirthday(change.birthday, change.now)
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ before: string | null }>(
      `SELECT to_char(birthday, 'YYYY-MM-DD') AS before FROM members WHERE id = $1 FOR NO KEY UPDATE`,
      [change.memberId]
    )
    await tx.query('UPDATE members SET birthday = $2 WHERE id = $1', [change.memberId, change.birthday])
    await tx.query(
      `INSERT INTO member_audit (member_id, field, old_value, new_value, reason, operator, created_at) VALUES ($1, 'birthday', $2, $3, $4, $5, $6)`,
      [change.memberId, rows[0].before, change.birthday, change.reason, change.operator, change.now]
    )
  })
}

/** An operator's tier, with a reason (audited); the review comes a year from now. */
export async function setTierByOperator(db: Queryable, change: { memberId: number; tierCode: string; reason: string; operator: string; now: Date }) {
  await db.transaction(async (tx) => {
    const member = await findMemberTier(tx, change.memberId, true)
    const tiers = await listTierDetails(tx)
    if (!tiers.some((t) => t.code === change.tierCode)) throw new AppError('TIER_NOT_FOUND', 'tierCode')
    if (member.tierCode === change.tierCode) throw new AppError('TIER_UNCHANGED', 'tierCode')
    await setTier(tx, change.memberId, change.tierCode, change.now)
    await logTierChange(tx, { memberId: change.memberId, from: member.tierCode, to: change.tierCode, kind: 'operator', reason: change.reason, operator: change.operator, now: change.now })
  })
}

/**
 * The yearly review of tiers that are due: a member whose growth in the 12 months before the
 * review reached the tier's keep threshold keeps it for another year; otherwise the tier goes
 * down one, and growth older than those 12 months lapses (so the next payment does not lift the
 * member straight back). Claimed with SKIP LOCKED: replicas share the work.
 */
export async function reviewDueTiers(db: Database, now: Date, batchSize = 100): Promise<{ kept: number; lowered: number }> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number; tierCode: string; reviewAt: Date; growth: number }>(
      `SELECT id, tier_code AS "tierCode", tier_review_at AS "reviewAt", growth FROM members
       WHERE tier_review_at <= $1 ORDER BY tier_review_at LIMIT $2 FOR NO KEY UPDATE SKIP LOCKED`,
      [now, batchSize]
    )
    const tiers = await listTierDetails(tx)
    const result = { kept: 0, lowered: 0 }
    for (const member of rows) {
      const tier = tierOf(tiers, member.tierCode)
      const lastYear = await growthBetween(tx, member.id, yearBefore(member.reviewAt), member.reviewAt)
      if (lastYear >= tier.keepThreshold) {
        await tx.query(`UPDATE members SET tier_review_at = tier_review_at + interval '1 year' WHERE id = $1`, [member.id])
        await logTierChange(tx, { memberId: member.id, from: tier.code, to: tier.code, kind: 'review_keep', reason: `年度复核：近12个月成长值 ${lastYear}，达到保级 ${tier.keepThreshold}`, now })
        result.kept += 1
        continue
      }
      const lower = tiers.filter((t) => t.rank < tier.rank).at(-1)!
      await setTier(tx, member.id, lower.code, member.reviewAt)
      const lapsed = member.growth - Math.max(lastYear, 0)
      if (lapsed > 0) {
        await changeGrowth(tx, {
          memberId: member.id,
          amount: -lapsed,
          event: { type: 'tier_review', id: `${member.id}:${member.reviewAt.toISOString()}` },
          reason: '年度复核：12个月前的成长值失效',
          now
        })
      }
      await logTierChange(tx, { memberId: member.id, from: tier.code, to: lower.code, kind: 'review_downgrade', reason: `年度复核：近12个月成长值 ${lastYear}，未达到保级 ${tier.keepThreshold}`, now })
      result.lowered += 1
    }
    return result
  })
}

/**
 * The birthday-month gift: the tier's points, once a year (the ledger event is member + year,
 * so two runs at once, or a run every minute, post it once), usable at once.
 */
export async function postBirthdayGifts(db: Database, now: Date, batchSize = 200): Promise<number> {
  const { year, month } = shanghaiMonth(now)
  const { rows } = await db.query<{ id: number; points: number }>(
    `SELECT m.id, t.birthday_gift_points AS points FROM members m JOIN tiers t ON t.code = m.tier_code
     WHERE m.birthday IS NOT NULL AND extract(month FROM m.birthday) = $1 AND t.birthday_gift_points > 0
       AND NOT EXISTS (SELECT 1 FROM point_entries e WHERE e.event_type = 'birthday_gift' AND e.event_id = m.id || ':' || $2::text)
     ORDER BY m.id LIMIT $3`,
    [month, year, batchSize]
  )
  const rules = await loadRules(db)
  let posted = 0
  for (const member of rows) {
    const entry = await earnPoints(db, {
      memberId: member.id,
      points: member.points,
      event: { type: 'birthday_gift', id: `${member.id}:${year}` },
      reason: `${year} 生日月礼遇`,
      now,
      lockDays: 0,
      expiryDays: rules.expiryDays
    })
    if (!entry.replayed) posted += 1
  }
  return posted
}

/** Each month, the coupon of the member's tier (once per member and month: the issue's source is unique). */
export async function issueMonthlyTierCoupons(db: Database, now: Date, batchSize = 200): Promise<number> {
  const { year, month } = shanghaiMonth(now)
  const period = `${year}-${String(month).padStart(2, '0')}`
  const { rows } = await db.query<{ id: number; templateId: number }>(
    `SELECT m.id, t.monthly_coupon_template_id AS "templateId" FROM members m JOIN tiers t ON t.code = m.tier_code
     WHERE t.monthly_coupon_template_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM member_coupons c WHERE c.source_type = 'tier_monthly' AND c.source_id = m.id || ':' || $1)
     ORDER BY m.id LIMIT $2`,
    [period, batchSize]
  )
  let issued = 0
  for (const member of rows) {
    try {
      await issueCoupon(db, { templateId: member.templateId, memberId: member.id, source: { type: 'tier_monthly', id: `${member.id}:${period}` }, now })
      issued += 1
    } catch (error) {
      // A template switched off or a member at its limit simply gets none this month.
      if (!(error instanceof AppError)) throw error
    }
  }
  return issued
}

/**
 * Tier-up subscribe messages: claimed in a short transaction (SKIP LOCKED), sent outside any, then
 * recorded; a claim whose job died before recording is marked failed and never sent again.
 */
export async function sendTierNotices(db: Database, wechat: WechatAdapter, templateId: string | null, now: Date, batchSize = 50) {
  if (!templateId) return { sent: 0, failed: 0 }
  await db.query('UPDATE tier_notices SET failed = true WHERE sent_at IS NULL AND NOT failed AND claimed_at < $1', [new Date(now.getTime() - MESSAGE_CLAIM_STALE_MS)])
  const { rows } = await db.query<{ id: number; openid: string; tierName: string }>(
    `WITH claimed AS (
       UPDATE tier_notices SET claimed_at = $2 WHERE id IN (
         SELECT id FROM tier_notices WHERE sent_at IS NULL AND NOT failed AND claimed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
       ) RETURNING id, member_id, tier_code
     )
     SELECT c.id, u.openid, t.name AS "tierName" FROM claimed c JOIN members m ON m.id = c.member_id
     JOIN users u ON u.id = m.user_id JOIN tiers t ON t.code = c.tier_code ORDER BY c.id`,
    [batchSize, now]
  )
  let sent = 0
  for (const notice of rows) {
    const delivered = await wechat
      .sendSubscribeMessage({
        openid: notice.openid,
        templateId,
        page: 'pages/tier/index',
        data: { thing1: { value: `恭喜升级为${notice.tierName}` }, time2: { value: now.toISOString().slice(0, 10) } }
      })
      .catch(() => false)
    if (delivered) sent += 1
    await db.query('UPDATE tier_notices SET sent_at = $2, failed = $3 WHERE id = $1', [notice.id, delivered ? now : null, !delivered])
  }
  return { sent, failed: rows.length - sent }
}
