import type { FastifyInstance } from 'fastify'
import { aftersaleRoutes } from '../../../../types/aftersales'
import { actorName, seesStore } from '../../http/actor'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { requireMember } from '../members/service'
import { findOrder } from '../orders/repository'
import { sendRefund, type RefundToSend } from '../orders/refunds'
import { listAftersales, loadAftersaleRules } from './repository'
import { approveAftersale, cancelAftersale, fileAftersale, receiveReturn, rejectAftersale, submitReturn, toAftersale } from './service'

export function registerAftersaleRoutes(app: FastifyInstance) {
  const { services } = app
  const { wechatPay } = services
  const wechatPayConfigured = wechatPay !== null
  // Recorded in the operator's transaction (with its audit row), asked of WeChat Pay after it commits.
  const refundAfterCommit = (afterCommit: (work: () => Promise<unknown>) => void, toSend: RefundToSend | null, now: Date) => {
    if (toSend) afterCommit(() => sendRefund(services.db, wechatPay!, toSend, now))
  }

  registerRoutes(app, services, aftersaleRoutes, {
    'GET /api/aftersales/rules': async ({ db }) => loadAftersaleRules(db),

    'POST /api/orders/:orderNo/aftersales': async ({ db, session, input, now, requestKey }) => {
      const member = await requireMember(db, session.userId)
      return fileAftersale(db, wechatPay, { memberId: member.id, orderNo: input.params.orderNo, ...input.body, requestKey, now })
    },

    'GET /api/orders/:orderNo/aftersales': async ({ db, session, input }) => {
      const member = await requireMember(db, session.userId)
      const order = await findOrder(db, input.params.orderNo)
      if (!order || order.memberId !== member.id) throw new AppError('ORDER_NOT_FOUND')
      const rows = await listAftersales(db, { orderId: order.id, limit: 100, storeIds: null })
      return { items: await Promise.all(rows.map((row) => toAftersale(db, row))) }
    },

    'POST /api/aftersales/:aftersaleNo/return': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return submitReturn(db, { memberId: member.id, aftersaleNo: input.params.aftersaleNo, ...input.body, now })
    },

    'POST /api/aftersales/:aftersaleNo/cancel': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return cancelAftersale(db, { memberId: member.id, aftersaleNo: input.params.aftersaleNo, now })
    },

    'GET /api/admin/aftersales': async ({ db, actor, input }) => {
      const { status, orderNo, cursor, limit = 20 } = input.query
      const order = orderNo === undefined ? null : await findOrder(db, orderNo)
      if (orderNo !== undefined && !order) return { items: [], nextCursor: null }
      const rows = await listAftersales(db, { orderId: order?.id, status, before: cursor === undefined ? undefined : Number(cursor), limit: limit + 1, storeIds: actor.storeIds })
      const items = await Promise.all(rows.slice(0, limit).map((row) => toAftersale(db, row)))
      return { items, nextCursor: rows.length > limit ? String(rows[limit - 1].id) : null }
    },

    'POST /api/admin/aftersales/:aftersaleNo/approve': async ({ db, actor, input, now, audit, afterCommit }) => {
      const visible = (storeId: number | null) => seesStore(actor, storeId)
      const { aftersale, toSend } = await approveAftersale(db, { aftersaleNo: input.params.aftersaleNo, actor: actorName(actor), visible, wechatPayConfigured, now })
      audit({ targetType: 'aftersales', after: { status: aftersale.status, refund: aftersale.refund } })
      refundAfterCommit(afterCommit, toSend, now)
      return aftersale
    },

    'POST /api/admin/aftersales/:aftersaleNo/reject': async ({ db, actor, input, now, audit }) => {
      const visible = (storeId: number | null) => seesStore(actor, storeId)
      const aftersale = await rejectAftersale(db, { aftersaleNo: input.params.aftersaleNo, actor: actorName(actor), reason: input.body.reason, visible, now })
      audit({ targetType: 'aftersales', after: { status: aftersale.status }, reason: input.body.reason })
      return aftersale
    },

    'POST /api/admin/aftersales/:aftersaleNo/receive': async ({ db, actor, input, now, audit, afterCommit }) => {
      const visible = (storeId: number | null) => seesStore(actor, storeId)
      const { aftersale, toSend } = await receiveReturn(db, { aftersaleNo: input.params.aftersaleNo, actor: actorName(actor), sellable: input.body.sellable, visible, wechatPayConfigured, now })
      audit({ targetType: 'aftersales', after: { status: aftersale.status, sellable: input.body.sellable, refund: aftersale.refund } })
      refundAfterCommit(afterCommit, toSend, now)
      return aftersale
    }
  })
}
