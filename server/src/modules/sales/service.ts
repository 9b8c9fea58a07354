import type { StoreSale } from '../../../../types/sales'
import type { Queryable } from '../../db'
import { AppError } from '../../http/errors'
import { checkMemberCode } from '../members/member-code'
import { findMemberByNo } from '../members/repository'
import { earnPoints, returnPoints, reverseEarning, spendPoints } from '../points/ledger'
import { loadRules, pointsForPayment, quoteRedemption } from '../points/rules'
import { findOpenStore } from '../stores/repository'
import { growthForPayment, pointsMultiplierOf } from '../tiers/repository'
import { changeGrowth } from '../tiers/service'
import { claimMemberCodeSpend, completeSale, insertSale, lockSale, markRefunded, type SaleRow } from './repository'
import { seesStore, type TillActor } from '../../http/actor'

const saleEvents = (storeCode: string, receiptNo: string) => {
  const id = `${storeCode}:${receiptNo}`
  return {
    spend: { type: 'store_sale_points', id },
    earn: { type: 'store_sale', id },
    refundReturn: { type: 'store_refund_points', id },
    refundReverse: { type: 'store_refund', id }
  }
}

function toSale(row: SaleRow, balance: number): StoreSale {
  return {
    storeCode: row.storeCode,
    receiptNo: row.receiptNo,
    memberNo: row.memberNo,
    goodsAmount: row.goodsAmount,
    pointsUsed: row.pointsUsed,
    deductionFen: row.deductionFen,
    payAmount: row.payAmount,
    pointsEarned: row.pointsEarned,
    pointsAvailableAt: row.pointsAvailableAt.toISOString(),
    status: row.status,
    balance
  }
}

export interface SaleRequest {
  till: TillActor
  storeCode: string
  receiptNo: string
  memberCode: string
  goodsAmount: number
  pointsToUse?: number
  now: Date
  memberCodeSecret: string
}

/**
 * A till sale in one transaction: the points the member chose are spent (checked against the
 * balance and the cap, 100 积分 = ¥10), the cash left to pay earns points (tier multiplier,
 * pending for the return window). The receipt number is claimed first, so it is recorded once.
 */
export async function recordSale(db: Queryable, request: SaleRequest): Promise<StoreSale> {
  const code = checkMemberCode(request.memberCodeSecret, request.memberCode, request.now)
  if (!code.ok) throw new AppError(code.reason === 'expired' ? 'MEMBER_CODE_EXPIRED' : 'MEMBER_CODE_INVALID', 'memberCode')
  return db.transaction(async (tx) => {
    const member = await findMemberByNo(tx, code.memberNo)
    if (!member) throw new AppError('MEMBER_CODE_INVALID', 'memberCode')
    const store = await findOpenStore(tx, request.storeCode)
    if (!store) throw new AppError('STORE_NOT_FOUND', 'storeCode')
    if (!seesStore(request.till, store.id)) throw new AppError('TILL_STORE_MISMATCH', 'storeCode')
    const saleId = await insertSale(tx, {
      storeId: store.id,
      receiptNo: request.receiptNo,
      memberId: member.id,
      goodsAmount: request.goodsAmount,
      tillId: request.till.id,
      now: request.now
    })
    if (saleId === null) throw new AppError('SALE_ALREADY_RECORDED', 'receiptNo')
    if (request.pointsToUse !== undefined && !(await claimMemberCodeSpend(tx, member.id, code.window, saleId))) {
      throw new AppError('MEMBER_CODE_USED', 'memberCode')
    }

    const rules = await loadRules(tx)
    const events = saleEvents(store.code, request.receiptNo)
    let deductionFen = 0
    let balance = member.balance
    if (request.pointsToUse !== undefined) {
      // The ledger re-checks the balance under the account lock; the quote enforces the cap.
      const quote = quoteRedemption(rules, Number.MAX_SAFE_INTEGER, request.goodsAmount, request.pointsToUse)
      deductionFen = quote.selected!.deductionFen
      balance = (
        await spendPoints(tx, {
          memberId: member.id,
          points: request.pointsToUse,
          event: events.spend,
          reason: `门店消费抵扣 ${store.name}`,
          now: request.now
        })
      ).balance
    }
    const payAmount = request.goodsAmount - deductionFen
    const pointsEarned = pointsForPayment(rules, payAmount, await pointsMultiplierOf(tx, member.id))
    let pointsAvailableAt = request.now
    if (pointsEarned > 0) {
      const posted = await earnPoints(tx, {
        memberId: member.id,
        points: pointsEarned,
        event: events.earn,
        reason: `门店消费 ${store.name}`,
        now: request.now,
        lockDays: rules.earnLockDays,
        expiryDays: rules.expiryDays
      })
      balance = posted.balance
      pointsAvailableAt = new Date(request.now.getTime() + rules.earnLockDays * 24 * 3600 * 1000)
    }
    await changeGrowth(tx, { memberId: member.id, amount: growthForPayment(payAmount), event: events.earn, reason: `门店消费 ${store.name}`, now: request.now })
    const figures = { pointsUsed: request.pointsToUse ?? 0, deductionFen, payAmount, pointsEarned, pointsAvailableAt }
    await completeSale(tx, saleId, figures)
    return toSale(
      {
        id: saleId,
        storeId: store.id,
        storeCode: store.code,
        receiptNo: request.receiptNo,
        memberId: member.id,
        memberNo: member.memberNo,
        goodsAmount: request.goodsAmount,
        status: 'completed',
        ...figures
      },
      balance
    )
  })
}

/** A whole-receipt refund: the points used come back, the points earned are voided or reversed (a debt if spent). */
export async function refundSale(db: Queryable, request: { till: TillActor; storeCode: string; receiptNo: string; now: Date }): Promise<StoreSale> {
  return db.transaction(async (tx) => {
    const sale = await lockSale(tx, request.storeCode, request.receiptNo)
    if (!sale) throw new AppError('SALE_NOT_FOUND')
    if (!seesStore(request.till, sale.storeId)) throw new AppError('TILL_STORE_MISMATCH')
    if (sale.status === 'refunded') throw new AppError('SALE_ALREADY_REFUNDED')
    const events = saleEvents(sale.storeCode, sale.receiptNo)
    let balance: number | null = null
    if (sale.pointsEarned > 0) {
      const reversed = await reverseEarning(tx, {
        memberId: sale.memberId,
        earnEvent: events.earn,
        event: events.refundReverse,
        reason: `门店退货 扣回积分 ${sale.receiptNo}`,
        now: request.now
      })
      if (reversed) balance = reversed.balance
    }
    if (sale.pointsUsed > 0) {
      balance = (
        await returnPoints(tx, {
          memberId: sale.memberId,
          spendEvent: events.spend,
          event: events.refundReturn,
          reason: `门店退货 退回积分 ${sale.receiptNo}`,
          now: request.now
        })
      ).balance
    }
    await changeGrowth(tx, { memberId: sale.memberId, amount: -growthForPayment(sale.payAmount), event: events.refundReverse, reason: `门店退货 ${sale.receiptNo}`, now: request.now })
    await markRefunded(tx, sale.id, request.now)
    if (balance === null) {
      const { rows } = await tx.query<{ balance: number }>('SELECT balance FROM point_accounts WHERE member_id = $1', [sale.memberId])
      balance = rows[0].balance
    }
    return toSale({ ...sale, status: 'refunded' }, balance)
  })
}
