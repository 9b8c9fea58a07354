import type { MemberDetail, MemberFilters, MemberRow, MemberSort } from '../../../../types/member-admin'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { listAudit } from '../audit/repository'

/**
 * Filters as one WHERE clause on `members m` alone, with numbered parameters; shared by the list,
 * its count and the export. Other tables are reached through subqueries, so the count joins
 * nothing (a count over the list's joins cost ~15× the page itself on 100,000 members), and a
 * member number is found through its index rather than an OR across two tables.
 */
function whereOf(filters: MemberFilters, storeIds: number[] | null, params: unknown[]): string {
  const add = (value: unknown) => `$${params.push(value)}`
  const conditions: string[] = []
  if (storeIds !== null) conditions.push(`m.joined_store_id = ANY(${add(storeIds)}::int[])`)
  if (filters.q !== undefined) {
    const byNickname = `SELECT id FROM users WHERE nickname ILIKE ${add(`%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`
    conditions.push(
      /^[0-9]+$/.test(filters.q)
        ? `m.id IN (SELECT id FROM members WHERE member_no = ${add(filters.q)} UNION SELECT id FROM members WHERE user_id IN (${byNickname}))`
        : `m.user_id IN (${byNickname})`
    )
  }
  if (filters.storeCode !== undefined) conditions.push(`m.joined_store_id = (SELECT id FROM stores WHERE code = ${add(filters.storeCode)})`)
  if (filters.staffCode !== undefined) conditions.push(`m.joined_staff_id IN (SELECT id FROM staff WHERE code = ${add(filters.staffCode)})`)
  if (filters.tierCode !== undefined) conditions.push(`m.tier_code = ${add(filters.tierCode)}`)
  if (filters.tag !== undefined) conditions.push(`EXISTS (SELECT 1 FROM member_tags t WHERE t.member_id = m.id AND t.tag = ${add(filters.tag)})`)
  if (filters.joinedFrom !== undefined) conditions.push(`m.joined_at >= ${add(filters.joinedFrom)}`)
  if (filters.joinedTo !== undefined) conditions.push(`m.joined_at < ${add(filters.joinedTo)}`)
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
}

const FROM_MEMBERS = `
  FROM members m
  JOIN users u ON u.id = m.user_id
  JOIN point_accounts a ON a.member_id = m.id
  JOIN tiers tr ON tr.code = m.tier_code
  LEFT JOIN stores s ON s.id = m.joined_store_id
  LEFT JOIN staff st ON st.id = m.joined_staff_id`

const ROW_COLUMNS = `
  m.id, m.member_no AS "memberNo", u.nickname, m.joined_at AS "joinedAt", s.code AS "storeCode", s.name AS "storeName",
  st.code AS "staffCode", st.name AS "staffName", tr.code AS "tierCode", tr.name AS "tierName", m.growth, a.balance, a.pending,
  ARRAY(SELECT t.tag FROM member_tags t WHERE t.member_id = m.id ORDER BY t.tag) AS tags`

interface Row {
  id: number
  memberNo: string
  nickname: string | null
  joinedAt: Date
  storeCode: string | null
  storeName: string | null
  staffCode: string | null
  staffName: string | null
  tierCode: string
  tierName: string
  growth: number
  balance: number
  pending: number
  tags: string[]
}

const toMemberRow = (row: Row): MemberRow => ({
  memberNo: row.memberNo,
  nickname: row.nickname,
  joinedAt: row.joinedAt.toISOString(),
  store: row.storeCode ? { code: row.storeCode, name: row.storeName! } : null,
  staff: row.staffCode ? { code: row.staffCode, name: row.staffName! } : null,
  tier: { code: row.tierCode, name: row.tierName },
  growth: row.growth,
  balance: row.balance,
  pending: row.pending,
  tags: row.tags
})

const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** Keyset order per sort: the cursor is the last row's sort value and id, so a page costs the same deep in the list. */
const SORTS: Record<MemberSort, { key: string; direction: 'ASC' | 'DESC'; cursorValue: (row: Row) => number; fromCursor: (v: number) => unknown }> = {
  joined_desc: { key: 'm.joined_at', direction: 'DESC', cursorValue: (r) => r.joinedAt.getTime(), fromCursor: (v) => new Date(v) },
  joined_asc: { key: 'm.joined_at', direction: 'ASC', cursorValue: (r) => r.joinedAt.getTime(), fromCursor: (v) => new Date(v) },
  balance_desc: { key: 'a.balance', direction: 'DESC', cursorValue: (r) => r.balance, fromCursor: (v) => v },
  growth_desc: { key: 'm.growth', direction: 'DESC', cursorValue: (r) => r.growth, fromCursor: (v) => v }
}

export async function searchMembers(
  db: Queryable,
  request: { filters: MemberFilters; storeIds: number[] | null; sort: MemberSort; cursor?: string; limit: number }
): Promise<{ items: MemberRow[]; nextCursor: string | null; total: number }> {
  const sort = SORTS[request.sort]
  const params: unknown[] = []
  const where = whereOf(request.filters, request.storeIds, params)
  const countParams = [...params]
  let keyset = ''
  if (request.cursor !== undefined) {
    const [value, id] = request.cursor.split(':').map(Number)
    // A joined-at cursor is a time PostgreSQL can store (years 1970–9999), or it is not ours.
    if (sort.key === 'm.joined_at' && !(value >= 0 && value <= MAX_TIMESTAMP_MS)) throw new AppError('VALIDATION_FAILED', 'cursor')
    const comparison = sort.direction === 'DESC' ? '<' : '>'
    // Typed explicitly: a cursor value beyond int4 (the contract allows 15 digits) compares as bigint instead of failing.
    const valueType = sort.key === 'm.joined_at' ? 'timestamptz' : 'bigint'
    keyset = `${where ? ' AND' : 'WHERE'} (${sort.key}, m.id) ${comparison} ($${params.push(sort.fromCursor(value))}::${valueType}, $${params.push(id)}::bigint)`
  }
  const { rows } = await db.query<Row>(
    `SELECT ${ROW_COLUMNS} ${FROM_MEMBERS} ${where}${keyset}
     ORDER BY ${sort.key} ${sort.direction}, m.id ${sort.direction} LIMIT $${params.push(request.limit + 1)}`,
    params
  )
  const { rows: counted } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM members m ${where}`, countParams)
  const page = rows.slice(0, request.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(toMemberRow),
    nextCursor: rows.length > request.limit ? `${sort.cursorValue(last)}:${last.id}` : null,
    total: Number(counted[0].n)
  }
}

export const EXPORT_LIMIT = 100_000

export async function exportMembers(db: Queryable, filters: MemberFilters, storeIds: number[] | null): Promise<MemberRow[]> {
  const params: unknown[] = []
  const where = whereOf(filters, storeIds, params)
  const { rows } = await db.query<Row>(
    `SELECT ${ROW_COLUMNS} ${FROM_MEMBERS} ${where} ORDER BY m.joined_at DESC, m.id DESC LIMIT $${params.push(EXPORT_LIMIT)}`,
    params
  )
  return rows.map(toMemberRow)
}

export async function findMemberRow(db: Queryable, memberId: number): Promise<MemberRow> {
  const { rows } = await db.query<Row>(`SELECT ${ROW_COLUMNS} ${FROM_MEMBERS} WHERE m.id = $1`, [memberId])
  return toMemberRow(rows[0])
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** Everything the member's console page shows besides the ledger (paged on its own): the latest of each. */
export async function memberRecords(db: Queryable, memberId: number, memberNo: string, now: Date): Promise<Omit<MemberDetail, 'member' | 'adjustments'>> {
  const q = async <T>(sql: string, params: unknown[] = [memberId]) => (await db.query<T>(sql, params)).rows
  const [profile] = await q<{ birthday: string | null; tierReviewAt: Date | null }>(
    `SELECT to_char(birthday, 'YYYY-MM-DD') AS birthday, tier_review_at AS "tierReviewAt" FROM members WHERE id = $1`
  )
  const lots = await q<{ id: number; amount: number; remaining: number; unlockedAt: Date | null; availableAt: Date; expiresAt: Date; reason: string }>(
    `SELECT l.id, l.amount, l.remaining, l.unlocked_at AS "unlockedAt", l.available_at AS "availableAt", l.expires_at AS "expiresAt", e.reason
     FROM point_lots l JOIN point_entries e ON e.id = l.entry_id
     WHERE l.member_id = $1 AND (l.remaining > 0 OR l.unlocked_at IS NULL) ORDER BY l.expires_at, l.id LIMIT 100`
  )
  const orders = await q<{ orderNo: string; status: string; goodsAmount: number; payAmount: number; pointsUsed: number; createdAt: Date }>(
    `SELECT order_no AS "orderNo", status, goods_amount AS "goodsAmount", pay_amount AS "payAmount", points_used AS "pointsUsed", created_at AS "createdAt"
     FROM orders WHERE member_id = $1 ORDER BY id DESC LIMIT 20`
  )
  const coupons = await q<{ id: number; name: string; usedAt: Date | null; validUntil: Date; issuedAt: Date }>(
    `SELECT c.id, t.name, c.used_at AS "usedAt", c.valid_until AS "validUntil", c.issued_at AS "issuedAt"
     FROM member_coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.member_id = $1 ORDER BY c.id DESC LIMIT 20`
  )
  const prizes = await q<{ drawNo: string; activity: string; prize: string; kind: string; status: string; at: Date }>(
    `SELECT d.draw_no AS "drawNo", a.name AS activity, p.name AS prize, p.kind, d.status, d.created_at AS at
     FROM draws d JOIN draw_activities a ON a.id = d.activity_id JOIN draw_prizes p ON p.id = d.prize_id
     WHERE d.member_id = $1 ORDER BY d.id DESC LIMIT 20`
  )
  const [invitedBy] = await q<{ memberNo: string; nickname: string | null }>(
    `SELECT im.member_no AS "memberNo", iu.nickname FROM referral_bindings b
     JOIN members im ON im.id = b.inviter_member_id JOIN users iu ON iu.id = im.user_id
     WHERE b.invitee_member_id = $1`
  )
  const invitees = await q<{ memberNo: string | null; nickname: string | null; status: string; rewardHeld: boolean; at: Date }>(
    `SELECT vm.member_no AS "memberNo", vu.nickname, b.status, b.reward_held AS "rewardHeld", COALESCE(b.joined_at, b.bound_at) AS at
     FROM referral_bindings b JOIN users vu ON vu.id = b.invitee_user_id LEFT JOIN members vm ON vm.id = b.invitee_member_id
     WHERE b.inviter_member_id = $1 ORDER BY b.id DESC LIMIT 20`
  )
  const sales = await q<{ storeCode: string; receiptNo: string; till: string | null; goodsAmount: number; pointsUsed: number; pointsEarned: number; status: string; at: Date }>(
    `SELECT st.code AS "storeCode", s.receipt_no AS "receiptNo", t.name AS till, s.goods_amount AS "goodsAmount", s.points_used AS "pointsUsed",
            s.points_earned AS "pointsEarned", s.status, s.created_at AS at
     FROM store_sales s JOIN stores st ON st.id = s.store_id LEFT JOIN tills t ON t.id = s.till_id
     WHERE s.member_id = $1 ORDER BY s.id DESC LIMIT 20`
  )
  const tierChanges = await q<{ from: string; to: string; kind: string; reason: string; operator: string | null; at: Date }>(
    `SELECT from_tier AS "from", to_tier AS "to", kind, reason, operator, created_at AS at FROM tier_changes WHERE member_id = $1 ORDER BY id DESC LIMIT 20`
  )
  return {
    birthday: profile.birthday,
    tierReviewAt: iso(profile.tierReviewAt),
    lots: lots.map((l) => ({ ...l, id: String(l.id), unlockedAt: iso(l.unlockedAt), availableAt: l.availableAt.toISOString(), expiresAt: l.expiresAt.toISOString() })),
    orders: orders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
    coupons: coupons.map((c) => ({
      id: String(c.id),
      name: c.name,
      status: c.usedAt ? 'used' : c.validUntil <= now ? 'expired' : 'unused',
      issuedAt: c.issuedAt.toISOString(),
      expiresAt: c.validUntil.toISOString()
    })),
    prizes: prizes.map((p) => ({ ...p, at: p.at.toISOString() })),
    referrals: {
      invitedBy: invitedBy ?? null,
      invitees: invitees.map((i) => ({ memberNo: i.memberNo, nickname: i.nickname, status: i.rewardHeld ? 'held' : i.status, at: i.at.toISOString() }))
    },
    sales: sales.map((s) => ({ ...s, at: s.at.toISOString() })),
    tierChanges: tierChanges.map((c) => ({ ...c, at: c.at.toISOString() })),
    audit: (await listAudit(db, { targetType: 'members', targetId: memberNo, limit: 50 })).items
  }
}
