import { randomInt } from 'node:crypto'
import type { DrawActivity, DrawResult, WonPrize } from '../../../../types/draw'
import type { Address } from '../../../../types/orders'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { couponIssuable, issueCoupon } from '../coupons/service'
import { earnPoints, settleAccount, spendPoints } from '../points/ledger'
import { loadRules } from '../points/rules'
import {
  activityPrizes,
  claimPrize,
  countDraw,
  drawsOn,
  findActivity,
  findWon,
  insertDraw,
  memberPrizes,
  shipPrize,
  takePrizeStock,
  toPrize,
  toWonPrize,
  winsByPrize,
  type ActivityRow,
  type PrizeRow
} from './repository'

/** The whole-activity counter sits on this day. */
const WHOLE_ACTIVITY = 'infinity'

/** Today in Asia/Shanghai, as YYYY-MM-DD: daily limits and free draws reset at Shanghai midnight. */
const shanghaiDay = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)

async function newDrawNo(db: Queryable, now: Date): Promise<string> {
  const { rows } = await db.query<{ n: string }>("SELECT lpad(nextval('draw_no_seq')::text, 10, '0') AS n")
  return `D${shanghaiDay(now).replace(/-/g, '')}${rows[0].n}`
}

async function memberTierRank(db: Queryable, memberId: number): Promise<number> {
  const { rows } = await db.query<{ rank: number }>('SELECT t.rank FROM members m JOIN tiers t ON t.code = m.tier_code WHERE m.id = $1', [memberId])
  return rows[0].rank
}

async function openActivity(db: Queryable, code: string): Promise<ActivityRow> {
  const activity = await findActivity(db, code)
  if (!activity) throw new AppError('DRAW_NOT_FOUND')
  return activity
}

/** Why the member cannot draw now, as the page shows it; null when they can. */
async function blockedReason(db: Queryable, activity: ActivityRow, memberId: number, drawsToday: number, now: Date): Promise<string | null> {
  if (now < activity.startsAt || now >= activity.endsAt) return '不在活动时间内'
  if ((await memberTierRank(db, memberId)) < activity.minTierRank) return '会员等级未达到参与条件'
  if (drawsToday >= activity.dailyLimit) return '今日抽奖次数已用完'
  if (activity.totalLimit !== null && (await drawsOn(db, activity.id, memberId, WHOLE_ACTIVITY)) >= activity.totalLimit) return '本活动抽奖次数已用完'
  return null
}

export async function describeActivity(db: Queryable, code: string, memberId: number, now: Date): Promise<DrawActivity> {
  const activity = await openActivity(db, code)
  const drawsToday = await drawsOn(db, activity.id, memberId, shanghaiDay(now))
  const { balance } = await settleAccount(db, memberId, now)
  return {
    code: activity.code,
    name: activity.name,
    startsAt: activity.startsAt.toISOString(),
    endsAt: activity.endsAt.toISOString(),
    costPoints: activity.costPoints,
    freeDrawsPerDay: activity.freeDrawsPerDay,
    dailyLimit: activity.dailyLimit,
    totalLimit: activity.totalLimit,
    rules: activity.rules,
    prizes: (await activityPrizes(db, activity.id)).map(toPrize),
    me: {
      balance,
      freeDrawsLeftToday: Math.max(activity.freeDrawsPerDay - drawsToday, 0),
      drawsLeftToday: Math.max(activity.dailyLimit - drawsToday, 0),
      blockedReason: await blockedReason(db, activity, memberId, drawsToday, now)
    }
  }
}

/**
 * Picks a prize with crypto randomness, by weight, among the prizes that still have stock and
 * that the member has not won up to their cap. The stock is taken afterwards with a conditional
 * update; if a concurrent draw took the last unit meanwhile, the draw falls back to "thanks".
 */
export function pickByWeight<P extends { weight: number }>(prizes: P[]): P | null {
  const total = prizes.reduce((sum, prize) => sum + prize.weight, 0)
  if (total === 0) return null
  let ticket = randomInt(0, total)
  for (const prize of prizes) {
    if (ticket < prize.weight) return prize
    ticket -= prize.weight
  }
  throw new Error('unreachable: the ticket is below the total weight')
}

/**
 * One draw, in one transaction: the limits are counted (conditional upserts), the day's free draw
 * or the cost in points is taken (ledger event = the draw), the prize is chosen and its stock
 * taken, and points or coupon prizes are given at once; a physical gift waits for an address.
 */
export async function draw(db: Queryable, request: { code: string; memberId: number; now: Date }): Promise<DrawResult> {
  return db.transaction(async (tx) => {
    const activity = await openActivity(tx, request.code)
    const { now, memberId } = request
    if (now < activity.startsAt || now >= activity.endsAt) throw new AppError('DRAW_NOT_OPEN')
    if ((await memberTierRank(tx, memberId)) < activity.minTierRank) throw new AppError('DRAW_TIER_REQUIRED')
    const today = shanghaiDay(now)
    const drawsToday = await countDraw(tx, { activityId: activity.id, memberId, day: today, limit: activity.dailyLimit })
    if (drawsToday === null) throw new AppError('DRAW_DAILY_LIMIT')
    if (activity.totalLimit !== null && (await countDraw(tx, { activityId: activity.id, memberId, day: WHOLE_ACTIVITY, limit: activity.totalLimit })) === null) {
      throw new AppError('DRAW_TOTAL_LIMIT')
    }
    const drawNo = await newDrawNo(tx, now)
    // A day's free draws are its first draws.
    const free = drawsToday <= activity.freeDrawsPerDay
    const pointsSpent = free ? 0 : activity.costPoints
    let balance: number | null = null
    if (pointsSpent > 0) {
      balance = (await spendPoints(tx, { memberId, points: pointsSpent, event: { type: 'draw', id: drawNo }, reason: `积分抽奖 ${activity.name}`, now })).balance
    }

    const prizes = await activityPrizes(tx, activity.id)
    const wins = await winsByPrize(tx, activity.id, memberId)
    const candidates = []
    for (const prize of prizes) {
      const available = prize.weight > 0 && (prize.stock === null || prize.stock > 0) && (prize.perMemberCap === null || (wins.get(prize.id) ?? 0) < prize.perMemberCap)
      // A coupon the member may not hold more of is not a prize for them.
      if (available && (prize.kind !== 'coupon' || (await couponIssuable(tx, prize.couponTemplateId!, memberId, now)))) candidates.push(prize)
    }
    const thanks = prizes.find((prize) => prize.kind === 'thanks')
    if (!thanks) throw new Error(`activity ${activity.code} has no 谢谢参与 cell`)
    const picked = pickByWeight(candidates)
    const prize = picked && picked.kind !== 'thanks' && (await takePrizeStock(tx, picked.id)) ? picked : thanks

    let couponId: number | null = null
    if (prize.kind === 'points') {
      const rules = await loadRules(tx)
      balance = (
        await earnPoints(tx, { memberId, points: prize.points!, event: { type: 'draw_prize', id: drawNo }, reason: `抽奖奖励 ${prize.name}`, now, lockDays: 0, expiryDays: rules.expiryDays })
      ).balance
    }
    if (prize.kind === 'coupon') {
      couponId = (await issueCoupon(tx, { templateId: prize.couponTemplateId!, memberId, source: { type: 'draw', id: drawNo }, now })).id
    }
    const claimDeadline = prize.kind === 'physical' ? new Date(now.getTime() + activity.claimDays * 86_400_000) : null
    await insertDraw(tx, {
      drawNo,
      activityId: activity.id,
      memberId,
      prizeId: prize.id,
      pointsSpent,
      free,
      status: prize.kind === 'thanks' ? 'none' : prize.kind === 'physical' ? 'to_claim' : 'awarded',
      couponId,
      claimDeadline,
      now
    })
    return {
      drawNo,
      prize: toPrize(prize),
      free,
      pointsSpent,
      balance: balance ?? (await settleAccount(tx, memberId, now)).balance,
      freeDrawsLeftToday: Math.max(activity.freeDrawsPerDay - drawsToday, 0),
      drawsLeftToday: activity.dailyLimit - drawsToday,
      claimDeadline: claimDeadline?.toISOString() ?? null
    }
  })
}

export async function listWonPrizes(db: Queryable, memberId: number, now: Date): Promise<WonPrize[]> {
  return (await memberPrizes(db, memberId)).map((row) => toWonPrize(row, now))
}

export async function claimWonPrize(db: Queryable, request: { memberId: number; drawNo: string; address: Address; now: Date }): Promise<WonPrize> {
  const won = await findWon(db, request.drawNo)
  if (!won || won.memberId !== request.memberId) throw new AppError('PRIZE_NOT_FOUND')
  if (!(await claimPrize(db, won.id, request.address, request.now))) throw new AppError('PRIZE_NOT_CLAIMABLE')
  return toWonPrize((await findWon(db, request.drawNo))!, request.now)
}

export async function shipWonPrize(db: Queryable, request: { drawNo: string; carrier: string; trackingNo: string; now: Date }): Promise<WonPrize> {
  const won = await findWon(db, request.drawNo)
  if (!won) throw new AppError('PRIZE_NOT_FOUND')
  if (!(await shipPrize(db, won.id, request))) throw new AppError('PRIZE_NOT_CLAIMABLE')
  return toWonPrize((await findWon(db, request.drawNo))!, request.now)
}
