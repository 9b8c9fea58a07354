import type { Queryable } from '../../db'

export interface SaleRow {
  id: number
  storeId: number
  storeCode: string
  receiptNo: string
  memberId: number
  memberNo: string
  goodsAmount: number
  pointsUsed: number
  deductionFen: number
  payAmount: number
  pointsEarned: number
  pointsAvailableAt: Date
  status: 'completed' | 'refunded'
}

/** Claims the receipt number for this store; null when it was recorded before. */
export async function insertSale(
  db: Queryable,
  sale: { storeId: number; receiptNo: string; memberId: number; goodsAmount: number; tillId: number | null; now: Date }
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO store_sales (store_id, receipt_no, member_id, goods_amount, pay_amount, points_available_at, created_at, till_id)
     VALUES ($1, $2, $3, $4, $4, $5, $5, $6) ON CONFLICT (store_id, receipt_no) DO NOTHING RETURNING id`,
    [sale.storeId, sale.receiptNo, sale.memberId, sale.goodsAmount, sale.now, sale.tillId]
  )
  return rows[0]?.id ?? null
}

/** The first points spend with a member code claims it; a replay of the same code within its window is refused. */
export async function claimMemberCodeSpend(db: Queryable, memberId: number, codeWindow: number, saleId: number): Promise<boolean> {
  const { rows } = await db.query(
    'INSERT INTO member_code_spends (member_id, code_window, sale_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING sale_id',
    [memberId, codeWindow, saleId]
  )
  return rows.length === 1
}

export async function completeSale(
  db: Queryable,
  id: number,
  figures: { pointsUsed: number; deductionFen: number; payAmount: number; pointsEarned: number; pointsAvailableAt: Date }
) {
  await db.query(
    `UPDATE store_sales SET points_used = $2, deduction_fen = $3, pay_amount = $4, points_earned = $5, points_available_at = $6
     WHERE id = $1`,
    [id, figures.pointsUsed, figures.deductionFen, figures.payAmount, figures.pointsEarned, figures.pointsAvailableAt]
  )
}

export async function lockSale(db: Queryable, storeCode: string, receiptNo: string): Promise<SaleRow | null> {
  const { rows } = await db.query<SaleRow>(
    `SELECT s.id, s.store_id AS "storeId", st.code AS "storeCode", s.receipt_no AS "receiptNo", s.member_id AS "memberId", m.member_no AS "memberNo",
            s.goods_amount AS "goodsAmount", s.points_used AS "pointsUsed", s.deduction_fen AS "deductionFen",
            s.pay_amount AS "payAmount", s.points_earned AS "pointsEarned", s.points_available_at AS "pointsAvailableAt", s.status
     FROM store_sales s JOIN stores st ON st.id = s.store_id JOIN members m ON m.id = s.member_id
     WHERE st.code = $1 AND s.receipt_no = $2
     FOR UPDATE OF s`,
    [storeCode, receiptNo]
  )
  return rows[0] ?? null
}

export async function markRefunded(db: Queryable, id: number, now: Date) {
  await db.query(`UPDATE store_sales SET status = 'refunded', refunded_at = $2 WHERE id = $1`, [id, now])
}
