import type { FastifyInstance } from 'fastify'
import { apiErrors, type ApiErrorCode } from '../../../../types/errors'
import { orderAdminRoutes, SHIP_BATCH_MAX_ROWS, type ShipBatchResult } from '../../../../types/order-admin'
import type { Queryable } from '../../db'
import { seesStore, type Actor } from '../../http/actor'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { listAftersales } from '../aftersales/repository'
import { toAftersale } from '../aftersales/service'
import { toCsv } from '../members/csv'
import { exportOrders, orderEvents, orderOwner, searchOrders, type Row } from './admin-repository'
import { findOrder } from './repository'
import { shipOrder, toOrder } from './service'

const shanghai = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' })
const at = (d: Date | null) => (d ? shanghai.format(d) : '')
const yuan = (fen: number) => (fen / 100).toFixed(2)
// Excel shows a long number such as a 20-digit order number as 2.02603E+19 and loses its digits;
// a trailing tab keeps the cell text (and the batch ship trims it when the file comes back).
const asText = (value: string) => `${value}\t`

const STATUS_NAMES: Record<Row['status'], string> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  refunded: '已退款'
}

const EXPORT_COLUMNS: [string, (o: Row) => string | number][] = [
  ['订单号', (o) => asText(o.orderNo)],
  ['下单时间', (o) => at(o.createdAt)],
  ['状态', (o) => STATUS_NAMES[o.status]],
  ['会员号', (o) => o.memberNo],
  ['入会门店', (o) => o.storeName ?? '线上'],
  ['商品', (o) => (o.items ?? []).map((i) => `${i.name}（${i.spec}）×${i.quantity}`).join('；')],
  ['件数', (o) => (o.items ?? []).reduce((sum, i) => sum + i.quantity, 0)],
  ['商品金额', (o) => yuan(o.goodsAmount)],
  ['优惠券抵扣', (o) => yuan(o.couponDiscount)],
  ['使用积分', (o) => o.pointsUsed],
  ['积分抵扣', (o) => yuan(o.deductionFen)],
  ['实付', (o) => yuan(o.payAmount)],
  ['已退款', (o) => yuan(o.refundedAmount)],
  ['付款时间', (o) => at(o.paidAt)],
  ['收货人', (o) => o.address.name],
  ['手机号', (o) => o.address.phone],
  ['收货地址', (o) => `${o.address.region} ${o.address.detail}`],
  ['快递公司', (o) => o.carrier ?? ''],
  ['运单号', (o) => (o.trackingNo ? asText(o.trackingNo) : '')],
  ['发货时间', (o) => at(o.shippedAt)]
]

/** A 门店店长 asking for an order of another store's member learns only that there is none. */
async function visibleOrder(db: Queryable, actor: Actor, orderNo: string) {
  const owner = await orderOwner(db, orderNo)
  if (!owner || !seesStore(actor, owner.storeId)) throw new AppError('ORDER_NOT_FOUND')
  return owner
}

export function registerOrderAdminRoutes(app: FastifyInstance) {
  registerRoutes(app, app.services, orderAdminRoutes, {
    'GET /api/admin/orders': async ({ db, actor, input }) => {
      const { cursor, limit = 20, ...filters } = input.query
      return searchOrders(db, { filters, storeIds: actor.storeIds, cursor, limit })
    },

    'GET /api/admin/orders/export': async ({ db, actor, input, now, reply }) => {
      const rows = await exportOrders(db, input.query, actor.storeIds)
      const day = shanghai.format(now).slice(0, 10).replace(/-/g, '')
      reply.header('content-disposition', `attachment; filename="orders-${day}.csv"`)
      return toCsv(EXPORT_COLUMNS.map(([title]) => title), rows.map((row) => EXPORT_COLUMNS.map(([, value]) => value(row))))
    },

    'GET /api/admin/orders/:orderNo': async ({ db, actor, input }) => {
      const owner = await visibleOrder(db, actor, input.params.orderNo)
      const row = (await findOrder(db, input.params.orderNo))!
      const [order, events, requests] = await Promise.all([toOrder(db, row), orderEvents(db, row.id), listAftersales(db, { orderId: row.id, limit: 100, storeIds: null })])
      return {
        order,
        memberNo: owner.memberNo,
        nickname: owner.nickname,
        store: owner.storeCode ? { code: owner.storeCode, name: owner.storeName! } : null,
        events,
        aftersales: await Promise.all(requests.map((request) => toAftersale(db, request)))
      }
    },

    'POST /api/admin/orders/ship-batch': async ({ db, actor, input, now, audit }) => {
      const lines = parseShipCsv(input.body.csv)
      if (lines.length === 0) throw new AppError('SHIP_BATCH_EMPTY', 'csv')
      if (lines.length > SHIP_BATCH_MAX_ROWS) throw new AppError('SHIP_BATCH_TOO_LARGE', 'csv')
      const seen = new Set<string>()
      const rows: ShipBatchResult['rows'] = []
      for (const line of lines) {
        const refused = (code: ApiErrorCode) => rows.push({ ...line.row, ok: false, code, message: apiErrors[code].message })
        if (line.invalid) {
          refused(line.invalid)
          continue
        }
        if (seen.has(line.row.orderNo)) {
          refused('SHIP_ROW_DUPLICATE')
          continue
        }
        seen.add(line.row.orderNo)
        // The route's transaction holds the audit row and the Idempotency-Key; each row is a
        // savepoint in it, so a refused row leaves nothing behind and the others still ship.
        await db.query('SAVEPOINT ship_row')
        try {
          await visibleOrder(db, actor, line.row.orderNo)
          await shipOrder(db, { orderNo: line.row.orderNo, carrier: line.row.carrier, trackingNo: line.row.trackingNo, now })
          await db.query('RELEASE SAVEPOINT ship_row')
          rows.push({ ...line.row, ok: true, code: null, message: null })
        } catch (error) {
          if (!(error instanceof AppError)) throw error
          await db.query('ROLLBACK TO SAVEPOINT ship_row')
          await db.query('RELEASE SAVEPOINT ship_row')
          refused(error.code)
        }
      }
      const shipped = rows.filter((row) => row.ok).length
      const result = { total: rows.length, shipped, failed: rows.length - shipped, rows }
      audit({
        targetType: 'orders',
        after: { total: result.total, shipped, failed: result.failed, rows: rows.map((r) => ({ line: r.line, orderNo: r.orderNo, ok: r.ok, code: r.code })) }
      })
      return result
    }
  })
}

interface ParsedLine {
  row: { line: number; orderNo: string; carrier: string; trackingNo: string }
  /** Why the line cannot be shipped as written; absent when it may be tried. */
  invalid?: ApiErrorCode
}

const ORDER_NO = /^[0-9]{8,24}$/
const TRACKING_NO = /^[A-Za-z0-9-]{4,40}$/

/**
 * The lines of a batch ship: `order number, carrier, tracking number`, separated by commas (or
 * the full-width ， an IME types) or, as a paste from a spreadsheet gives them, by tabs; cells may
 * be quoted as Excel writes them. Blank lines are skipped, and so is a first line naming the order
 * number column (a header such as 订单号,快递公司,运单号).
 */
export function parseShipCsv(text: string): ParsedLine[] {
  const parsed: ParsedLine[] = []
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  let first = true
  physical.forEach((raw, index) => {
    if (raw.trim() === '') return
    const cells = splitCells(raw)
    if (first) {
      first = false
      if (!/[0-9]/.test(cells[0] ?? '') && /订单|单号|order/i.test(cells[0] ?? '')) return
    }
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop()
    const [orderNo = '', carrier = '', trackingNo = ''] = cells
    const row = { line: index + 1, orderNo, carrier, trackingNo }
    if (cells.length !== 3 || cells.some((cell) => cell === '')) parsed.push({ row, invalid: 'SHIP_ROW_INVALID' })
    else if (!ORDER_NO.test(orderNo)) parsed.push({ row, invalid: 'ORDER_NO_INVALID' })
    else if ([...carrier].length > 20 || /[\u0000-\u001f]/.test(carrier)) parsed.push({ row, invalid: 'CARRIER_INVALID' })
    else if (!TRACKING_NO.test(trackingNo)) parsed.push({ row, invalid: 'TRACKING_NO_INVALID' })
    else parsed.push({ row })
  })
  return parsed
}

function splitCells(line: string): string[] {
  const delimiters = /[,，]/.test(line) ? [',', '，'] : ['\t']
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"' && cell.trim() === '') {
      cell = ''
      quoted = true
    } else if (delimiters.includes(c)) {
      cells.push(cell)
      cell = ''
    } else cell += c
  }
  cells.push(cell)
  // A spreadsheet's cells come back with the blanks and the text-keeping tab of our own export.
  return cells.map((c) => c.replace(/^[\s\u00a0]+|[\s\u00a0]+$/g, ''))
}
