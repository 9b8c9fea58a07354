import type { PointsAdjustment } from '../../../../types/points'
import type { OperatorRules } from '../../../../types/rules'
import type { Queryable } from '../../db'
import { actorName, type OperatorActor, type ServiceActor } from '../../http/actor'
import { AppError } from '../../http/errors'
import { adjustPoints } from './ledger'
import { loadRules } from './rules'

type Maker = OperatorActor | ServiceActor

export async function loadOperatorRules(db: Queryable): Promise<OperatorRules> {
  const { rows } = await db.query<OperatorRules>(
    'SELECT adjustment_approval_threshold AS "adjustmentApprovalThreshold", support_adjustment_limit AS "supportAdjustmentLimit" FROM operator_rules'
  )
  return rows[0]
}

interface AdjustmentRow {
  id: number
  memberId: number
  memberNo: string
  points: number
  reason: string
  status: 'pending' | 'posted' | 'rejected'
  makerId: number | null
  makerName: string
  checkerName: string | null
  decisionReason: string | null
  balanceAfter: number | null
  createdAt: Date
  decidedAt: Date | null
}

const SELECT_ADJUSTMENT = `
  SELECT p.id, p.member_id AS "memberId", m.member_no AS "memberNo", p.points, p.reason, p.status,
         p.maker_id AS "makerId", p.maker_name AS "makerName", p.checker_name AS "checkerName",
         p.decision_reason AS "decisionReason", e.balance_after AS "balanceAfter",
         p.created_at AS "createdAt", p.decided_at AS "decidedAt"
  FROM point_adjustments p
  JOIN members m ON m.id = p.member_id
  LEFT JOIN point_entries e ON e.id = p.entry_id`

const toAdjustment = (row: AdjustmentRow): PointsAdjustment => ({
  id: String(row.id),
  memberNo: row.memberNo,
  points: row.points,
  reason: row.reason,
  status: row.status,
  maker: row.makerName,
  checker: row.checkerName,
  decisionReason: row.decisionReason,
  balanceAfter: row.balanceAfter,
  createdAt: row.createdAt.toISOString(),
  decidedAt: row.decidedAt ? row.decidedAt.toISOString() : null
})

async function findAdjustment(db: Queryable, id: number): Promise<AdjustmentRow | null> {
  const { rows } = await db.query<AdjustmentRow>(`${SELECT_ADJUSTMENT} WHERE p.id = $1`, [id])
  return rows[0] ?? null
}

/** Posts an adjustment through the ledger; the event is the adjustment, so it can post only once. */
async function post(db: Queryable, row: { id: number; memberId: number; points: number; reason: string }, actor: string, now: Date) {
  const rules = await loadRules(db)
  const posted = await adjustPoints(db, {
    memberId: row.memberId,
    points: row.points,
    event: { type: 'adjustment', id: String(row.id) },
    reason: row.reason,
    operator: actor,
    now,
    expiryDays: rules.expiryDays
  })
  return posted.entryId
}

/**
 * An operator's adjustment: up to the approval threshold it posts now; above it, it waits for a
 * second operator. A 客服 account may not go past its own (smaller) limit at all.
 */
export async function requestAdjustment(
  db: Queryable,
  request: { maker: Maker; memberId: number; points: number; reason: string; now: Date }
): Promise<PointsAdjustment> {
  const limits = await loadOperatorRules(db)
  const size = Math.abs(request.points)
  if (request.maker.role === 'support' && size > limits.supportAdjustmentLimit) throw new AppError('ADJUSTMENT_OVER_ROLE_LIMIT', 'points')
  const needsApproval = size > limits.adjustmentApprovalThreshold
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO point_adjustments (member_id, points, reason, status, maker_kind, maker_id, maker_name, created_at, decided_at)
     VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, NULL) RETURNING id`,
    [request.memberId, request.points, request.reason, request.maker.kind, request.maker.kind === 'operator' ? request.maker.id : null, actorName(request.maker), request.now]
  )
  const id = rows[0].id
  if (!needsApproval) {
    const entryId = await post(db, { id, ...request }, actorName(request.maker), request.now)
    await db.query(`UPDATE point_adjustments SET status = 'posted', entry_id = $2, decided_at = $3 WHERE id = $1`, [id, entryId, request.now])
  }
  return toAdjustment((await findAdjustment(db, id))!)
}

/**
 * The checker's decision. The conditional update on `status = 'pending'` decides races: of two
 * concurrent approvals one wins, and the ledger's unique event would refuse a second posting anyway.
 */
export async function decideAdjustment(
  db: Queryable,
  decision: { checker: Maker; id: number; approve: boolean; reason?: string; now: Date; visible: (memberStoreId: number | null) => boolean }
): Promise<{ before: PointsAdjustment; after: PointsAdjustment }> {
  return db.transaction(async (tx) => {
    // The row lock orders concurrent decisions: the first decides, the others then find it decided.
    await tx.query('SELECT 1 FROM point_adjustments WHERE id = $1 FOR NO KEY UPDATE', [decision.id])
    const current = await findAdjustment(tx, decision.id)
    if (!current) throw new AppError('ADJUSTMENT_NOT_FOUND')
    const { rows: stores } = await tx.query<{ storeId: number | null }>('SELECT joined_store_id AS "storeId" FROM members WHERE id = $1', [current.memberId])
    if (!decision.visible(stores[0].storeId)) throw new AppError('ADJUSTMENT_NOT_FOUND')
    if (current.status !== 'pending') throw new AppError('ADJUSTMENT_NOT_PENDING')
    const checkerId = decision.checker.kind === 'operator' ? decision.checker.id : null
    if (checkerId !== null && current.makerId === checkerId) throw new AppError('ADJUSTMENT_SELF_APPROVAL')
    const entryId = decision.approve ? await post(tx, current, current.makerName, decision.now) : null
    await tx.query(
      `UPDATE point_adjustments SET status = $2, checker_id = $3, checker_name = $4, decision_reason = $5, decided_at = $6, entry_id = $7
       WHERE id = $1 AND status = 'pending'`,
      [decision.id, decision.approve ? 'posted' : 'rejected', checkerId, actorName(decision.checker), decision.reason ?? null, decision.now, entryId]
    )
    return { before: toAdjustment(current), after: toAdjustment((await findAdjustment(tx, decision.id))!) }
  })
}

export async function listAdjustments(
  db: Queryable,
  filter: { status?: string; memberId?: number; before?: number; limit: number; storeIds: number[] | null }
): Promise<{ items: PointsAdjustment[]; nextCursor: string | null }> {
  const { rows } = await db.query<AdjustmentRow>(
    `${SELECT_ADJUSTMENT}
     WHERE ($1::text IS NULL OR p.status = $1) AND ($2::int IS NULL OR p.member_id = $2) AND ($3::int IS NULL OR p.id < $3)
       AND ($5::int[] IS NULL OR m.joined_store_id = ANY($5))
     ORDER BY p.id DESC LIMIT $4`,
    [filter.status ?? null, filter.memberId ?? null, filter.before ?? null, filter.limit + 1, filter.storeIds]
  )
  const items = rows.slice(0, filter.limit).map(toAdjustment)
  return { items, nextCursor: rows.length > filter.limit ? items[items.length - 1].id : null }
}
