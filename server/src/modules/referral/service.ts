import { randomInt } from 'node:crypto'
import type { InviteRecord, InviteSummary } from '../../../../types/referral'
import { buildInviteScene, INVITE_CODE_ALPHABET } from '../../../../types/scene'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import type { WechatAdapter } from '../../wechat'
import { issueCoupon } from '../coupons/service'
import { earnPoints } from '../points/ledger'
import { loadRules } from '../points/rules'
import { listTiers } from '../tiers/repository'

export const INVITE_LANDING_PAGE = 'pages/invite/landing'

interface ReferralRules {
  inviterPoints: number
  dailyRewardLimit: number
  couponTemplateId: number | null
  holdRiskRank: number
}

async function loadReferralRules(db: Queryable): Promise<ReferralRules> {
  const { rows } = await db.query<ReferralRules>(
    `SELECT inviter_points AS "inviterPoints", daily_reward_limit AS "dailyRewardLimit",
            new_member_coupon_template_id AS "couponTemplateId", hold_risk_rank AS "holdRiskRank" FROM loyalty_referral_rules`
  )
  return rows[0]
}

async function friendCoupon(db: Queryable, templateId: number | null): Promise<InviteSummary['rules']['friendCoupon']> {
  if (templateId === null) return null
  const { rows } = await db.query<{ name: string; kind: 'amount' | 'percent'; amountOff: number; percentOff: number; maxDiscount: number; threshold: number }>(
    `SELECT name, kind, amount_off AS "amountOff", percent_off AS "percentOff", max_discount AS "maxDiscount", threshold
     FROM coupon_templates WHERE id = $1 AND active`,
    [templateId]
  )
  const t = rows[0]
  if (!t) return null
  return {
    name: t.name,
    rule: t.kind === 'amount' ? { kind: 'amount', amountOff: t.amountOff, threshold: t.threshold } : { kind: 'percent', percentOff: t.percentOff, maxDiscount: t.maxDiscount, threshold: t.threshold }
  }
}

/** 王小慧 → 王**; without a name, 会员****23 from the member number. */
export function maskedName(nickname: string | null, memberNo: string | null): string {
  if (nickname) return `${[...nickname][0]}**`
  return `会员****${(memberNo ?? '').slice(-2)}`
}

/** Today in Asia/Shanghai, YYYY-MM-DD: the daily reward limit resets at Shanghai midnight. */
const shanghaiDay = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)

/** The member's invite code, made the first time it is asked for (random, retried on the rare clash). */
export async function ensureInviteCode(db: Queryable, memberId: number, now: Date): Promise<string> {
  for (;;) {
    const { rows } = await db.query<{ code: string }>('SELECT code FROM invite_codes WHERE member_id = $1', [memberId])
    if (rows[0]) return rows[0].code
    const code = Array.from({ length: 6 }, () => INVITE_CODE_ALPHABET[randomInt(INVITE_CODE_ALPHABET.length)]).join('')
    await db.query('INSERT INTO invite_codes (member_id, code, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [memberId, code, now])
  }
}

interface Inviter {
  memberId: number
  userId: number
  memberNo: string
  nickname: string | null
  tierCode: string
}

async function findInviter(db: Queryable, code: string): Promise<Inviter> {
  const { rows } = await db.query<Inviter>(
    `SELECT m.id AS "memberId", m.user_id AS "userId", m.member_no AS "memberNo", u.nickname, m.tier_code AS "tierCode"
     FROM invite_codes c JOIN members m ON m.id = c.member_id JOIN users u ON u.id = m.user_id
     WHERE c.code = $1`,
    [code]
  )
  if (!rows[0]) throw new AppError('INVITE_NOT_FOUND', 'code')
  return rows[0]
}

export async function inviteSummary(db: Queryable, memberId: number, now: Date): Promise<InviteSummary> {
  const code = await ensureInviteCode(db, memberId, now)
  const inviter = await findInviter(db, code)
  const rules = await loadReferralRules(db)
  const { rows } = await db.query<{ invited: number; points: number }>(
    `SELECT count(*) FILTER (WHERE status = 'joined')::int AS invited, COALESCE(sum(reward_points) FILTER (WHERE NOT reward_held), 0)::int AS points
     FROM referral_bindings WHERE inviter_member_id = $1`,
    [memberId]
  )
  const tier = (await listTiers(db)).find((t) => t.code === inviter.tierCode)!
  return {
    code,
    scene: buildInviteScene(code),
    landingPage: INVITE_LANDING_PAGE,
    nickname: inviter.nickname,
    tier,
    rules: { inviterPoints: rules.inviterPoints, dailyRewardLimit: rules.dailyRewardLimit, friendCoupon: await friendCoupon(db, rules.couponTemplateId) },
    invitedCount: rows[0].invited,
    pointsEarned: rows[0].points
  }
}

/** The poster's mini-program code, drawn by WeChat once and kept. */
export async function inviteCodeImage(db: Queryable, wechat: WechatAdapter, memberId: number, now: Date, checkPath: boolean): Promise<string> {
  const code = await ensureInviteCode(db, memberId, now)
  const { rows } = await db.query<{ contentType: string | null; image: Buffer | null }>(
    'SELECT qr_content_type AS "contentType", qr_image AS image FROM invite_codes WHERE member_id = $1',
    [memberId]
  )
  let { contentType, image } = rows[0]
  if (!contentType || !image) {
    const drawn = await wechat.miniProgramCode({ scene: buildInviteScene(code), page: INVITE_LANDING_PAGE, checkPath }).catch(() => {
      throw new AppError('WECHAT_UNAVAILABLE')
    })
    ;({ contentType, image } = drawn)
    await db.query('UPDATE invite_codes SET qr_content_type = $2, qr_image = $3 WHERE member_id = $1', [memberId, contentType, image])
  }
  return `data:${contentType};base64,${Buffer.from(image).toString('base64')}`
}

export async function setNickname(db: Queryable, userId: number, nickname: string): Promise<string> {
  const trimmed = nickname.trim()
  await db.query('UPDATE users SET nickname = $2 WHERE id = $1', [userId, trimmed])
  return trimmed
}

export async function recordShare(db: Queryable, memberId: number, channel: 'card' | 'poster', now: Date): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO referral_shares (inviter_member_id, channel, created_at) VALUES ($1, $2, $3) RETURNING id',
    [memberId, channel, now]
  )
  return rows[0].id
}

/** Why this person arriving through this invite can not be bound, or null when they can. */
async function bindingObstacle(db: Queryable, inviter: Inviter, userId: number): Promise<string | null> {
  if (inviter.userId === userId) return '不能邀请自己'
  const member = await db.query('SELECT 1 FROM members WHERE user_id = $1', [userId])
  if (member.rows.length > 0) return '已是会员'
  const bound = await db.query<{ inviter: number }>('SELECT inviter_member_id AS inviter FROM referral_bindings WHERE invitee_user_id = $1', [userId])
  if (bound.rows[0]) return bound.rows[0].inviter === inviter.memberId ? '已接受过该邀请' : '已接受过其他好友的邀请'
  return null
}

export async function landing(db: Queryable, code: string, userId: number) {
  const inviter = await findInviter(db, code)
  const tier = (await listTiers(db)).find((t) => t.code === inviter.tierCode)!
  const obstacle = await bindingObstacle(db, inviter, userId)
  const eligible = obstacle === null || obstacle === '已接受过该邀请'
  const member = (await db.query('SELECT 1 FROM members WHERE user_id = $1', [userId])).rows.length > 0
  return {
    inviter: { name: maskedName(inviter.nickname, inviter.memberNo), tier },
    friendCoupon: await friendCoupon(db, (await loadReferralRules(db)).couponTemplateId),
    eligible,
    reason: eligible ? null : obstacle,
    member
  }
}

/**
 * Someone arrived through an invite. A person who was never a member, arriving through someone
 * else's invite, is bound to that inviter; the first binding wins (a UNIQUE key, so two inviters
 * racing for one person end with one). Members can not be invited, so invites never form a cycle.
 */
export async function recordVisit(
  db: Queryable,
  visit: { code: string; channel: 'card' | 'poster'; shareId?: number; userId: number; now: Date }
): Promise<{ bound: boolean; reason: string | null }> {
  return db.transaction(async (tx) => {
    const inviter = await findInviter(tx, visit.code)
    const shareId = visit.shareId
      ? ((await tx.query<{ id: number }>('SELECT id FROM referral_shares WHERE id = $1 AND inviter_member_id = $2', [visit.shareId, inviter.memberId])).rows[0]?.id ?? null)
      : null
    await tx.query('INSERT INTO referral_visits (inviter_member_id, visitor_user_id, channel, share_id, created_at) VALUES ($1, $2, $3, $4, $5)', [
      inviter.memberId,
      visit.userId,
      visit.channel,
      shareId,
      visit.now
    ])
    const obstacle = await bindingObstacle(tx, inviter, visit.userId)
    if (obstacle) return { bound: false, reason: obstacle }
    const { rows } = await tx.query(
      `INSERT INTO referral_bindings (invitee_user_id, inviter_member_id, channel, share_id, status, bound_at)
       VALUES ($1, $2, $3, $4, 'pending', $5) ON CONFLICT (invitee_user_id) DO NOTHING RETURNING id`,
      [visit.userId, inviter.memberId, visit.channel, shareId, visit.now]
    )
    return rows.length > 0 ? { bound: true, reason: null } : { bound: false, reason: '已接受过其他好友的邀请' }
  })
}

async function postInviterReward(tx: Queryable, binding: { inviterMemberId: number; inviteeMemberId: number; friend: string }, points: number, now: Date) {
  if (points === 0) return
  const rules = await loadRules(tx)
  await earnPoints(tx, {
    memberId: binding.inviterMemberId,
    points,
    event: { type: 'referral', id: String(binding.inviteeMemberId) },
    reason: `邀请好友 ${binding.friend}`,
    now,
    lockDays: 0,
    expiryDays: rules.expiryDays
  })
}

/**
 * WeChat's risk rank of a person about to join through an invite, asked before the join's
 * transaction opens (never while it holds locks); null when no invite is waiting for them.
 * WeChat failing is not a pass: the reward then waits for a person to look.
 */
export async function inviteeRiskRank(db: Queryable, wechat: WechatAdapter, userId: number): Promise<number | null> {
  const { rows } = await db.query<{ openid: string }>(
    `SELECT u.openid FROM referral_bindings b JOIN users u ON u.id = b.invitee_user_id WHERE b.invitee_user_id = $1 AND b.status = 'pending'`,
    [userId]
  )
  if (rows.length === 0) return null
  const rules = await loadReferralRules(db)
  return wechat.userRiskRank({ openid: rows[0].openid, scene: 0 }).catch(() => rules.holdRiskRank)
}

/**
 * The invitee just joined (same transaction as the join): the inviter earns the points (the
 * ledger event is the invitee's membership, so it can never post twice) unless the day's limit
 * is reached; a risky invitee holds the reward for review; the friend gets the new-member coupon.
 * Rewards of one inviter take turns on the lock of their invite code, so the limit holds under
 * concurrency.
 */
export async function rewardReferral(tx: Queryable, join: { userId: number; memberId: number; memberNo: string; riskRank: number | null; now: Date }) {
  const { rows } = await tx.query<{ id: number; inviterMemberId: number; nickname: string | null }>(
    `SELECT b.id, b.inviter_member_id AS "inviterMemberId", u.nickname
     FROM referral_bindings b JOIN users u ON u.id = b.invitee_user_id
     WHERE b.invitee_user_id = $1 AND b.status = 'pending' FOR UPDATE OF b`,
    [join.userId]
  )
  const binding = rows[0]
  if (!binding) return
  await tx.query('SELECT 1 FROM invite_codes WHERE member_id = $1 FOR UPDATE', [binding.inviterMemberId])
  const rules = await loadReferralRules(tx)
  const today = shanghaiDay(join.now)
  const { rows: counted } = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM referral_bindings WHERE inviter_member_id = $1 AND rewarded_on = $2::date',
    [binding.inviterMemberId, today]
  )
  const settle = (fields: { status: 'joined' | 'ineligible'; reason: string | null; points: number; held: boolean; rewardedOn: string | null }) =>
    tx.query(
      `UPDATE referral_bindings SET status = $2, reason = $3, reward_points = $4, reward_held = $5, rewarded_on = $6::date,
         invitee_member_id = $7, joined_at = $8 WHERE id = $1`,
      [binding.id, fields.status, fields.reason, fields.points, fields.held, fields.rewardedOn, join.memberId, join.now]
    )
  if (counted[0].n >= rules.dailyRewardLimit) {
    await settle({ status: 'ineligible', reason: `邀请人今日奖励已达上限（${rules.dailyRewardLimit} 人）`, points: 0, held: false, rewardedOn: null })
  } else {
    // No rank (the invite appeared after it was asked for) is not a pass either.
    const held = (join.riskRank ?? rules.holdRiskRank) >= rules.holdRiskRank
    await settle({ status: 'joined', reason: held ? '风险审核中' : null, points: rules.inviterPoints, held, rewardedOn: today })
    if (!held) await postInviterReward(tx, { inviterMemberId: binding.inviterMemberId, inviteeMemberId: join.memberId, friend: maskedName(binding.nickname, join.memberNo) }, rules.inviterPoints, join.now)
  }
  if (rules.couponTemplateId !== null) {
    await issueCoupon(tx, { templateId: rules.couponTemplateId, memberId: join.memberId, source: { type: 'referral_new_member', id: String(join.memberId) }, now: join.now }).catch(
      (error: unknown) => {
        // A switched-off template or a limit reached leaves the friend without it, not without membership.
        if (!(error instanceof AppError)) throw error
      }
    )
  }
}

interface RecordRow {
  nickname: string | null
  memberNo: string | null
  status: InviteRecord['status']
  reason: string | null
  points: number
  held: boolean
  channel: InviteRecord['channel']
  boundAt: Date
  joinedAt: Date | null
}

const RECORD_SELECT = `SELECT u.nickname, m.member_no AS "memberNo", b.status, b.reason, b.reward_points AS points, b.reward_held AS held,
    b.channel, b.bound_at AS "boundAt", b.joined_at AS "joinedAt"
  FROM referral_bindings b JOIN users u ON u.id = b.invitee_user_id LEFT JOIN members m ON m.id = b.invitee_member_id`

const toRecord = (row: RecordRow): InviteRecord => ({
  friend: maskedName(row.nickname, row.memberNo),
  status: row.status,
  reason: row.reason,
  points: row.held ? 0 : row.points,
  channel: row.channel,
  invitedAt: row.boundAt.toISOString(),
  joinedAt: row.joinedAt?.toISOString() ?? null
})

export async function inviteRecords(db: Queryable, memberId: number): Promise<InviteRecord[]> {
  const { rows } = await db.query<RecordRow>(`${RECORD_SELECT} WHERE b.inviter_member_id = $1 ORDER BY b.id DESC LIMIT 200`, [memberId])
  return rows.map(toRecord)
}

/** An operator releases a reward held for review: it posts now (once: the ledger event is the invitee). */
export async function releaseHeldReward(db: Queryable, inviteeMemberNo: string, now: Date): Promise<InviteRecord> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number; inviterMemberId: number; inviteeMemberId: number; points: number; nickname: string | null }>(
      `UPDATE referral_bindings b SET reward_held = false, reason = NULL FROM members m, users u
       WHERE m.member_no = $1 AND b.invitee_member_id = m.id AND b.reward_held AND u.id = b.invitee_user_id
       RETURNING b.id, b.inviter_member_id AS "inviterMemberId", b.invitee_member_id AS "inviteeMemberId", b.reward_points AS points, u.nickname`,
      [inviteeMemberNo]
    )
    const binding = rows[0]
    if (!binding) throw new AppError('INVITE_NOT_FOUND', 'memberNo')
    await postInviterReward(tx, { ...binding, friend: maskedName(binding.nickname, inviteeMemberNo) }, binding.points, now)
    const { rows: record } = await tx.query<RecordRow>(`${RECORD_SELECT} WHERE b.id = $1`, [binding.id])
    return toRecord(record[0])
  })
}

/** Monday 00:00 of this week in Asia/Shanghai, as an instant. */
function weekStart(now: Date): Date {
  const shanghai = new Date(now.getTime() + 8 * 3600_000)
  const daysSinceMonday = (shanghai.getUTCDay() + 6) % 7
  const monday = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate() - daysSinceMonday)
  return new Date(monday - 8 * 3600_000)
}

/** This week's rewarded invites per inviter; ties go to whoever got there first. */
export async function leaderboard(db: Queryable, memberId: number, now: Date) {
  const from = weekStart(now)
  const { rows } = await db.query<{ memberId: number; memberNo: string; nickname: string | null; tierCode: string; invites: number }>(
    `SELECT b.inviter_member_id AS "memberId", m.member_no AS "memberNo", u.nickname, m.tier_code AS "tierCode", count(*)::int AS invites
     FROM referral_bindings b JOIN members m ON m.id = b.inviter_member_id JOIN users u ON u.id = m.user_id
     WHERE b.status = 'joined' AND NOT b.reward_held AND b.joined_at >= $1 AND b.joined_at < $2
     GROUP BY b.inviter_member_id, m.member_no, u.nickname, m.tier_code
     ORDER BY invites DESC, max(b.joined_at) ASC`,
    [from, new Date(from.getTime() + 7 * 86_400_000)]
  )
  const tiers = await listTiers(db)
  const ranked = rows.map((row, index) => ({ ...row, rank: index + 1 }))
  const mine = ranked.find((row) => row.memberId === memberId)
  return {
    weekStart: new Date(from.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
    items: ranked.slice(0, 20).map((row) => ({ rank: row.rank, name: maskedName(row.nickname, row.memberNo), tier: tiers.find((t) => t.code === row.tierCode)!, invites: row.invites })),
    me: { rank: mine?.rank ?? null, invites: mine?.invites ?? 0 }
  }
}

/** 分享回流: shares, visits and joins per inviter and channel in [from, to). */
export async function referralReport(db: Queryable, from: Date, to: Date) {
  const { rows } = await db.query<{ memberNo: string; channel: 'card' | 'poster'; shares: number; visits: number; joins: number }>(
    `WITH shares AS (SELECT inviter_member_id AS m, channel, count(*) AS n FROM referral_shares WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2),
          visits AS (SELECT inviter_member_id AS m, channel, count(*) AS n FROM referral_visits WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2),
          joins AS (SELECT inviter_member_id AS m, channel, count(*) AS n FROM referral_bindings WHERE status = 'joined' AND joined_at >= $1 AND joined_at < $2 GROUP BY 1, 2),
          keys AS (SELECT m, channel FROM shares UNION SELECT m, channel FROM visits UNION SELECT m, channel FROM joins)
     SELECT mem.member_no AS "memberNo", k.channel, COALESCE(s.n, 0)::int AS shares, COALESCE(v.n, 0)::int AS visits, COALESCE(j.n, 0)::int AS joins
     FROM keys k JOIN members mem ON mem.id = k.m
     LEFT JOIN shares s ON s.m = k.m AND s.channel = k.channel
     LEFT JOIN visits v ON v.m = k.m AND v.channel = k.channel
     LEFT JOIN joins j ON j.m = k.m AND j.channel = k.channel
     ORDER BY joins DESC, visits DESC, mem.member_no, k.channel
     LIMIT 1000`,
    [from, to]
  )
  return rows
}
