import type { FastifyInstance } from 'fastify'
import { orderRoutes } from '../../../../types/orders'
import { AppError } from '../../http/errors'
import { registerRoutes } from '../../http/routes'
import { PayNotifyRejected } from '../../wechat/pay'
import { requireMember } from '../members/service'
import { findOrder } from './repository'
import { acceptPaymentNotify, cancelOrder, getOrder, startPayment } from './payment'
import { completeRefund } from './refunds'
import { fileAftersale } from '../aftersales/service'
import { confirmReceipt, listMemberOrders, placeOrder, previewCheckout, shipOrder } from './service'

const NOTIFY_OK = { code: 'SUCCESS', message: '成功' } as const

export function registerOrderRoutes(app: FastifyInstance) {
  const { services } = app
  const { wechatPay } = services

  /** A notify is verified before anything is read from it; a rejected one changes nothing. */
  function verified<T>(parse: () => T, log: FastifyInstance['log']): T {
    try {
      return parse()
    } catch (error) {
      if (!(error instanceof PayNotifyRejected)) throw error
      log.warn({ reason: error.reason }, 'WeChat Pay notify rejected')
      throw new AppError('PAY_NOTIFY_REJECTED')
    }
  }

  registerRoutes(app, services, orderRoutes, {
    'GET /api/orders': async ({ db, session, input }) => {
      const member = await requireMember(db, session.userId)
      const { status, cursor, limit = 20 } = input.query
      return listMemberOrders(db, member.id, { status, cursor, limit })
    },
    'GET /api/orders/:orderNo': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return getOrder(db, wechatPay, member.id, input.params.orderNo, now)
    },
    'POST /api/orders/preview': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return previewCheckout(db, { memberId: member.id, ...input.body, now })
    },
    'POST /api/orders': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return placeOrder(db, { memberId: member.id, ...input.body, now })
    },
    'POST /api/orders/:orderNo/pay': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      const { rows } = await db.query<{ openid: string }>('SELECT openid FROM users WHERE id = $1', [session.userId])
      return startPayment(
        db,
        // The dev stand-in must never take money in production.
        { wechatPay, devAllowed: !services.config.production },
        { memberId: member.id, openid: rows[0].openid, orderNo: input.params.orderNo, now }
      )
    },
    'POST /api/orders/:orderNo/cancel': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return cancelOrder(db, wechatPay, { memberId: member.id, orderNo: input.params.orderNo, now })
    },
    'POST /api/orders/:orderNo/receive': async ({ db, session, input, now }) => {
      const member = await requireMember(db, session.userId)
      return confirmReceipt(db, { memberId: member.id, orderNo: input.params.orderNo, now })
    },
    'POST /api/orders/:orderNo/refund': async ({ db, session, input, now, requestKey }) => {
      const member = await requireMember(db, session.userId)
      const order = await findOrder(db, input.params.orderNo)
      if (!order || order.memberId !== member.id) throw new AppError('ORDER_NOT_FOUND')
      // Once shipped, the goods are with the member: cash back only through a 售后 request an operator decides.
      if (order.status === 'shipped' || order.status === 'completed') throw new AppError('ORDER_NEEDS_AFTERSALE')
      await fileAftersale(db, wechatPay, {
        memberId: member.id,
        orderNo: order.orderNo,
        kind: 'refund_only',
        items: input.body.items,
        reason: '其他',
        note: input.body.reason,
        refundReason: input.body.reason,
        requestKey,
        now
      })
      return getOrder(db, null, member.id, order.orderNo, now)
    },
    'POST /api/admin/orders/:orderNo/ship': async ({ db, input, now, audit }) => {
      const order = await shipOrder(db, { orderNo: input.params.orderNo, ...input.body, now })
      audit({ after: { status: order.status, shipping: order.shipping } })
      return order
    },
    'POST /api/pay/wechat/notify': async ({ db, headers, rawBody, now, log }) => {
      if (!wechatPay) throw new AppError('NOT_FOUND')
      const payment = verified(() => wechatPay.parsePaymentNotify(headers, rawBody ?? '', now), log)
      // Only a successful payment is news: other states are read with a query when they matter.
      if (payment.tradeState !== 'SUCCESS') return NOTIFY_OK
      try {
        await acceptPaymentNotify(db, wechatPay, payment, now)
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        log.error({ orderNo: payment.outTradeNo, code: error.code }, 'WeChat Pay payment not posted')
        throw new AppError('PAY_NOTIFY_REJECTED')
      }
      return NOTIFY_OK
    },
    'POST /api/pay/wechat/refund-notify': async ({ db, headers, rawBody, now, log }) => {
      if (!wechatPay) throw new AppError('NOT_FOUND')
      const refund = verified(() => wechatPay.parseRefundNotify(headers, rawBody ?? '', now), log)
      if (refund.status === 'PROCESSING') return NOTIFY_OK
      await db.transaction((tx) => completeRefund(tx, refund.outRefundNo, refund.status === 'SUCCESS' ? 'succeeded' : 'failed', now))
      return NOTIFY_OK
    }
  })
}
