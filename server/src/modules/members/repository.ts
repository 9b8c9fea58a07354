import { seesStore, type Actor } from '../../http/actor'
import { AppError } from '../../http/errors'
import type { Queryable } from '../../db'

export interface MemberRow {
  id: number
  memberNo: string
  joinedAt: Date
  growth: number
  tierCode: string
  storeId: number | null
  storeCode: string | null
  storeName: string | null
  balance: number
  pending: number
}

const MEMBER_SELECT = `
  SELECT m.id, m.member_no AS "memberNo", m.joined_at AS "joinedAt", m.growth, m.tier_code AS "tierCode",
         m.joined_store_id AS "storeId", s.code AS "storeCode", s.name AS "storeName", a.balance, a.pending
  FROM members m
  JOIN point_accounts a ON a.member_id = m.id
  LEFT JOIN stores s ON s.id = m.joined_store_id`

export async function findMemberByUser(db: Queryable, userId: number): Promise<MemberRow | null> {
  const { rows } = await db.query<MemberRow>(`${MEMBER_SELECT} WHERE m.user_id = $1`, [userId])
  return rows[0] ?? null
}

export async function findMemberByNo(db: Queryable, memberNo: string): Promise<MemberRow | null> {
  const { rows } = await db.query<MemberRow>(`${MEMBER_SELECT} WHERE m.member_no = $1`, [memberNo])
  return rows[0] ?? null
}

/** Inserts the membership unless the person already has one; the UNIQUE user_id settles races. */
export async function insertMemberOnce(
  db: Queryable,
  member: { userId: number; storeId: number | null; staffId: number | null; joinedAt: Date }
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO members (user_id, joined_store_id, joined_staff_id, joined_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING RETURNING id`,
    [member.userId, member.storeId, member.staffId, member.joinedAt]
  )
  return rows[0]?.id ?? null
}

/** A member as an operator may see them: outside a 门店店长's stores a member does not exist. */
export async function findMemberForActor(db: Queryable, actor: Actor, memberNo: string): Promise<MemberRow> {
  const member = await findMemberByNo(db, memberNo)
  if (!member || !seesStore(actor, member.storeId)) throw new AppError('MEMBER_NOT_FOUND', 'memberNo')
  return member
}
