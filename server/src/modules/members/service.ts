import type { MemberCard } from '../../../../types/members'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { earnPoints, openAccount } from '../points/ledger'
import { loadRules } from '../points/rules'
import { resolveStoreAttribution } from '../stores/service'
import { listTiers, nextTierOf } from '../tiers/repository'
import { tierToCelebrate } from '../tiers/service'
import { findMemberByUser, insertMemberOnce, type MemberRow } from './repository'

export async function toMemberCard(db: Queryable, member: MemberRow): Promise<MemberCard> {
  const tiers = await listTiers(db)
  const tier = tiers.find((t) => t.code === member.tierCode)
  if (!tier) throw new Error(`member ${member.memberNo} has unknown tier ${member.tierCode}`)
  return {
    memberNo: member.memberNo,
    joinedAt: member.joinedAt.toISOString(),
    joinedStore: member.storeCode && member.storeName ? { code: member.storeCode, name: member.storeName } : null,
    tier,
    nextTier: nextTierOf(tiers, tier),
    growth: member.growth,
    points: { balance: member.balance, pending: member.pending },
    celebrate: await tierToCelebrate(db, member.id)
  }
}

export async function requireMember(db: Queryable, userId: number): Promise<MemberRow> {
  const member = await findMemberByUser(db, userId)
  if (!member) throw new AppError('NOT_A_MEMBER')
  return member
}

/**
 * Joins membership once per person. Joining again (another store's code, a retry, a race) changes
 * nothing and answers with the existing card.
 */
export async function joinMembership(
  db: Queryable,
  request: { userId: number; storeCode?: string; staffCode?: string; now: Date }
) {
  return db.transaction(async (tx) => {
    const existing = await findMemberByUser(tx, request.userId)
    if (existing) return { card: await toMemberCard(tx, existing), joinedNow: false, welcomePoints: 0 }

    if (request.staffCode && !request.storeCode) throw new AppError('VALIDATION_FAILED', 'storeCode')
    const { store, staff } = request.storeCode
      ? await resolveStoreAttribution(tx, request.storeCode, request.staffCode)
      : { store: null, staff: null }
    const memberId = await insertMemberOnce(tx, {
      userId: request.userId,
      storeId: store?.id ?? null,
      staffId: staff?.id ?? null,
      joinedAt: request.now
    })
    if (memberId === null) {
      // A concurrent join committed first.
      return { card: await toMemberCard(tx, await requireMember(tx, request.userId)), joinedNow: false, welcomePoints: 0 }
    }
    await openAccount(tx, memberId)
    const rules = await loadRules(tx)
    if (rules.welcomePoints > 0) {
      await earnPoints(tx, {
        memberId,
        points: rules.welcomePoints,
        event: { type: 'welcome_gift', id: String(memberId) },
        reason: '新会员礼',
        now: request.now,
        lockDays: 0,
        expiryDays: rules.expiryDays
      })
    }
    return {
      card: await toMemberCard(tx, await requireMember(tx, request.userId)),
      joinedNow: true,
      welcomePoints: rules.welcomePoints
    }
  })
}
